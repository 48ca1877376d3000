package main

import (
	"context"
	"fmt"
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
