package redis

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

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
		Mutation: sdk.Mutation{ID: "m1", BankID: "b", Type: "CR", Amount: sdk.Amount(15012350)}, PaidAt: paidAt,
		ReceivedAt: paidAt.Add(-1234567 * time.Microsecond)}
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
	want := payment.Applied{Store: "toko|budi", OrderID: "#1042", OrderNumber: "#1042", Amount: sdk.Amount(15012350), Type: "CR", At: paidAt,
		ReceivedAt: paidAt.Add(-1235 * time.Millisecond)}
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

// A credit reads back from the credits hash with what its applied record
// keeps, with the credits of the same amount (this day's, a line of the
// earlier layout and a legacy sorted set's) newest first, none from before
// the window, and each once however often it was recorded.
func TestLedgerReversibleReadsBack(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := goredis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	l := NewLedger(rdb)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	amount := sdk.Amount(15012300)
	rec := func(id string, paidAt time.Time) payment.Record {
		return payment.Record{TaskID: "moota:b:" + id, Store: "toko", PaidAt: paidAt,
			Order:    sdk.Order{ID: "41", Number: "#1042", Amount: amount},
			Mutation: sdk.Mutation{ID: id, BankID: "b", Type: "CR", Amount: amount}}
	}
	older, newer, stale := rec("m1", now.Add(-2*time.Minute)), rec("m2", now.Add(-time.Minute)), rec("m0", now.Add(-3*time.Hour))
	newer.Order.ID = newer.Order.Number // stored once
	for _, r := range []payment.Record{stale, older, newer, newer} {
		if err := l.Record(ctx, r, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	// A line the earlier layout wrote into the same field keeps all it had.
	earlier := rec("m4", now.Add(-100*time.Second))
	earlier.Mutation.Description, earlier.Mutation.BankType = "TRSF CR BUDI", "bca"
	line := `{"at":` + strconv.FormatInt(earlier.PaidAt.UnixMilli(), 10) + `,"s":"toko","m":"m4","t":"CR","d":"TRSF CR BUDI","bt":"bca","o":{"id":"41","n":"#1042"}}`
	key := creditsKey("b", now)
	cur := rdb.HGet(ctx, key, amount.String()).Val()
	if err := rdb.HSet(ctx, key, amount.String(), cur+"\n"+line).Err(); err != nil {
		t.Fatal(err)
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
	want := []payment.Record{newer, legacy, earlier, older}
	if len(got) != len(want) {
		t.Fatalf("Reversible = %d records, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// Each credit is listed once in its field, however often it was recorded.
	if v := rdb.HGet(ctx, key, amount.String()).Val(); strings.Count(v, "m2") != 1 {
		t.Fatalf("credits field %q lists m2 %d times", v, strings.Count(v, "m2"))
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
