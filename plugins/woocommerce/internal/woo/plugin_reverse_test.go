package woo_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// TestPluginBinaryReversesPayments drives ReversePayment through the built
// plugin, over go-plugin gRPC, as the core does: the store the core gets is
// an sdk.Reverser, and the plugin answers every outcome as data.
func TestPluginBinaryReversesPayments(t *testing.T) {
	fake := fakewoo.Start(t, fakewoo.Options{TLS: true})
	store := storetest.Launch(t, testutil.Binary(t, "lunas-plugin-woocommerce"), "toko-budi", map[string]any{
		"base_url": fake.URL(), "consumer_key": fakewoo.DefaultConsumerKey,
		"consumer_secret": fakewoo.DefaultConsumerSecret, "ca_file": fake.CAFile(t),
	})
	rev, ok := store.(sdk.Reverser)
	if !ok {
		t.Fatal("the plugin's store is not an sdk.Reverser")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	amt := sdk.Rupiah(150123)
	pay := sdk.Mutation{ID: "mut-bin", BankID: "bank-1", Type: "CR", Amount: amt, BankType: "bca", Date: time.Now()}
	back := sdk.Mutation{ID: "rev-bin", BankID: "bank-1", Type: "DB", Amount: amt, BankType: "bca", Date: time.Now(),
		Description: "REVERSAL mut-bin"}
	paid := fake.AddOrder(fakewoo.Order{Total: "150123.00", Number: "TB-1"})
	other := fake.AddOrder(fakewoo.Order{Total: "150123.00", Number: "TB-2"})
	for _, o := range []fakewoo.Order{paid, other} {
		m := pay
		if o.ID == other.ID {
			m.ID = "mut-elsewhere"
		}
		r, err := store.ApplyPayment(ctx, &sdk.ApplyPaymentRequest{Order: wire(o), Mutation: m, IdempotencyKey: "moota:bank-1:" + m.ID})
		if err != nil || r.Outcome != sdk.OutcomePaid {
			t.Fatalf("ApplyPayment(%s): %+v, %v", o.Number, r, err)
		}
	}
	ghost := fakewoo.Order{ID: 999999001, Number: "999999001", Status: "processing"}

	tests := []struct {
		name    string
		order   fakewoo.Order
		outcome sdk.Outcome
		reason  string
	}{
		{"reverses the paid order", paid, sdk.OutcomeReversed, "to on-hold"},
		{"a replay changes nothing", paid, sdk.OutcomeAlreadyReversed, "already reversed"},
		{"an order another mutation paid", other, sdk.OutcomeRefused, "paid by mutation mut-elsewhere"},
		{"an unknown order", ghost, sdk.OutcomeRefused, "no longer exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := rev.ReversePayment(ctx, &sdk.ReversePaymentRequest{Order: wire(tt.order), Original: pay, Reversal: back,
				IdempotencyKey: "moota:bank-1:" + back.ID})
			if errors.Is(err, sdk.ErrUnimplemented) {
				t.Fatalf("the plugin does not implement ReversePayment: %v", err)
			}
			if err != nil || r.Outcome != tt.outcome || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("got %+v, %v; want %s mentioning %q", r, err, tt.outcome, tt.reason)
			}
		})
	}
	if got, _ := fake.Order(paid.ID); got.Status != "on-hold" || got.MetaValue("_lunas_reversed") != back.ID {
		t.Errorf("reversed order: %q with marker %q", got.Status, got.MetaValue("_lunas_reversed"))
	}
	if l := fake.Ledger(paid.ID); l != (fakewoo.Ledger{Writes: 2, StatusChanges: 2, Notes: 2}) {
		t.Errorf("reversed order's ledger %+v, want payment and reversal once each", l)
	}
	if got, _ := fake.Order(other.ID); got.Status != "processing" || got.MetaValue("_lunas_reversed") != "" || fake.Ledger(other.ID).Writes != 1 {
		t.Errorf("the order paid by another mutation was touched: %q, marker %q", got.Status, got.MetaValue("_lunas_reversed"))
	}
}

func wire(o fakewoo.Order) sdk.Order {
	return sdk.Order{ID: strconv.FormatInt(o.ID, 10), Number: o.Number, Status: o.Status, Currency: "IDR"}
}
