package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
)

// spine is one `lunas serve` with the demo store plugin, on a real Redis.
type spine struct {
	lunas *testutil.Lunas
	rdb   *redis.Client
	insp  *asynq.Inspector
	ns    string
}

func startSpine(t *testing.T, r testutil.Redis, orders []demostore.Order, extraHCL ...string) *spine {
	t.Helper()
	dir := t.TempDir()
	b, _ := json.Marshal(orders)
	ordersFile := filepath.Join(dir, "orders.json")
	if err := os.WriteFile(ordersFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ns := "lunas:demo:e2e"
	l := testutil.StartLunas(t, testutil.LunasOptions{Redis: r, Extra: strings.Join(extraHCL, "\n"), Stores: fmt.Sprintf(`
store "demo" {
  plugin   = "demo"
  bank_ids = ["*"]
  settings = {
    redis_addr  = %q
    redis_db    = %d
    namespace   = %q
    orders_file = %q
  }
}`, r.Addr, r.DB, ns, ordersFile)})
	rdb := redis.NewClient(r.Options())
	insp := asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { insp.Close(); rdb.Close() })
	return &spine{lunas: l, rdb: rdb, insp: insp, ns: ns}
}

func (s *spine) order(t *testing.T, id string) demostore.Order {
	t.Helper()
	o, ok, err := demostore.Get(context.Background(), s.rdb, s.ns, id)
	if err != nil || !ok {
		t.Fatalf("order %s: found=%v err=%v", id, ok, err)
	}
	return o
}

// waitDone waits until the task of the mutation has finished (completed or archived).
func (s *spine) waitDone(t *testing.T, bankID, mutationID string) *asynq.TaskInfo {
	t.Helper()
	var info *asynq.TaskInfo
	testutil.Eventually(t, 30*time.Second, "task "+mutationID+" to finish", func() bool {
		var err error
		info, err = s.insp.GetTaskInfo(queue.StoreQueue("demo"), "moota:"+bankID+":"+mutationID)
		return err == nil && (info.State == asynq.TaskStateCompleted || info.State == asynq.TaskStateArchived)
	})
	return info
}

func mutationJSON(id, typ string, amount any, description string) []byte {
	b, _ := json.Marshal([]map[string]any{{
		"mutation_id": id, "bank_id": "4Aqz9OmvWPV", "account_number": "1234567890", "type": typ,
		"amount": amount, "description": description, "date": time.Now().In(core.Jakarta).Format(time.DateTime),
		"bank": map[string]any{"bank_type": "bca", "meta": map[string]string{"session_id": "SECRET-SESSION"}},
	}})
	return b
}

func TestSpineEndToEnd(t *testing.T) {
	orders := []demostore.Order{
		// Placed the morning of the example payload's bank date (2025-01-15).
		{ID: "1001", Number: "1001", Status: "on-hold", Amount: 15012300, Currency: "IDR", CreatedAt: time.Date(2025, 1, 15, 8, 0, 0, 0, core.Jakarta)},
		{ID: "1002", Number: "1002", Status: "on-hold", Amount: 27500000, Currency: "IDR"},
		{ID: "1003", Number: "1003", Status: "on-hold", Amount: 27500000, Currency: "IDR"},
		{ID: "1004", Number: "1004", Status: "on-hold", Amount: 9951700, Currency: "IDR"},
	}
	s := startSpine(t, testutil.NewRedis(t), orders)

	t.Run("150123 sent 3 times concurrently pays its order once", func(t *testing.T) {
		body, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "examples", "payloads", "bca_150123_inv1042.json"))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]testutil.Response, 3)
		for i := range results {
			wg.Add(1)
			go func() { defer wg.Done(); results[i] = s.lunas.Send(t, body) }()
		}
		wg.Wait()
		accepted, dups := 0.0, 0.0
		for _, r := range results {
			if r.Status != http.StatusOK {
				t.Fatalf("delivery answered %d %s", r.Status, r.Raw)
			}
			accepted += r.Body["accepted"].(float64)
			dups += r.Body["duplicates"].(float64)
		}
		if accepted != 1 || dups != 2 {
			t.Fatalf("accepted %v duplicates %v over 3 deliveries, want 1 and 2", accepted, dups)
		}
		if info := s.waitDone(t, "4Aqz9OmvWPV", "3ykVJxnwYkN"); info.State != asynq.TaskStateCompleted {
			t.Fatalf("task state %v (%s)", info.State, info.LastErr)
		}
		o := s.order(t, "1001")
		if o.Status != "processing" || o.PaidBy != "3ykVJxnwYkN" || o.Writes != 1 {
			t.Fatalf("order 1001 = %+v, want processing, paid by 3ykVJxnwYkN, written once", o)
		}
		// A fourth delivery later is still a duplicate and writes nothing.
		if r := s.lunas.Send(t, body); r.Status != 200 || r.Body["duplicates"].(float64) != 1 {
			t.Fatalf("late redelivery answered %d %s", r.Status, r.Raw)
		}
		if o := s.order(t, "1001"); o.Writes != 1 {
			t.Fatalf("late redelivery wrote the order again: %+v", o)
		}
	})

	t.Run("a debit of the same amount pays nothing", func(t *testing.T) {
		if r := s.lunas.Send(t, mutationJSON("debit-99517", "DB", 99517, "TRSF DB 99517")); r.Status != 200 {
			t.Fatalf("answered %d %s", r.Status, r.Raw)
		}
		if info := s.waitDone(t, "4Aqz9OmvWPV", "debit-99517"); info.State != asynq.TaskStateCompleted {
			t.Fatalf("task state %v", info.State)
		}
		if o := s.order(t, "1004"); o.Status != "on-hold" || o.PaidBy != "" {
			t.Fatalf("a debit touched order 1004: %+v", o)
		}
	})

	t.Run("an amount shared by two orders touches neither and yields one ambiguous review", func(t *testing.T) {
		body := mutationJSON("amb-275000", "CR", "275000.00", "TRSF CR SITI")
		for range 2 { // a redelivery must not add a second review record
			if r := s.lunas.Send(t, body); r.Status != 200 {
				t.Fatalf("answered %d %s", r.Status, r.Raw)
			}
		}
		s.waitDone(t, "4Aqz9OmvWPV", "amb-275000")
		for _, id := range []string{"1002", "1003"} {
			if o := s.order(t, id); o.Status != "on-hold" || o.PaidBy != "" {
				t.Fatalf("ambiguous payment touched order %s: %+v", id, o)
			}
		}
		n := 0
		for _, item := range s.lunas.Review(t) {
			if item["mutation_id"] == "amb-275000" {
				n++
				if item["reason"] != "ambiguous" || len(item["candidates"].([]any)) != 2 {
					t.Fatalf("review item %v, want reason ambiguous with 2 candidates", item)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d review records for the ambiguous payment, want 1", n)
		}
	})

	t.Run("a wrong signature answers 401 and queues nothing", func(t *testing.T) {
		body := mutationJSON("forged-1", "CR", 99517, "forged")
		r := s.lunas.SendSigned(t, body, testutil.SignHex("not-the-secret", body))
		if r.Status != http.StatusUnauthorized || r.Body["error"] == nil {
			t.Fatalf("answered %d %s, want 401 with an error", r.Status, r.Raw)
		}
		if r := s.lunas.SendSigned(t, body, ""); r.Status != http.StatusUnauthorized {
			t.Fatalf("unsigned delivery answered %d, want 401", r.Status)
		}
		if _, err := s.insp.GetTaskInfo(queue.StoreQueue("demo"), "moota:4Aqz9OmvWPV:forged-1"); err == nil {
			t.Fatal("a forged mutation was queued")
		}
	})

	t.Run("an oversized body answers 413", func(t *testing.T) {
		big := append([]byte(`[{"pad":"`), bytes.Repeat([]byte("x"), 2<<20)...)
		big = append(big, `"}]`...)
		if r := s.lunas.Send(t, big); r.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("answered %d, want 413", r.Status)
		}
	})

	t.Run("a JSON object without mutation_id answers 400", func(t *testing.T) {
		r := s.lunas.Send(t, []byte(`{"bank_id":"4Aqz9OmvWPV","amount":1000,"type":"CR"}`))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Raw, "mutation_id") {
			t.Fatalf("answered %d %s, want 400 naming mutation_id", r.Status, r.Raw)
		}
	})

	t.Run("bank.meta never reaches the queue", func(t *testing.T) {
		info, err := s.insp.GetTaskInfo(queue.StoreQueue("demo"), "moota:4Aqz9OmvWPV:debit-99517")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(info.Payload, []byte("SECRET-SESSION")) || bytes.Contains(info.Payload, []byte(`"meta"`)) {
			t.Fatalf("task payload holds bank.meta: %s", info.Payload)
		}
		if strings.Contains(s.lunas.Log(), "SECRET-SESSION") {
			t.Fatal("bank.meta appears in the log")
		}
	})
}

func TestReceiverAnswers503WhenRedisIsDown(t *testing.T) {
	srv := testutil.StartRedis(t, nil)
	s := startSpine(t, testutil.Redis{Addr: srv.Addr}, []demostore.Order{{ID: "1", Number: "1", Status: "on-hold", Amount: 100000, Currency: "IDR"}})
	srv.Stop()
	r := s.lunas.Send(t, mutationJSON("while-down", "CR", 1000, "x"))
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("with Redis stopped the receiver answered %d %s, want 503", r.Status, r.Raw)
	}
	// Moota retries; once Redis is back the same delivery is stored.
	srv.Start(t)
	testutil.Eventually(t, 30*time.Second, "delivery accepted after Redis restart", func() bool {
		return s.lunas.Send(t, mutationJSON("while-down", "CR", 1000, "x")).Status == http.StatusOK
	})
}
