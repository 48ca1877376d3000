package woo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
)

// testShop is a fake WooCommerce site and a Store configured against it.
type testShop struct {
	fake  *fakewoo.Server
	store *Store
}

// newShop starts a fake over TLS (Basic auth, ca_file) and configures a
// Store with the defaults plus extra settings.
func newShop(t testing.TB, extra map[string]any) *testShop {
	t.Helper()
	fake := fakewoo.Start(t, fakewoo.Options{TLS: true})
	settings := map[string]any{
		"base_url":        fake.URL(),
		"consumer_key":    fakewoo.DefaultConsumerKey,
		"consumer_secret": fakewoo.DefaultConsumerSecret,
		"ca_file":         fake.CAFile(t),
	}
	for k, v := range extra {
		settings[k] = v
	}
	return &testShop{fake: fake, store: configured(t, settings)}
}

func configured(t testing.TB, settings map[string]any) *Store {
	t.Helper()
	s := New(nil)
	if _, err := s.Configure(context.Background(), configureRequest(t, settings)); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return s
}

func configureRequest(t testing.TB, settings map[string]any) *sdk.ConfigureRequest {
	t.Helper()
	raw, err := json.Marshal(settings)
	if err != nil {
		t.Fatal(err)
	}
	return &sdk.ConfigureRequest{StoreName: "toko-test", Settings: raw}
}

// seed adds an order with total rupiah (two decimals, as WooCommerce writes
// it) created an hour ago, with fields from o where set.
func (s *testShop) seed(total sdk.Amount, o fakewoo.Order) fakewoo.Order {
	o.Total = fmt.Sprintf("%d.%02d", total/100, total%100)
	if o.Created.IsZero() {
		o.Created = time.Now().Add(-time.Hour)
	}
	return s.fake.AddOrder(o)
}

func (s *testShop) order(t testing.TB, id int64) fakewoo.Order {
	t.Helper()
	o, ok := s.fake.Order(id)
	if !ok {
		t.Fatalf("order %d is gone from the fake", id)
	}
	return o
}

func (s *testShop) apply(o fakewoo.Order, m sdk.Mutation) (*sdk.ApplyPaymentResponse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return s.store.ApplyPayment(ctx, &sdk.ApplyPaymentRequest{
		Order:          sdk.Order{ID: strconv.FormatInt(o.ID, 10), Number: o.Number, Status: o.Status},
		Mutation:       m,
		IdempotencyKey: "moota:" + m.BankID + ":" + m.ID,
	})
}

func (s *testShop) find(amount sdk.Amount, since time.Time) (*sdk.FindOpenOrdersResponse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return s.store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{Amount: amount, Since: since, BankID: "bank-1"})
}

// userNotes returns the notes added through the notes endpoint: all but
// WooCommerce's status-change notes. Their author cannot tell them apart:
// WooCommerce attributes notes added over REST to itself.
func (s *testShop) userNotes(id int64) []fakewoo.Note {
	var out []fakewoo.Note
	for _, n := range s.fake.Notes(id) {
		if !strings.HasPrefix(n.Note, "Order status changed from ") {
			out = append(out, n)
		}
	}
	return out
}

func mutation(id string, amount sdk.Amount) sdk.Mutation {
	return sdk.Mutation{ID: id, BankID: "bank-1", AccountNumber: "8730123456", Type: "CR", Amount: amount,
		Description: "TRSF E-BANKING CR 0306/FTSCY/WS95031 INV TB-1042", BankType: "bca",
		Date: time.Date(2025, 6, 3, 16, 20, 0, 0, time.FixedZone("WIB", 7*3600))}
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline. It waits for the fake to finish work a client gave up on; it
// asserts nothing about time.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
