package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/shopify/fakeshopify"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// TestConformance runs the store conformance suite against the real plugin
// binary, over go-plugin gRPC, talking to the fake Shopify with each token
// flow.
func TestConformance(t *testing.T) {
	bin := testutil.Binary(t, "lunas-plugin-shopify")
	flows := map[string]struct {
		opts     fakeshopify.Options
		settings map[string]any
	}{
		"access_token": {
			fakeshopify.Options{AccessToken: "shpat_conformance0000000000000000"},
			map[string]any{"access_token": "shpat_conformance0000000000000000"},
		},
		"client_credentials": {
			fakeshopify.Options{ClientID: "conformance-client", ClientSecret: "conformance-secret"},
			map[string]any{"client_id": "conformance-client", "client_secret": "conformance-secret"},
		},
	}
	for name, flow := range flows {
		t.Run(name, func(t *testing.T) {
			fake := fakeshopify.New(t, flow.opts)
			settings := map[string]any{"shop": "toko-sari.myshopify.com", "base_url": fake.URL(), "ca_file": fake.CAFile()}
			for k, v := range flow.settings {
				settings[k] = v
			}
			store := storetest.Launch(t, bin, "toko-sari", settings)
			storetest.Run(t, storetest.Harness{Store: store, Seed: seeder(fake), Lookup: lookup(fake)})
		})
	}
}

func seeder(fake *fakeshopify.Server) func(testing.TB, storetest.SeedOrder) sdk.Order {
	return func(_ testing.TB, s storetest.SeedOrder) sdk.Order {
		n := fakeshopify.NewOrder{Amount: s.Amount, CreatedAt: s.CreatedAt}
		switch s.State {
		case storetest.Paid:
			n.FinancialStatus = "PAID"
		case storetest.Cancelled:
			n.Cancelled = true
		}
		o := fake.AddOrder(n)
		return sdk.Order{ID: o.ID, Number: o.Name, Status: o.FinancialStatus, Amount: s.Amount,
			Currency: o.Currency, CreatedAt: o.CreatedAt}
	}
}

func lookup(fake *fakeshopify.Server) func(testing.TB, string) storetest.Snapshot {
	return func(t testing.TB, id string) storetest.Snapshot {
		o, ok := fake.Order(id)
		if !ok {
			t.Fatalf("fake Shopify has no order %s", id)
		}
		return storetest.Snapshot{Paid: o.FinancialStatus == "PAID", Status: o.FinancialStatus,
			PaidBy: o.Metafield("lunas", "mutation"), Writes: o.MarkPaidCalls}
	}
}

// TestErrorClassesCrossTheWire checks that the binary's classified errors
// reach the core intact: class, delay and a message naming the cause.
func TestErrorClassesCrossTheWire(t *testing.T) {
	const token = "shpat_wire000000000000000000000000"
	fake := fakeshopify.New(t, fakeshopify.Options{AccessToken: token})
	store := storetest.Launch(t, testutil.Binary(t, "lunas-plugin-shopify"), "toko-sari", map[string]any{
		"shop": "toko-sari.myshopify.com", "base_url": fake.URL(), "ca_file": fake.CAFile(), "access_token": token,
	})
	tests := map[string]struct {
		arm   func()
		class sdk.Class
		delay time.Duration
		want  string
	}{
		"throttled": {func() { fake.ForceThrottle(1) }, sdk.ClassRetryable, time.Second, "throttled"},
		"429":       {func() { fake.FailNext(1, fakeshopify.TooManyRequests(2)) }, sdk.ClassRetryable, 2 * time.Second, "429"},
		"403":       {func() { fake.FailNext(1, fakeshopify.MissingScope("read_orders")) }, sdk.ClassPermanent, 0, "read_orders"},
		"423":       {func() { fake.FailNext(1, fakeshopify.Locked()) }, sdk.ClassPermanent, 0, "locked"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.arm()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{Since: time.Now().Add(-time.Hour)})
			class, delay := sdk.ClassOf(err)
			if err == nil || class != tc.class || delay != tc.delay || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v (class %s, delay %s), want class %s delay %s mentioning %q", err, class, delay, tc.class, tc.delay, tc.want)
			}
			if strings.Contains(err.Error(), token) {
				t.Fatalf("the access token crossed the wire in %q", err)
			}
		})
	}
}
