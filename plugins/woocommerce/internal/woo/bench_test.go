package woo

import (
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
)

// BenchmarkFindOpenOrders lists 1,000 open orders (10 pages of 100) from
// the fake over TLS and filters them down to the one with the amount asked
// for: one FindOpenOrders call as the worker makes it for each mutation.
func BenchmarkFindOpenOrders(b *testing.B) {
	shop := newShop(b, nil)
	now := time.Now()
	for i := range 1000 {
		shop.seed(sdk.Rupiah(150000+int64(i)), fakewoo.Order{Created: now.Add(-time.Duration(i) * time.Minute)})
	}
	want := sdk.Rupiah(150000 + 567)
	since := now.Add(-7 * 24 * time.Hour)
	for b.Loop() {
		resp, err := shop.find(want, since)
		if err != nil {
			b.Fatal(err)
		}
		if len(resp.Orders) != 1 {
			b.Fatalf("found %d orders, want 1", len(resp.Orders))
		}
	}
}
