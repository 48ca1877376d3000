package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// The end-to-end test below goes the whole way a payment travels: a signed
// Moota webhook to a real `lunas serve`, through Redis and the worker, to
// the real lunas-plugin-sql binary, to an orders table on the real
// PostgreSQL. The table is shopTable's: non-default column names, and a
// rule that records every UPDATE of an order in a ledger, whatever the
// plugin reports.

// sqlSpine is a `lunas serve` with one sql store on a fresh schema.
type sqlSpine struct {
	lunas  *testutil.Lunas
	insp   *asynq.Inspector
	db     *testDB
	table  string
	store  string // the store's name in lunas.hcl
	bankID string // the Moota bank account routed to it
}

func startSQLSpine(t *testing.T) *sqlSpine {
	t.Helper()
	d := newTestDB(t) // fails rather than skips under CI
	table, _ := shopTable(d)
	r := testutil.NewRedis(t)
	s := &sqlSpine{db: d, table: table, store: "toko-sql", bankID: "bank-sql"}
	// The DSN comes from the environment, as a merchant's password would.
	stores := fmt.Sprintf(`
store %q {
  plugin   = "sql"
  bank_ids = [%q]
  settings = {
    dsn   = env("LUNAS_E2E_SQL_DSN")
    table = %q
    columns = {
      id         = "order_id"
      number     = "order_no"
      status     = "state"
      amount     = "total"
      currency   = "curr"
      created_at = "placed_at"
      paid_by    = "payment_ref"
    }
    open_statuses = ["on-hold", "pending"]
    paid_status   = "processing"
  }
}`, s.store, s.bankID, table)
	s.lunas = testutil.StartLunas(t, testutil.LunasOptions{
		Redis:  r,
		Stores: stores,
		// An unmatched payment goes to review at once instead of being
		// looked at again in 5 minutes.
		Extra: "review {\n  recheck = []\n}",
		Env:   []string{"LUNAS_E2E_SQL_DSN=" + testDSN()},
	})
	s.insp = asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { s.insp.Close() })
	return s
}

// taskID is the Asynq task id, and so the idempotency key, of a mutation.
func (s *sqlSpine) taskID(mutationID string) string { return "moota:" + s.bankID + ":" + mutationID }

// seed inserts an order of amount in state, created an hour ago.
func (s *sqlSpine) seed(t *testing.T, amount sdk.Amount, state storetest.State) sdk.Order {
	t.Helper()
	return seedShopOrder(t, s.db, s.table, storetest.SeedOrder{Amount: amount, State: state, CreatedAt: time.Now().Add(-time.Hour)})
}

func (s *sqlSpine) lookup(t *testing.T, id string) storetest.Snapshot {
	t.Helper()
	return lookupShopOrder(t, s.db, s.table, id)
}

// sqlMutation is a one-mutation Moota payload; amount is whatever JSON
// Moota sent (a number or a decimal string).
func sqlMutation(bankID, mutationID string, amount any) []byte {
	b, _ := json.Marshal([]map[string]any{{
		"mutation_id": mutationID, "bank_id": bankID, "account_number": "9876543210", "type": "CR",
		"amount": amount, "description": "TRSF E-BANKING CR RUDI HARTONO", "date": time.Now().In(core.Jakarta).Format(time.DateTime),
		"bank": map[string]any{"bank_type": "mandiriBisnisV2", "atas_nama": "Toko SQL"},
	}})
	return b
}

// send delivers a credit and requires the receiver to accept it as new.
func (s *sqlSpine) send(t *testing.T, mutationID string, amount any) []byte {
	t.Helper()
	body := sqlMutation(s.bankID, mutationID, amount)
	if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["accepted"] != 1.0 {
		t.Fatalf("delivery of %s answered %d %s, want 200 with accepted 1", mutationID, r.Status, r.Raw)
	}
	return body
}

// requireCompleted waits for the mutation's task to finish and fails
// unless it completed.
func (s *sqlSpine) requireCompleted(t *testing.T, mutationID string) {
	t.Helper()
	var info *asynq.TaskInfo
	testutil.Eventually(t, 60*time.Second, "task "+s.taskID(mutationID)+" to finish", func() bool {
		var err error
		info, err = s.insp.GetTaskInfo(queue.StoreQueue(s.store), s.taskID(mutationID))
		return err == nil && (info.State == asynq.TaskStateCompleted || info.State == asynq.TaskStateArchived)
	})
	if info.State != asynq.TaskStateCompleted {
		t.Fatalf("task %s is %s (last error %q), want completed", info.ID, info.State, info.LastErr)
	}
}

// review returns the review items of the mutation.
func (s *sqlSpine) review(t *testing.T, mutationID string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, item := range s.lunas.Review(t) {
		if item["mutation_id"] == mutationID {
			out = append(out, item)
		}
	}
	return out
}

// metric reads one series of the admin listener's /metrics: the sum of
// the samples named name whose labels include every one of labels
// (`key="value"`). A series not yet created reads 0.
func (s *sqlSpine) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	resp, err := http.Get(s.lunas.AdminURL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: status %d, %v", resp.StatusCode, err)
	}
	sum := 0.0
	for line := range strings.SplitSeq(string(body), "\n") {
		series, value, ok := strings.Cut(line, " ")
		metric, set, _ := strings.Cut(series, "{")
		if !ok || metric != name {
			continue
		}
		all := true
		for _, l := range labels {
			all = all && strings.Contains(set, l)
		}
		if !all {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		sum += v
	}
	return sum
}

// applyCalls is how many ApplyPayment calls the worker made to the plugin.
func (s *sqlSpine) applyCalls(t *testing.T) float64 {
	t.Helper()
	return s.metric(t, "lunas_plugin_rpc_seconds_count", `store="`+s.store+`"`, `method="ApplyPayment"`)
}

// requirePaidOnce checks the row: in the paid status, paid by the
// mutation, and updated exactly once (the ledger rule counts UPDATEs).
func (s *sqlSpine) requirePaidOnce(t *testing.T, id, mutationID string) {
	t.Helper()
	if got := s.lookup(t, id); !got.Paid || got.PaidBy != mutationID || got.Writes != 1 {
		t.Fatalf("order %s = %+v, want processing, paid by %s, updated exactly once", id, got, mutationID)
	}
}

// requireUntouched checks that an order kept its status, has no payment
// reference and was never updated.
func (s *sqlSpine) requireUntouched(t *testing.T, o sdk.Order) {
	t.Helper()
	if got := s.lookup(t, o.ID); got.Status != o.Status || got.PaidBy != "" || got.Writes != 0 {
		t.Fatalf("order %s changed: %+v, was status %q and unpaid", o.ID, got, o.Status)
	}
}

func TestEndToEnd(t *testing.T) {
	s := startSQLSpine(t)

	t.Run("a payment marks the matching order paid once", func(t *testing.T) {
		tests := map[string]struct {
			mutationID string
			amount     any // as Moota sends it
			due        sdk.Amount
		}{
			"whole rupiah as a number":  {"pay-whole", 150123, sdk.Rupiah(150123)},
			"cents as a decimal string": {"pay-cents", "250000.50", sdk.Amount(25000050)},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				target := s.seed(t, tc.due, storetest.Open)
				other := s.seed(t, tc.due+sdk.Rupiah(1000), storetest.Open)
				// An order one cent off is a different amount, not a match.
				cent := s.seed(t, tc.due+1, storetest.Open)
				s.send(t, tc.mutationID, tc.amount)
				s.requireCompleted(t, tc.mutationID)
				s.requirePaidOnce(t, target.ID, tc.mutationID)
				s.requireUntouched(t, other)
				s.requireUntouched(t, cent)
				if items := s.review(t, tc.mutationID); len(items) != 0 {
					t.Fatalf("the paid mutation was also sent to review: %v", items)
				}
			})
		}
	})

	t.Run("a replayed mutation writes nothing", func(t *testing.T) {
		target := s.seed(t, sdk.Rupiah(160001), storetest.Open)
		const mid = "replay-1"
		body := s.send(t, mid, 160001)
		// The same webhook again at once (Moota retrying a slow answer).
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("immediate redelivery answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		s.requireCompleted(t, mid)
		s.requirePaidOnce(t, target.ID, mid)

		// A new delivery after the task completed is still a duplicate.
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("late redelivery answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		// An operator deletes the finished task and Moota pushes the
		// mutation again: the 14-day dedupe record still knows it, so it is
		// a duplicate and reaches no store.
		if err := s.insp.DeleteTask(queue.StoreQueue(s.store), s.taskID(mid)); err != nil {
			t.Fatal(err)
		}
		calls := s.applyCalls(t)
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("redelivery after the task was deleted answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		if n := s.applyCalls(t) - calls; n != 0 {
			t.Fatalf("the redelivery made %v ApplyPayment calls, want none", n)
		}
		s.requirePaidOnce(t, target.ID, mid)
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
				cancelled := s.seed(t, sdk.Rupiah(tc.amount), storetest.Cancelled)
				var open sdk.Order
				if tc.withOpen {
					open = s.seed(t, sdk.Rupiah(tc.amount), storetest.Open)
				}
				calls := s.applyCalls(t)
				s.send(t, tc.mutationID, tc.amount)
				s.requireCompleted(t, tc.mutationID)
				s.requireUntouched(t, cancelled)
				items := s.review(t, tc.mutationID)
				if tc.withOpen {
					s.requirePaidOnce(t, open.ID, tc.mutationID)
					if len(items) != 0 {
						t.Fatalf("the paid mutation was also sent to review: %v", items)
					}
					return
				}
				if n := s.applyCalls(t) - calls; n != 0 {
					t.Fatalf("%v ApplyPayment calls with no open order of the amount, want none", n)
				}
				if len(items) != 1 || items[0]["reason"] != "unmatched" {
					t.Fatalf("review items %v, want one unmatched", items)
				}
			})
		}
	})

	t.Run("the database password never reaches the log", func(t *testing.T) {
		cfg, err := pgx.ParseConfig(testDSN())
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Password == "" {
			t.Skip("the test DSN has no password")
		}
		if strings.Contains(s.lunas.Log(), cfg.Password) {
			t.Fatal("the lunas log holds the DSN's password")
		}
	})
}
