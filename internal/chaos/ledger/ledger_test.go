package ledger

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
)

func TestLedger(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(testutil.NewRedis(t).Options())
	defer rdb.Close()
	l := New(rdb, "t")
	created := time.Now().Add(-time.Hour)
	if err := l.Seed(ctx, []Order{
		{ID: "1", Number: "INV-1", Amount: sdk.Rupiah(100001), CreatedAt: created},
		{ID: "2", Number: "INV-2", Amount: sdk.Rupiah(100002), CreatedAt: created},
	}); err != nil {
		t.Fatal(err)
	}
	if err := l.Seed(ctx, []Order{{ID: "3", Amount: sdk.Rupiah(100001), CreatedAt: created}}); err == nil {
		t.Fatal("Seed accepted a second order due the same amount")
	}

	open := func(amount sdk.Amount, since time.Time) []sdk.Order {
		t.Helper()
		orders, err := l.Open(ctx, amount, since)
		if err != nil {
			t.Fatal(err)
		}
		return orders
	}
	if got := open(sdk.Rupiah(100001), time.Now().Add(-24*time.Hour)); len(got) != 1 || got[0].ID != "1" || got[0].Number != "INV-1" || got[0].PaidBy != "" {
		t.Fatalf("Open(100001) = %+v, want open order 1", got)
	}
	if got := open(sdk.Rupiah(100001), time.Now()); len(got) != 0 {
		t.Fatalf("Open with Since after the order = %+v, want none", got)
	}
	if got := open(sdk.Rupiah(999), time.Time{}); len(got) != 0 {
		t.Fatalf("Open(999) = %+v, want none", got)
	}

	pay := func(order, key, mutation string, amount sdk.Amount) sdk.Outcome {
		t.Helper()
		resp, err := l.Book(ctx, order, key, sdk.Mutation{ID: mutation, Amount: amount})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Outcome
	}
	steps := []struct {
		name            string
		order, key, mut string
		amount          sdk.Amount
		want            sdk.Outcome
	}{
		{"first payment", "1", "k1", "m1", sdk.Rupiah(100001), sdk.OutcomePaid},
		{"the same key again books nothing", "1", "k1", "m1", sdk.Rupiah(100001), sdk.OutcomeAlreadyPaid},
		{"another key is booked: a double shows", "1", "k2", "m2", sdk.Rupiah(100001), sdk.OutcomePaid},
		{"a wrong amount is refused", "2", "k3", "m3", sdk.Rupiah(5), sdk.OutcomeRefused},
		{"an unknown order is refused", "9", "k4", "m4", sdk.Rupiah(100001), sdk.OutcomeRefused},
	}
	for _, s := range steps {
		if got := pay(s.order, s.key, s.mut, s.amount); got != s.want {
			t.Errorf("%s: outcome %s, want %s", s.name, got, s.want)
		}
	}
	entries, err := l.Entries(ctx, []string{"1", "2"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]string{"1": {"k1", "k2"}, "2": {}}; !reflect.DeepEqual(entries, want) {
		t.Errorf("entries = %v, want %v", entries, want)
	}
	if got := open(sdk.Rupiah(100001), time.Time{}); len(got) != 0 {
		t.Errorf("a paid order is still open: %+v", got)
	}
	stats, err := l.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats["writes"] != 2 || stats["replays"] != 1 {
		t.Errorf("stats = %v, want writes=2 replays=1", stats)
	}
}
