package main

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// TestConformanceHTTPSBasic runs the sdk conformance suite against the
// plugin binary talking to the fake over TLS with Basic authentication,
// trusting the fake's certificate through ca_file.
func TestConformanceHTTPSBasic(t *testing.T) {
	fake := fakewoo.Start(t, fakewoo.Options{TLS: true})
	store := storetest.Launch(t, testutil.Binary(t, "lunas-plugin-woocommerce"), "toko-https", map[string]any{
		"base_url":        fake.URL(),
		"consumer_key":    fakewoo.DefaultConsumerKey,
		"consumer_secret": fakewoo.DefaultConsumerSecret,
		"ca_file":         fake.CAFile(t),
	})
	storetest.Run(t, harness(fake, store))
}

// TestConformanceHTTPOAuth1 runs the suite over plain HTTP, where
// WooCommerce accepts only OAuth 1.0a and the fake checks every signature,
// timestamp and nonce.
func TestConformanceHTTPOAuth1(t *testing.T) {
	fake := fakewoo.Start(t, fakewoo.Options{})
	store := storetest.Launch(t, testutil.Binary(t, "lunas-plugin-woocommerce"), "toko-http", map[string]any{
		"base_url":        fake.URL(),
		"consumer_key":    fakewoo.DefaultConsumerKey,
		"consumer_secret": fakewoo.DefaultConsumerSecret,
		"auth":            "oauth1",
		"paid_status":     "auto",
	})
	storetest.Run(t, harness(fake, store))
}

func harness(fake *fakewoo.Server, store sdk.Store) storetest.Harness {
	var seq atomic.Int64
	seed := func(t testing.TB, so storetest.SeedOrder) sdk.Order {
		t.Helper()
		n := seq.Add(1)
		o := fakewoo.Order{Total: decimal(so.Amount), Created: so.CreatedAt, Customer: "Budi"}
		if n%2 == 0 {
			o.Number = fmt.Sprintf("TB-%d", 5000+n) // a customer-visible number unlike the id
		}
		switch so.State {
		case storetest.Open:
			o.Status = "on-hold"
		case storetest.Paid:
			o.Status, o.DatePaid, o.TransactionID = "processing", so.CreatedAt.Add(time.Minute), "bank-ref-"+strconv.FormatInt(n, 10)
		case storetest.Cancelled:
			o.Status = "cancelled"
		}
		got := fake.AddOrder(o)
		return sdk.Order{ID: strconv.FormatInt(got.ID, 10), Number: got.Number, Status: got.Status,
			Amount: so.Amount, Currency: got.Currency, CreatedAt: got.Created}
	}
	lookup := func(t testing.TB, id string) storetest.Snapshot {
		t.Helper()
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			t.Fatalf("lookup %q: %v", id, err)
		}
		o, ok := fake.Order(n)
		if !ok {
			t.Fatalf("lookup: no order %s in the fake", id)
		}
		return storetest.Snapshot{Paid: o.Paid(), Status: o.Status, PaidBy: o.MetaValue("_lunas_mutation"), Writes: fake.Ledger(n).Writes}
	}
	return storetest.Harness{Store: store, Seed: seed, Lookup: lookup}
}

// decimal writes an amount as WooCommerce does: always two decimals.
func decimal(a sdk.Amount) string {
	return fmt.Sprintf("%d.%02d", a/100, a%100)
}
