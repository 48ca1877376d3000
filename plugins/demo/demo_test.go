package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// TestConformance runs the sdk's conformance suite against the real demo
// plugin binary, the same process `lunas dev` starts.
func TestConformance(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := redis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	const ns = "lunas:demo:conformance"
	store := storetest.Launch(t, testutil.Binary(t, "lunas-plugin-demo"), "conformance",
		map[string]any{"redis_addr": r.Addr, "redis_db": r.DB, "namespace": ns})

	var seq atomic.Int64
	seed := func(t testing.TB, o storetest.SeedOrder) sdk.Order {
		id := fmt.Sprintf("%d", 5000+seq.Add(1))
		d := demostore.Order{ID: id, Number: "INV-" + id, Amount: o.Amount, Currency: "IDR", CreatedAt: o.CreatedAt.UTC(), Status: "on-hold"}
		switch o.State {
		case storetest.Paid:
			d.Status, d.PaidBy = "processing", "earlier-mutation"
		case storetest.Cancelled:
			d.Status = "cancelled"
		}
		if err := demostore.Put(context.Background(), rdb, ns, d); err != nil {
			t.Fatal(err)
		}
		return sdk.Order{ID: d.ID, Number: d.Number, Status: d.Status, Amount: d.Amount, Currency: d.Currency, CreatedAt: d.CreatedAt, PaidBy: d.PaidBy}
	}
	storetest.Run(t, storetest.Harness{
		Store: store,
		Seed:  seed,
		Lookup: func(t testing.TB, id string) storetest.Snapshot {
			o, ok, err := demostore.Get(context.Background(), rdb, ns, id)
			if err != nil || !ok {
				t.Fatalf("order %s: ok=%v err=%v", id, ok, err)
			}
			return storetest.Snapshot{Paid: o.PaidBy != "", Status: o.Status, PaidBy: o.PaidBy, Writes: o.Writes}
		},
		Timeout: 10 * time.Second,
	})
}

// TestOrderPage starts the plugin with orders_socket, as lunas dev does, and
// reads its order page: the seeded orders, paid ones included.
func TestOrderPage(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := redis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	const ns = "lunas:demo:page"
	for _, o := range []demostore.Order{
		{ID: "2", Number: "2", Status: "processing", Amount: 5000, Currency: "IDR", PaidBy: "m-1"},
		{ID: "10", Number: "10", Status: "on-hold", Amount: 7000, Currency: "IDR"},
	} {
		if err := demostore.Put(context.Background(), rdb, ns, o); err != nil {
			t.Fatal(err)
		}
	}
	socket := filepath.Join(t.TempDir(), "orders.sock")
	storetest.Launch(t, testutil.Binary(t, "lunas-plugin-demo"), "page",
		map[string]any{"redis_addr": r.Addr, "redis_db": r.DB, "namespace": ns, "orders_socket": socket})

	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", socket)
	}}}
	resp, err := client.Get("http://demo/orders")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []demostore.Order
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /orders: %d %v", resp.StatusCode, err)
	}
	if len(got) != 2 || got[0].ID != "2" || got[0].PaidBy != "m-1" || got[1].ID != "10" || got[1].Status != "on-hold" {
		t.Fatalf("order page: %+v", got)
	}
}
