package shopify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/shopify/fakeshopify"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// TestPluginBinaryReversesPayments drives ReversePayment through the built
// plugin, over go-plugin gRPC, as the core does: the store the core gets is
// an sdk.Reverser, and the plugin answers every outcome as data.
func TestPluginBinaryReversesPayments(t *testing.T) {
	const token = "shpat_reversal00000000000000000000"
	fake := fakeshopify.New(t, fakeshopify.Options{AccessToken: token})
	store := storetest.Launch(t, testutil.Binary(t, "lunas-plugin-shopify"), "toko-sari", map[string]any{
		"shop": "toko-sari.myshopify.com", "base_url": fake.URL(), "ca_file": fake.CAFile(), "access_token": token,
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
	paid := fake.AddOrder(fakeshopify.NewOrder{Amount: amt})
	other := fake.AddOrder(fakeshopify.NewOrder{Amount: amt})
	for _, o := range []fakeshopify.Order{paid, other} {
		m := pay
		if o.ID == other.ID {
			m.ID = "mut-elsewhere"
		}
		r, err := store.ApplyPayment(ctx, &sdk.ApplyPaymentRequest{Order: wire(o), Mutation: m, IdempotencyKey: "moota:bank-1:" + m.ID})
		if err != nil || r.Outcome != sdk.OutcomePaid {
			t.Fatalf("ApplyPayment(%s): %+v, %v", o.Name, r, err)
		}
	}
	ghost := fakeshopify.Order{ID: "gid://shopify/Order/42", Name: "#42"}

	tests := []struct {
		name    string
		order   fakeshopify.Order
		outcome sdk.Outcome
		reason  string
	}{
		{"marks the paid order reversed", paid, sdk.OutcomeReversed, "refund or void"},
		{"a replay changes nothing", paid, sdk.OutcomeAlreadyReversed, "already marked reversed"},
		{"an order another mutation paid", other, sdk.OutcomeRefused, "paid by mutation mut-elsewhere"},
		{"an unknown order", ghost, sdk.OutcomeRefused, "does not exist"},
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
	got, _ := fake.Order(paid.ID)
	if got.Metafield("lunas", "reversed") != back.ID || strings.Count(got.Note, back.ID) != 1 || got.NoteWrites != 2 || got.MetafieldWrites != 2 {
		t.Errorf("reversed order: marker %q, note %q, %d note writes, %d metafield writes; want payment and reversal once each",
			got.Metafield("lunas", "reversed"), got.Note, got.NoteWrites, got.MetafieldWrites)
	}
	if got, _ := fake.Order(other.ID); got.Metafield("lunas", "reversed") != "" || strings.Contains(got.Note, back.ID) {
		t.Errorf("the order paid by another mutation was touched: %+v", got)
	}
}

func wire(o fakeshopify.Order) sdk.Order {
	return sdk.Order{ID: o.ID, Number: o.Name, Status: o.FinancialStatus, Amount: o.Outstanding, Currency: "IDR"}
}
