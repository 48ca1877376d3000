package redis

import (
	"context"
	"reflect"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/internal/testutil"
)

// A delivery record reads back as it was recorded, and a record in the JSON
// form of earlier versions still reads.
func TestAuditorRecordsReadBack(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := goredis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	old := `{"time":"2026-11-30T03:00:00Z","webhook":"moota","remote_ip":"10.0.0.1","status":401,"verdict":"bad_signature","accepted":0,"duplicates":0,"bytes":12}`
	if err := rdb.XAdd(ctx, &goredis.XAddArgs{Stream: AuditStreamKey, Values: []any{"delivery", old}}).Err(); err != nil {
		t.Fatal(err)
	}
	fields := []any{"w", "moota", "ip", "10.0.0.2", "st", 200, "v", "accepted", "a", 1, "d", 0, "ids", "m-0", "b", 300,
		"at", time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC).UnixMilli(), "ua", "Moota/1", "mu", "", "mw", "", "ct", "", "xff", ""}
	if err := rdb.XAdd(ctx, &goredis.XAddArgs{Stream: AuditStreamKey, Values: fields}).Err(); err != nil {
		t.Fatal(err)
	}
	d := core.Delivery{Time: time.Now().UTC().Truncate(time.Millisecond), Webhook: "moota", RemoteIP: "203.0.113.9",
		Headers: map[string]string{"User-Agent": "Moota/2", "Content-Type": "application/json"},
		Status:  200, Verdict: "accepted", Accepted: 2, Duplicates: 1, MutationIDs: []string{"m-1", "m.2", "m_3"}, Bytes: 912}
	a := NewAuditor(rdb, nil)
	a.Record(d)
	a.Close()
	got, err := RecentDeliveries(ctx, rdb, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !reflect.DeepEqual(got[0], d) {
		t.Fatalf("RecentDeliveries = %+v, want %+v first", got, d)
	}
	if g := got[1]; g.Verdict != "accepted" || g.Accepted != 1 || g.Bytes != 300 || g.MutationIDs[0] != "m-0" || g.Headers["User-Agent"] != "Moota/1" || g.Time.Hour() != 4 {
		t.Fatalf("the field-per-value record reads %+v", g)
	}
	if got[2].Verdict != "bad_signature" || got[2].Status != 401 || got[2].RemoteIP != "10.0.0.1" {
		t.Fatalf("the JSON record reads %+v", got[2])
	}
	// A sender's header cannot shift the record's fields.
	a = NewAuditor(rdb, nil)
	forged := d
	forged.Headers = map[string]string{"User-Agent": "x\x1f500\x1fforged\x1e1"}
	a.Record(forged)
	a.Close()
	got, err = RecentDeliveries(ctx, rdb, 1)
	if err != nil || len(got) != 1 || got[0].Status != 200 || got[0].Headers["User-Agent"] != "x 500 forged 1" {
		t.Fatalf("a header with the separator reads %+v, %v", got, err)
	}
}

// Records gather for the linger and are written together, more than one
// round trip's worth included; Close writes what waits, and a record after
// Close is dropped and counted.
func TestAuditorWritesWhatGathered(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := goredis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	a := NewAuditor(rdb, nil)
	for i := range auditBatch + 10 {
		a.Record(core.Delivery{Time: time.Now().UTC(), Webhook: "moota", Status: 200, Verdict: "accepted", Bytes: i})
	}
	deadline := time.Now().Add(10 * time.Second)
	written := func() int {
		ds, err := RecentDeliveries(ctx, rdb, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return len(ds)
	}
	for written() < auditBatch+10 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d records written", written(), auditBatch+10)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// One entry per round trip, each of at most auditBatch records.
	if n := rdb.XLen(ctx, AuditStreamKey).Val(); n < 2 || n > 3 {
		t.Fatalf("%d records in %d stream entries, want 2 or 3", auditBatch+10, n)
	}
	a.Record(core.Delivery{Time: time.Now().UTC(), Webhook: "moota", Status: 200, Verdict: "accepted", Bytes: -1})
	a.Close()
	if n := written(); n != auditBatch+11 {
		t.Fatalf("after Close: %d records, want %d", n, auditBatch+11)
	}
	// Newest first, across entries; and only as many as asked.
	ds, err := RecentDeliveries(ctx, rdb, auditBatch+5)
	if err != nil || len(ds) != auditBatch+5 || ds[0].Bytes != -1 || ds[1].Bytes != auditBatch+9 || ds[len(ds)-1].Bytes != 6 {
		t.Fatalf("RecentDeliveries(%d) = %d records (%v), first %d, %d, last %d", auditBatch+5, len(ds), err, ds[0].Bytes, ds[1].Bytes, ds[len(ds)-1].Bytes)
	}
	a.Record(core.Delivery{Webhook: "moota"})
	if a.Dropped() != 1 {
		t.Fatalf("dropped %d, want the record after Close", a.Dropped())
	}
}
