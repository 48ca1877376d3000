package redis

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
)

// A choice reads back as it was made, and one in the JSON form of earlier
// versions still reads.
func TestChoicesReadBack(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := goredis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	c := &Choices{RDB: rdb, TTL: time.Hour}
	o := sdk.Order{ID: "41", Number: "#1042", Status: "on-hold", Amount: sdk.Amount(15012300), Currency: "IDR",
		CreatedAt: time.Now().UTC(), BankID: "b", VANumber: "988", PaymentRef: "b.150123"}
	if err := c.Choose(ctx, "moota:b:m1", o); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := c.Chosen(ctx, "moota:b:m1"); err != nil || !ok || !reflect.DeepEqual(got, o) {
		t.Fatalf("Chosen = %+v %v %v, want %+v", got, ok, err, o)
	}
	old, _ := json.Marshal(o)
	if err := rdb.Set(ctx, matchKey("moota:b:m2"), old, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := c.Chosen(ctx, "moota:b:m2"); err != nil || !ok || !reflect.DeepEqual(got, o) {
		t.Fatalf("Chosen of a JSON choice = %+v %v %v, want %+v", got, ok, err, o)
	}
}

// A settled choice is kept SettledTTL, not the window.
func TestChoiceSettledIsKeptBriefly(t *testing.T) {
	r := testutil.NewRedis(t)
	rdb := goredis.NewClient(r.Options())
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	c := &Choices{RDB: rdb, TTL: 14 * 24 * time.Hour}
	if err := c.Choose(ctx, "moota:b:m1", sdk.Order{ID: "41", Number: "1042"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Settle(ctx, "moota:b:m1"); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.TTL(ctx, matchKey("moota:b:m1")).Val(); ttl <= 0 || ttl > SettledTTL {
		t.Fatalf("settled choice TTL %s, want at most %s", ttl, SettledTTL)
	}
	if _, ok, err := c.Chosen(ctx, "moota:b:m1"); !ok || err != nil {
		t.Fatalf("a settled choice no longer reads: %v %v", ok, err)
	}
}
