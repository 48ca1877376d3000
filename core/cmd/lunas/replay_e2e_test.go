package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
	"github.com/lunas-dev/lunas/sdk"
)

// reviewItem returns the review item of a mutation, or nil.
func reviewItem(t *testing.T, s *spine, id string) map[string]any {
	t.Helper()
	for _, item := range s.lunas.Review(t) {
		if item["id"] == id {
			return item
		}
	}
	return nil
}

// A credit pays at most one order, ever: the same signed body replayed after
// the task and its dedupe record expired (fast-forwarded here by deleting
// what an hour and 14 days would) is accepted as new, and goes to review as a replay while another
// open order of its amount, placed before the money arrived, waits. The
// same mutation id with another amount, while the task is kept, is a
// conflict for review, not a duplicate.
func TestReplayAfterRetentionPaysNothing(t *testing.T) {
	placed := time.Now().Add(-time.Hour).UTC()
	s := startSpine(t, testutil.NewRedis(t), []demostore.Order{
		{ID: "3001", Number: "3001", Status: "on-hold", Amount: sdk.Rupiah(123456), Currency: "IDR", CreatedAt: placed},
	})
	ctx := context.Background()
	const bank, id = "4Aqz9OmvWPV", "replay-123456"
	taskID := "moota:" + bank + ":" + id
	body := mutationJSON(id, "CR", 123456, "TRSF CR BUDI")
	if r := s.lunas.Send(t, body); r.Status != 200 || r.Body["accepted"].(float64) != 1 {
		t.Fatalf("first delivery answered %d %s", r.Status, r.Raw)
	}
	s.waitDone(t, bank, id)
	if o := s.order(t, "3001"); o.PaidBy != id {
		t.Fatalf("order 3001 = %+v, want paid by %s", o, id)
	}

	t.Run("the same id with another amount is a conflict", func(t *testing.T) {
		r := s.lunas.Send(t, mutationJSON(id, "CR", 999, "TRSF CR BUDI"))
		if r.Status != 200 || r.Body["duplicates"].(float64) != 0 {
			t.Fatalf("conflicting delivery answered %d %s, want it accepted, not a duplicate", r.Status, r.Raw)
		}
		var item map[string]any
		testutil.Eventually(t, 30*time.Second, "a conflict review item", func() bool {
			for _, it := range s.lunas.Review(t) {
				if it["mutation_id"] == id && it["reason"] == "conflict" {
					item = it
					return true
				}
			}
			return false
		})
		if !strings.Contains(item["detail"].(string), "Rp 123456") || !strings.Contains(item["detail"].(string), "Rp 999") {
			t.Fatalf("conflict detail %q", item["detail"])
		}
	})

	// Another open order of the amount, placed before the money arrived.
	other := demostore.Order{ID: "3002", Number: "3002", Status: "on-hold", Amount: sdk.Rupiah(123456), Currency: "IDR", CreatedAt: placed}
	if err := demostore.Put(ctx, s.rdb, s.ns, other); err != nil {
		t.Fatal(err)
	}
	// An hour passes: the finished task expires (queue.TaskRetention), and
	// the dedupe record still answers a re-delivery.
	if err := s.insp.DeleteTask(queue.StoreQueue("demo"), taskID); err != nil {
		t.Fatal(err)
	}
	if r := s.lunas.Send(t, body); r.Status != 200 || r.Body["duplicates"].(float64) != 1 {
		t.Fatalf("re-delivery after the task expired answered %d %s, want a duplicate", r.Status, r.Raw)
	}
	// Fourteen days pass: the dedupe record and the order choice expire.
	dedupe, err := s.rdb.Keys(ctx, "lunas:dedupe:"+bank+":*").Result()
	if err != nil || len(dedupe) == 0 {
		t.Fatalf("dedupe records %v, %v", dedupe, err)
	}
	if err := s.rdb.Del(ctx, append(dedupe, "lunas:match:"+taskID)...).Err(); err != nil {
		t.Fatal(err)
	}
	if r := s.lunas.Send(t, body); r.Status != 200 || r.Body["accepted"].(float64) != 1 {
		t.Fatalf("replay answered %d %s, want it accepted as new", r.Status, r.Raw)
	}
	s.waitDone(t, bank, id)
	if o := s.order(t, "3002"); o.Status != "on-hold" || o.PaidBy != "" {
		t.Fatalf("the replay paid a second order: %+v", o)
	}
	item := reviewItem(t, s, taskID)
	if item == nil || item["reason"] != "replay" || !strings.Contains(item["detail"].(string), "order 3001") {
		t.Fatalf("review item %v, want a replay naming order 3001", item)
	}
}
