package main

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/examples/custom-store/customstore"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

const storeSecret = "conformance-secret-0123456789"

// startStore runs the example store on a loopback port for the test.
func startStore(t *testing.T, cfg customstore.Config) (*customstore.Server, string) {
	t.Helper()
	if cfg.Secret == "" {
		cfg.Secret = storeSecret
	}
	srv, err := customstore.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// launch starts the real plugin binary configured with settings.
func launch(t *testing.T, settings map[string]any) sdk.Store {
	t.Helper()
	return storetest.Launch(t, testutil.Binary(t, "lunas-plugin-custom"), "custom-test", settings)
}

// TestConformance runs the sdk's conformance suite against the plugin
// binary talking HTTP to the example store.
func TestConformance(t *testing.T) {
	srv, url := startStore(t, customstore.Config{})
	store := launch(t, map[string]any{"base_url": url, "secret": storeSecret, "timeout": "10s",
		"headers": map[string]string{"X-Gateway-Key": "gateway-token-value"}})
	storetest.Run(t, storetest.Harness{
		Store: store,
		Seed: func(t testing.TB, o storetest.SeedOrder) sdk.Order {
			seed := customstore.Order{Amount: customstore.Money(o.Amount), CreatedAt: o.CreatedAt.UTC().Truncate(time.Second)}
			switch o.State {
			case storetest.Open:
				seed.Status = "on-hold"
			case storetest.Paid:
				seed.Status, seed.PaidBy = "processing", "seed-earlier-mutation"
			case storetest.Cancelled:
				seed.Status = "cancelled"
			}
			s := srv.Seed(seed)
			return sdk.Order{ID: s.ID, Number: s.Number, Status: s.Status, Amount: sdk.Amount(s.Amount),
				Currency: s.Currency, CreatedAt: s.CreatedAt, PaidBy: s.PaidBy}
		},
		Lookup: func(t testing.TB, id string) storetest.Snapshot {
			o, ok := srv.Order(id)
			if !ok {
				t.Fatalf("order %s is not in the store", id)
			}
			return storetest.Snapshot{Paid: o.Status == "processing", Status: o.Status, PaidBy: o.PaidBy, Writes: srv.Writes(id)}
		},
	})
}
