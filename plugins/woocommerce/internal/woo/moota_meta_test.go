package woo

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
)

// TestFindOpenOrdersReadsMootasMeta checks that orders placed through
// Moota's official plugin reach the core with the account, VA number and
// checkout reference that plugin stored, in the formats its
// MootaTransaction.php writes them.
func TestFindOpenOrdersReadsMootasMeta(t *testing.T) {
	methods := []string{"bacs", "moota_bca_transfer", "moota_bni_virtual", "moota_qris_gateway"}
	shop := newShop(t, map[string]any{"payment_methods": methods})
	amt := sdk.Rupiah(250000)
	meta := func(kv ...string) []fakewoo.Meta {
		var out []fakewoo.Meta
		for i := 0; i < len(kv); i += 2 {
			out = append(out, fakewoo.Meta{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	transfer := shop.seed(amt, fakewoo.Order{PaymentMethod: "moota_bca_transfer",
		Meta: meta("moota_bank_id", "4Aqz9OmvWPV", "moota_unique_code", "123", "moota_mutation_tag", "4Aqz9OmvWPV.250000")})
	va := shop.seed(amt, fakewoo.Order{PaymentMethod: "moota_bni_virtual",
		Meta: meta("moota_bank_id", "VAbni01", "moota_va_number", "9880812345678901", "moota_mutation_tag", "moota_9880812345678901_250000")})
	vaOnlyTag := shop.seed(amt, fakewoo.Order{PaymentMethod: "moota_bni_virtual",
		Meta: meta("moota_mutation_tag", "moota_9880800000000002_250000")})
	qris := shop.seed(amt, fakewoo.Order{PaymentMethod: "moota_qris_gateway",
		Meta: meta("moota_bank_id", "QRISacc", "moota_qris_tag", "moota_qris250000")})
	plain := shop.seed(amt, fakewoo.Order{PaymentMethod: "bacs"})

	resp, err := shop.find(amt, time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sdk.Order{}
	for _, o := range resp.Orders {
		got[o.ID] = o
	}
	tests := []struct {
		name          string
		order         fakewoo.Order
		bank, va, ref string
	}{
		{"bank transfer", transfer, "4Aqz9OmvWPV", "", "moota-bank-transfer#"},
		{"virtual account", va, "VAbni01", "9880812345678901", "moota-va#"},
		{"VA number from the mutation tag alone", vaOnlyTag, "", "9880800000000002", "moota-va#"},
		{"QRIS", qris, "QRISacc", "", "moota-qris#"},
		{"an order without Moota's meta", plain, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, ok := got[strconv.FormatInt(tt.order.ID, 10)]
			if !ok {
				t.Fatalf("order %d not found", tt.order.ID)
			}
			wantRef := ""
			if tt.ref != "" {
				wantRef = tt.ref + strconv.FormatInt(tt.order.ID, 10)
			}
			if o.BankID != tt.bank || o.VANumber != tt.va || o.PaymentRef != wantRef {
				t.Fatalf("order = bank %q va %q ref %q, want %q %q %q", o.BankID, o.VANumber, o.PaymentRef, tt.bank, tt.va, wantRef)
			}
		})
	}
}

// TestApplyPaymentRefusesAnotherAccountOrVA re-checks, on the order as it
// is now, the account and virtual account Moota's plugin recorded.
func TestApplyPaymentRefusesAnotherAccountOrVA(t *testing.T) {
	shop := newShop(t, map[string]any{"payment_methods": []string{"moota_bca_transfer", "moota_bni_virtual"}})
	amt := sdk.Rupiah(250000)
	transfer := shop.seed(amt, fakewoo.Order{PaymentMethod: "moota_bca_transfer",
		Meta: []fakewoo.Meta{{Key: "moota_bank_id", Value: "bank-bca"}}})
	va := shop.seed(amt, fakewoo.Order{PaymentMethod: "moota_bni_virtual",
		Meta: []fakewoo.Meta{{Key: "moota_bank_id", Value: "bank-1"}, {Key: "moota_va_number", Value: "9880812345678901"}}})
	tests := []struct {
		name   string
		order  fakewoo.Order
		change func(*sdk.Mutation)
		want   sdk.Outcome
		reason string
	}{
		{"a transfer into another account", transfer, func(m *sdk.Mutation) { m.BankID = "bank-bri" }, sdk.OutcomeRefused, "to be paid into Moota account bank-bca"},
		{"a payment into another VA", va, func(m *sdk.Mutation) { m.BankType, m.AccountNumber = "bniVA", "9880800000000002" }, sdk.OutcomeRefused, "virtual account 9880812345678901"},
		{"the right VA", va, func(m *sdk.Mutation) { m.BankType, m.AccountNumber = "bniVA", "9880812345678901" }, sdk.OutcomePaid, ""},
		{"the right account", transfer, func(m *sdk.Mutation) { m.BankID = "bank-bca" }, sdk.OutcomePaid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mutation("mut-"+strings.ReplaceAll(tt.name, " ", "-"), amt)
			tt.change(&m)
			r, err := shop.apply(tt.order, m)
			if err != nil || r.Outcome != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("ApplyPayment = %+v, %v; want %s with %q", r, err, tt.want, tt.reason)
			}
		})
	}
}
