package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/examples/custom-store/customstore"
	"github.com/lunas-dev/lunas/internal/testutil"
)

// The end-to-end test below goes the whole way a payment travels: a signed
// Moota webhook to a real `lunas serve`, through Redis and the worker, to
// the real lunas-plugin-custom binary, over signed HTTP to the example
// store of examples/custom-store. The assertions read the store's orders,
// its ledger of applied payments, and every payment request it answered.

// pluginSecret is the plugin's settings.secret (given to Lunas through the
// environment, as merchants are told to); wrongSecret is what the
// misconfigured store verifies with instead.
const (
	pluginSecret = "e2e-custom-plugin-secret-0123456789"
	wrongSecret  = "e2e-another-store-secret-9876543210"
)

// customShop is one custom store block of the running Lunas and the example
// store behind it.
type customShop struct {
	name   string // the store's name in lunas.hcl
	bankID string // the Moota bank account routed to it
	store  *customstore.Server
	calls  *paymentCalls
}

// customSpine is a `lunas serve` with two custom stores: "toko-custom"
// shares the plugin's secret; "toko-wrong-secret" verifies signatures
// with another one, so it refuses every request Lunas sends.
type customSpine struct {
	lunas *testutil.Lunas
	insp  *asynq.Inspector
	shop  customShop
	wrong customShop
}

func startCustomSpine(t *testing.T) *customSpine {
	t.Helper()
	r := testutil.NewRedis(t)
	s := &customSpine{
		shop:  startShop(t, "toko-custom", "bank-custom", pluginSecret),
		wrong: startShop(t, "toko-wrong-secret", "bank-wrong-secret", wrongSecret),
	}
	block := func(shop customShop) string {
		return fmt.Sprintf(`
store %q {
  plugin   = "custom"
  bank_ids = [%q]
  settings = {
    base_url = %q
    secret   = env("CUSTOM_STORE_SECRET")
    timeout  = "10s"
  }
}`, shop.name, shop.bankID, shop.calls.url)
	}
	s.lunas = testutil.StartLunas(t, testutil.LunasOptions{
		Redis:  r,
		Stores: block(s.shop) + block(s.wrong),
		// An unmatched payment goes to review at once instead of being
		// looked at again in 5 minutes.
		Extra: "review {\n  recheck = []\n}",
		Env:   []string{"CUSTOM_STORE_SECRET=" + pluginSecret},
	})
	s.insp = asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { s.insp.Close() })
	return s
}

// startShop runs the example store, verifying with secret, behind a
// recorder of its payment answers.
func startShop(t *testing.T, name, bankID, secret string) customShop {
	t.Helper()
	store, err := customstore.New(customstore.Config{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	calls := &paymentCalls{next: store}
	srv := httptest.NewServer(calls)
	t.Cleanup(srv.Close)
	calls.url = srv.URL
	return customShop{name: name, bankID: bankID, store: store, calls: calls}
}

// paymentCalls passes every request on to the store and notes the answer
// to each POST /lunas/payments: it shows that a replay really reached the
// store and what the store said.
type paymentCalls struct {
	next http.Handler
	url  string

	mu      sync.Mutex
	answers map[string][]int // Idempotency-Key -> HTTP statuses, in order
}

func (p *paymentCalls) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/lunas/payments" {
		p.next.ServeHTTP(w, r)
		return
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	p.next.ServeHTTP(sw, r)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.answers == nil {
		p.answers = map[string][]int{}
	}
	key := r.Header.Get("Idempotency-Key")
	p.answers[key] = append(p.answers[key], sw.status)
}

// statuses returns the store's answers to payments carrying key.
func (p *paymentCalls) statuses(key string) []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.answers[key]...)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// taskID is the Asynq task id, and so the idempotency key, of a mutation.
func (shop customShop) taskID(mutationID string) string {
	return "moota:" + shop.bankID + ":" + mutationID
}

// seed adds an order of amount with status, created an hour ago.
func (shop customShop) seed(amount customstore.Money, status string) customstore.Order {
	return shop.store.Seed(customstore.Order{Amount: amount, Status: status, CreatedAt: time.Now().Add(-time.Hour).UTC().Truncate(time.Second)})
}

func (shop customShop) order(t *testing.T, id string) customstore.Order {
	t.Helper()
	o, ok := shop.store.Order(id)
	if !ok {
		t.Fatalf("%s has no order %s", shop.name, id)
	}
	return o
}

// customMutation is a one-mutation Moota payload; amount is whatever JSON
// Moota sent (a number or a decimal string).
func customMutation(bankID, mutationID string, amount any) []byte {
	b, _ := json.Marshal([]map[string]any{{
		"mutation_id": mutationID, "bank_id": bankID, "account_number": "1234567890", "type": "CR",
		"amount": amount, "description": "TRSF E-BANKING CR SITI AMINAH", "date": time.Now().In(core.Jakarta).Format(time.DateTime),
		"bank": map[string]any{"bank_type": "bca", "atas_nama": "Toko Custom"},
	}})
	return b
}

// pay sends a credit into the shop's bank account and requires the
// receiver to accept it as new.
func (s *customSpine) pay(t *testing.T, shop customShop, mutationID string, amount any) []byte {
	t.Helper()
	body := customMutation(shop.bankID, mutationID, amount)
	if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["accepted"] != 1.0 {
		t.Fatalf("delivery of %s answered %d %s, want 200 with accepted 1", mutationID, r.Status, r.Raw)
	}
	return body
}

// waitDone waits for the mutation's task to complete or be archived.
func (s *customSpine) waitDone(t *testing.T, shop customShop, mutationID string) *asynq.TaskInfo {
	t.Helper()
	var info *asynq.TaskInfo
	testutil.Eventually(t, 60*time.Second, "task "+shop.taskID(mutationID)+" to finish", func() bool {
		var err error
		info, err = s.insp.GetTaskInfo(queue.StoreQueue(shop.name), shop.taskID(mutationID))
		return err == nil && (info.State == asynq.TaskStateCompleted || info.State == asynq.TaskStateArchived)
	})
	return info
}

func (s *customSpine) requireCompleted(t *testing.T, shop customShop, mutationID string) *asynq.TaskInfo {
	t.Helper()
	info := s.waitDone(t, shop, mutationID)
	if info.State != asynq.TaskStateCompleted {
		t.Fatalf("task %s is %s (last error %q), want completed", info.ID, info.State, info.LastErr)
	}
	return info
}

// review returns the review items of the mutation.
func (s *customSpine) review(t *testing.T, mutationID string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, item := range s.lunas.Review(t) {
		if item["mutation_id"] == mutationID {
			out = append(out, item)
		}
	}
	return out
}

// requirePaidOnce checks what a payment promises on the store's side: the
// order is in the paid status, paid by the mutation, with exactly one
// ledger entry under the mutation's idempotency key, and the store said
// "paid" (200) to exactly one payment request with that key.
func requirePaidOnce(t *testing.T, shop customShop, id, mutationID string) {
	t.Helper()
	o := shop.order(t, id)
	if o.Status != "processing" || o.PaidBy != mutationID {
		t.Fatalf("order %s = status %q paid_by %q, want processing paid by %s", id, o.Status, o.PaidBy, mutationID)
	}
	if n := shop.store.Writes(id); n != 1 {
		t.Fatalf("order %s has %d payments in the ledger, want 1", id, n)
	}
	for _, p := range shop.store.Ledger() {
		if p.OrderID == id && (p.IdempotencyKey != shop.taskID(mutationID) || p.MutationID != mutationID || p.Amount != o.Amount) {
			t.Fatalf("ledger entry %+v, want key %s, mutation %s, amount %s", p, shop.taskID(mutationID), mutationID, o.Amount)
		}
	}
	paid := 0
	for _, code := range shop.calls.statuses(shop.taskID(mutationID)) {
		if code == http.StatusOK {
			paid++
		}
	}
	if paid != 1 {
		t.Fatalf("the store answered paid to %d payment requests for %s (%v), want 1", paid, mutationID, shop.calls.statuses(shop.taskID(mutationID)))
	}
}

// requireUntouched checks that an order kept its status and has no payment.
func requireUntouched(t *testing.T, shop customShop, before customstore.Order) {
	t.Helper()
	o := shop.order(t, before.ID)
	if o.Status != before.Status || o.PaidBy != "" || shop.store.Writes(before.ID) != 0 {
		t.Fatalf("order %s changed: status %q (was %q), paid_by %q, %d payments", o.ID, o.Status, before.Status, o.PaidBy, shop.store.Writes(o.ID))
	}
}

func TestEndToEnd(t *testing.T) {
	s := startCustomSpine(t)

	t.Run("a payment marks the matching order paid once", func(t *testing.T) {
		tests := map[string]struct {
			mutationID string
			amount     any // as Moota sends it
			due        customstore.Money
		}{
			"whole rupiah as a number":  {"pay-whole", 150123, customstore.Rupiah(150123)},
			"cents as a decimal string": {"pay-cents", "250000.50", customstore.Money(25000050)},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				target := s.shop.seed(tc.due, "on-hold")
				other := s.shop.seed(tc.due+customstore.Rupiah(1000), "on-hold")
				s.pay(t, s.shop, tc.mutationID, tc.amount)
				s.requireCompleted(t, s.shop, tc.mutationID)
				requirePaidOnce(t, s.shop, target.ID, tc.mutationID)
				requireUntouched(t, s.shop, other)
				if items := s.review(t, tc.mutationID); len(items) != 0 {
					t.Fatalf("the paid mutation was also sent to review: %v", items)
				}
			})
		}
	})

	t.Run("a replayed mutation writes nothing", func(t *testing.T) {
		target := s.shop.seed(customstore.Rupiah(160001), "pending")
		const mid = "replay-1"
		body := s.pay(t, s.shop, mid, 160001)
		// The same webhook again at once (Moota retrying a slow answer).
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("immediate redelivery answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		s.requireCompleted(t, s.shop, mid)
		requirePaidOnce(t, s.shop, target.ID, mid)
		ledger := len(s.shop.store.Ledger())

		// A new delivery after the task completed is still a duplicate.
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("late redelivery answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		// An operator deletes the finished task and Moota pushes the
		// mutation again: the 14-day dedupe record still knows it, so it is
		// a duplicate and reaches no store.
		if err := s.insp.DeleteTask(queue.StoreQueue(s.shop.name), s.shop.taskID(mid)); err != nil {
			t.Fatal(err)
		}
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("redelivery after the task was deleted answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		if n := len(s.shop.store.Ledger()); n != ledger {
			t.Fatalf("the store's ledger grew from %d to %d entries on a replay", ledger, n)
		}
		requirePaidOnce(t, s.shop, target.ID, mid)
		if items := s.review(t, mid); len(items) != 0 {
			t.Fatalf("the replay sent the paid mutation to review: %v", items)
		}
	})

	t.Run("a cancelled order of the same amount is never touched", func(t *testing.T) {
		tests := map[string]struct {
			mutationID string
			amount     int64
			withOpen   bool // an open order of the same amount exists too
		}{
			"beside an open order": {"cancel-beside", 180001, true},
			"alone":                {"cancel-alone", 180002, false},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				cancelled := s.shop.seed(customstore.Rupiah(tc.amount), "cancelled")
				var open customstore.Order
				if tc.withOpen {
					open = s.shop.seed(customstore.Rupiah(tc.amount), "on-hold")
				}
				s.pay(t, s.shop, tc.mutationID, tc.amount)
				s.requireCompleted(t, s.shop, tc.mutationID)
				requireUntouched(t, s.shop, cancelled)
				items := s.review(t, tc.mutationID)
				if tc.withOpen {
					requirePaidOnce(t, s.shop, open.ID, tc.mutationID)
					if len(items) != 0 {
						t.Fatalf("the paid mutation was also sent to review: %v", items)
					}
					return
				}
				if calls := s.shop.calls.statuses(s.shop.taskID(tc.mutationID)); len(calls) != 0 {
					t.Fatalf("Lunas asked the store to apply %s (answers %v) with no open order of its amount", tc.mutationID, calls)
				}
				if len(items) != 1 || items[0]["reason"] != "unmatched" {
					t.Fatalf("review items %v, want one unmatched", items)
				}
			})
		}
	})

	t.Run("a store that rejects the signature archives the task for review", func(t *testing.T) {
		order := s.wrong.seed(customstore.Rupiah(170001), "on-hold")
		const mid = "bad-signature-1"
		s.pay(t, s.wrong, mid, 170001)
		info := s.waitDone(t, s.wrong, mid)
		if info.State != asynq.TaskStateArchived {
			t.Fatalf("task is %s (last error %q), want archived", info.State, info.LastErr)
		}
		for _, want := range []string{"HTTP 401", "Lunas-Signature", "settings.secret"} {
			if !strings.Contains(info.LastErr, want) {
				t.Fatalf("the archived task's error %q does not mention %q", info.LastErr, want)
			}
		}
		if info.Retried != 0 {
			t.Fatalf("a rejected signature was retried %d times, want it archived at once", info.Retried)
		}
		requireUntouched(t, s.wrong, order)
		items := s.review(t, mid)
		if len(items) != 1 || items[0]["reason"] != "failed" || items[0]["store"] != s.wrong.name ||
			!strings.Contains(fmt.Sprint(items[0]["detail"]), "401") {
			t.Fatalf("review items %v, want one failed item of %s naming the 401", items, s.wrong.name)
		}
	})

	t.Run("the store secret never reaches the log", func(t *testing.T) {
		if strings.Contains(s.lunas.Log(), pluginSecret) {
			t.Fatal("the lunas log holds settings.secret")
		}
	})
}
