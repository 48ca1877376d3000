package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/internal/chaos/ledger"
	"github.com/lunas-dev/lunas/internal/testutil"
)

func TestChanceIsFixedAndSpread(t *testing.T) {
	if chance(1, "crash", kindApply, "100001", 1) != chance(1, "crash", kindApply, "100001", 1) {
		t.Fatal("chance is not a function of its arguments")
	}
	below := 0
	for i := range 10000 {
		c := chance(7, "crash", kindFind, fmt.Sprint(100000+i), 1)
		if c < 0 || c >= 1 {
			t.Fatalf("chance = %v, want [0, 1)", c)
		}
		if c < 0.1 {
			below++
		}
	}
	if below < 900 || below > 1100 {
		t.Fatalf("%d of 10000 draws below 0.1, want about 1000", below)
	}
}

func TestDecide(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(testutil.NewRedis(t).Options())
	defer rdb.Close()
	led := ledger.New(rdb, "t")
	tests := []struct {
		name   string
		f      faults
		kind   string
		counts func(map[fault]int) bool
	}{
		{"no faults", faults{}, kindApply, func(c map[fault]int) bool { return c[noFault] == 1000 }},
		{"crashes on about 10% of calls, half of them after booking", faults{Seed: 3, CrashShare: 0.1}, kindApply,
			func(c map[fault]int) bool {
				n := c[crashBefore] + c[crashAfterBook]
				return n > 70 && n < 130 && c[crashAfterBook] > 20 && c[crashBefore] > 20
			}},
		{"FindOpenOrders never crashes after booking", faults{Seed: 3, CrashShare: 0.1}, kindFind,
			func(c map[fault]int) bool { return c[crashBefore] > 70 && c[crashAfterBook] == 0 }},
		{"storms of 429 and 500 on about 30% of calls", faults{Seed: 5, StormShare: 0.3, StormLength: 10}, kindApply,
			func(c map[fault]int) bool {
				n := c[throttled] + c[serverError] + c[serverErrorAfterBook]
				return n > 150 && n < 450 && c[throttled] > 0 && c[serverError] > 0 && c[serverErrorAfterBook] > 0
			}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := ledger.New(rdb, fmt.Sprintf("t%d", i))
			counts := map[fault]int{}
			for n := range 1000 {
				f, err := tt.f.decide(ctx, l, tt.kind, fmt.Sprint(100000+n))
				if err != nil {
					t.Fatal(err)
				}
				counts[f]++
			}
			if !tt.counts(counts) {
				t.Fatalf("faults drawn: %v", counts)
			}
		})
	}
	// A crash limit stops the crashes of a payment once it is reached.
	f := faults{Seed: 3, CrashShare: 1, CrashLimit: 1}
	if got, _ := f.decide(ctx, led, kindFind, "100001"); got != crashBefore {
		t.Fatalf("first call: %v, want a crash", got)
	}
	if _, err := led.Crashes(ctx, "100001", 1); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.decide(ctx, led, kindFind, "100001"); got != noFault {
		t.Fatalf("after the limit: %v, want no fault", got)
	}
}
