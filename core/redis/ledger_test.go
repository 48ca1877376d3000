package redis

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
)

// The permanent record of an applied mutation keeps the first order it
// paid, outlives the reversal records, and reads back what was written.
func TestLedgerKeepsTheFirstApplicationForGood(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := goredis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	l := NewLedger(rdb)
	ctx := context.Background()
	paidAt := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	rec := payment.Record{TaskID: "moota:b:m1", Store: "toko|budi", Order: sdk.Order{Number: "#1042"},
		Mutation: sdk.Mutation{ID: "m1", BankID: "b", Type: "CR", Amount: sdk.Amount(15012350)}, PaidAt: paidAt}
	if err := l.Record(ctx, rec, time.Hour); err != nil {
		t.Fatal(err)
	}
	later := rec
	later.Order.Number, later.PaidAt = "1077", paidAt.Add(time.Minute)
	if err := l.Record(ctx, later, time.Hour); err != nil {
		t.Fatal(err)
	}
	// Retention passes: everything but the permanent record is gone.
	if err := rdb.Del(ctx, creditsKey("b", paidAt)).Err(); err != nil {
		t.Fatal(err)
	}
	got, ok, err := l.Applied(ctx, "b", "m1")
	if err != nil || !ok {
		t.Fatalf("Applied: %v %v", ok, err)
	}
	want := payment.Applied{Store: "toko|budi", OrderNumber: "#1042", Amount: sdk.Amount(15012350), Type: "CR", At: paidAt}
	if got != want {
		t.Fatalf("Applied = %+v, want %+v", got, want)
	}
	if ttl := rdb.TTL(ctx, appliedKey("b")).Val(); ttl != -1 {
		t.Fatalf("applied record TTL %s, want none", ttl)
	}
	if _, ok, err := l.Applied(ctx, "b", "m2"); ok || err != nil {
		t.Fatalf("Applied of an unknown mutation: %v %v", ok, err)
	}
	if recs, err := l.Reversible(ctx, "b", rec.Mutation.Amount, paidAt, time.Hour); err != nil || len(recs) != 0 {
		t.Fatalf("reversible after expiry: %v %v", recs, err)
	}
}

// A credit reads back from the credits hash as it was recorded, with the
// credits of the same amount (this day's and a legacy sorted set's) newest
// first, and none from before the window.
func TestLedgerReversibleReadsBack(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := goredis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	l := NewLedger(rdb)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	amount := sdk.Amount(15012300)
	rec := func(id string, paidAt time.Time) payment.Record {
		return payment.Record{TaskID: "moota:b:" + id, Store: "toko", PaidAt: paidAt,
			Order: sdk.Order{ID: "41", Number: "#1042", Status: "on-hold", Amount: amount, Currency: "IDR",
				CreatedAt: now.Add(-time.Hour), PaymentRef: "b.150123"},
			Mutation: sdk.Mutation{ID: id, BankID: "b", AccountNumber: "0123", Type: "CR", Amount: amount,
				Description: "TRSF CR \"BUDI\"\n1042", Date: time.Unix(now.Unix()-60, 0).In(core.Jakarta), BankType: "bca"}}
	}
	older, newer, stale := rec("m1", now.Add(-2*time.Minute)), rec("m2", now.Add(-time.Minute)), rec("m0", now.Add(-3*time.Hour))
	for _, r := range []payment.Record{stale, older, newer, newer} {
		if err := l.Record(ctx, r, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	legacy := rec("m3", now.Add(-90*time.Second))
	b, _ := json.Marshal(legacy)
	if err := rdb.ZAdd(ctx, paidKey("b", amount), goredis.Z{Score: float64(legacy.PaidAt.UnixMilli()), Member: b}).Err(); err != nil {
		t.Fatal(err)
	}
	got, err := l.Reversible(ctx, "b", amount, now, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	want := []payment.Record{newer, legacy, older}
	if len(got) != len(want) {
		t.Fatalf("Reversible = %d records, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.TaskID != w.TaskID || g.Store != w.Store || !g.PaidAt.Equal(w.PaidAt) || g.Order.ID != w.Order.ID ||
			g.Order.Number != w.Order.Number || g.Order.Amount != w.Order.Amount || !g.Order.CreatedAt.Equal(w.Order.CreatedAt) ||
			g.Order.PaymentRef != w.Order.PaymentRef || g.Mutation.Description != w.Mutation.Description ||
			!g.Mutation.Date.Equal(w.Mutation.Date) || g.Mutation.AccountNumber != w.Mutation.AccountNumber ||
			g.Mutation.Amount != w.Mutation.Amount || g.Mutation.BankType != w.Mutation.BankType {
			t.Fatalf("record %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestLedgerTotals(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := goredis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	l := NewLedger(rdb)
	ctx := context.Background()
	now := time.Now()
	for i, at := range []time.Duration{-3 * time.Hour, -30 * time.Minute, -time.Minute, -time.Minute} {
		id := []string{"a", "b", "c", "c"}[i] // c recorded twice (a retry) counts once
		rec := payment.Record{TaskID: "moota:b:" + id, Mutation: sdk.Mutation{ID: id, BankID: "b", Type: "CR", Amount: sdk.Rupiah(1000)}, PaidAt: now.Add(at)}
		if err := l.Record(ctx, rec, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	n, total, err := l.Totals(ctx, now.Add(-time.Hour))
	if err != nil || n != 2 || total != sdk.Rupiah(2000) {
		t.Fatalf("last hour: %d %s %v, want 2 payments of Rp 2000", n, total, err)
	}
}
