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
	if len(got) != 2 || !reflect.DeepEqual(got[0], d) {
		t.Fatalf("RecentDeliveries = %+v, want %+v first", got, d)
	}
	if got[1].Verdict != "bad_signature" || got[1].Status != 401 || got[1].RemoteIP != "10.0.0.1" {
		t.Fatalf("the JSON record reads %+v", got[1])
	}
}
