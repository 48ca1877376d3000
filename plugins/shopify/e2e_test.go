package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/shopify/fakeshopify"
	"github.com/lunas-dev/lunas/sdk"
)

// The end-to-end tests below go the whole way a payment travels: a signed
// Moota webhook to a real `lunas serve`, through Redis and the worker, to
// the real plugin binary, to a fake Shopify over TLS. The assertions read
// the fake's orders, their per-order write counters and the fake's stats.

const (
	storeName    = "toko-sari"
	bankID       = "bank-sari"
	clientID     = "e2e-client"
	clientSecret = "e2e-client-secret-0123456789"
)

// shopSpine is a `lunas serve` with one Shopify store that authenticates
// with the client-credentials grant.
type shopSpine struct {
	lunas *testutil.Lunas
	insp  *asynq.Inspector
	fake  *fakeshopify.Server
}

func startShopSpine(t *testing.T) *shopSpine {
	t.Helper()
	r := testutil.NewRedis(t)
	fake := fakeshopify.New(t, fakeshopify.Options{ClientID: clientID, ClientSecret: clientSecret})
	stores := fmt.Sprintf(`
store %q {
  plugin   = "shopify"
  bank_ids = [%q]
  match { window = "168h" }
  settings = {
    shop          = "toko-sari.myshopify.com"
    base_url      = %q
    ca_file       = %q
    client_id     = env("SHOPIFY_CLIENT_ID")
    client_secret = env("SHOPIFY_CLIENT_SECRET")
    tags          = ["lunas-paid", "transfer-bca"]
  }
}`, storeName, bankID, fake.URL(), fake.CAFile())
	l := testutil.StartLunas(t, testutil.LunasOptions{Redis: r, Stores: stores,
		Env: []string{"SHOPIFY_CLIENT_ID=" + clientID, "SHOPIFY_CLIENT_SECRET=" + clientSecret}})
	insp := asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { insp.Close() })
	return &shopSpine{lunas: l, insp: insp, fake: fake}
}

// pay sends a credit of amount rupiah and requires the receiver to accept
// it as new.
func (s *shopSpine) pay(t *testing.T, mutationID string, amount int64) []byte {
	t.Helper()
	body, _ := json.Marshal([]map[string]any{{
		"mutation_id": mutationID, "bank_id": bankID, "account_number": "1234567890", "type": "CR",
		"amount": amount, "description": "TRSF E-BANKING CR SARI WULANDARI", "date": time.Now().In(core.Jakarta).Format(time.DateTime),
		"bank": map[string]any{"bank_type": "bca", "atas_nama": "Toko Sari"},
	}})
	if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["accepted"] != 1.0 {
		t.Fatalf("delivery of %s answered %d %s, want 200 with accepted 1", mutationID, r.Status, r.Raw)
	}
	return body
}

// requireCompleted waits for the mutation's task to finish and fails
// unless it completed.
func (s *shopSpine) requireCompleted(t *testing.T, mutationID string) *asynq.TaskInfo {
	t.Helper()
	var info *asynq.TaskInfo
	testutil.Eventually(t, 60*time.Second, "task "+mutationID+" to finish", func() bool {
		var err error
		info, err = s.insp.GetTaskInfo(queue.StoreQueue(storeName), "moota:"+bankID+":"+mutationID)
		return err == nil && (info.State == asynq.TaskStateCompleted || info.State == asynq.TaskStateArchived)
	})
	if info.State != asynq.TaskStateCompleted {
		t.Fatalf("task %s is %s (last error %q), want completed", mutationID, info.State, info.LastErr)
	}
	return info
}

func (s *shopSpine) order(t *testing.T, id string) fakeshopify.Order {
	t.Helper()
	o, ok := s.fake.Order(id)
	if !ok {
		t.Fatalf("fake Shopify has no order %s", id)
	}
	return o
}

// writes is what the API did to an order.
type writes struct{ markPaid, markPaidTries, note, tags, metafields int }

func writesOf(o fakeshopify.Order) writes {
	return writes{o.MarkPaidCalls, o.MarkPaidTries, o.NoteWrites, o.TagWrites, o.MetafieldWrites}
}

// requirePaidOnce checks everything a payment promises on a Shopify order:
// PAID with nothing outstanding, the earlier note kept with one line naming
// the mutation appended, the earlier tags kept and ours added, the marker,
// and each kind of write made exactly once.
func requirePaidOnce(t *testing.T, o fakeshopify.Order, before fakeshopify.Order, mutationID string) {
	t.Helper()
	if o.FinancialStatus != "PAID" || o.Outstanding != 0 || o.Metafield("lunas", "mutation") != mutationID {
		t.Fatalf("order %s = %s, outstanding %s, marker %q; want PAID, nothing due, marker %s",
			o.Name, o.FinancialStatus, o.Outstanding, o.Metafield("lunas", "mutation"), mutationID)
	}
	want := writes{markPaid: 1, markPaidTries: 1, note: 1, tags: 1, metafields: 1}
	if got := writesOf(o); got != want {
		t.Fatalf("order %s writes %+v, want %+v", o.Name, got, want)
	}
	added, ok := strings.CutPrefix(o.Note, before.Note)
	if before.Note != "" {
		added, ok = strings.CutPrefix(added, "\n")
	}
	if !ok || strings.Contains(added, "\n") || !strings.Contains(added, mutationID) {
		t.Fatalf("order %s note %q, want %q with one line naming %s appended", o.Name, o.Note, before.Note, mutationID)
	}
	for _, tag := range append(slices.Clone(before.Tags), "lunas-paid", "transfer-bca") {
		if !slices.Contains(o.Tags, tag) {
			t.Fatalf("order %s tags %q, want %q among them", o.Name, o.Tags, tag)
		}
	}
}

func TestEndToEnd(t *testing.T) {
	s := startShopSpine(t)

	t.Run("a payment marks the order paid and annotates it", func(t *testing.T) {
		seeded := s.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(150123),
			Note: "Mohon dikirim sebelum Jumat.\nBungkus kado.", Tags: []string{"vip"}})
		other := s.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(151123)})
		s.pay(t, "pay-1", 150123)
		s.requireCompleted(t, "pay-1")
		requirePaidOnce(t, s.order(t, seeded.ID), seeded, "pay-1")
		if o := s.order(t, other.ID); o.FinancialStatus != "PENDING" || writesOf(o) != (writes{}) {
			t.Fatalf("the order of another amount was touched: %+v", o)
		}
	})

	t.Run("a replayed mutation writes nothing", func(t *testing.T) {
		seeded := s.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(160001), Note: "COD ditolak"})
		body := s.pay(t, "replay-1", 160001)
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("immediate redelivery answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		s.requireCompleted(t, "replay-1")
		paid := s.order(t, seeded.ID)
		requirePaidOnce(t, paid, seeded, "replay-1")

		// A new delivery after the task completed.
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("late redelivery answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		// An operator deletes the finished task and Moota pushes the
		// mutation again: the 14-day dedupe record still knows it, so it is
		// a duplicate and reaches no store.
		if err := s.insp.DeleteTask(queue.StoreQueue(storeName), "moota:"+bankID+":replay-1"); err != nil {
			t.Fatal(err)
		}
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("redelivery after the task was deleted answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		after := s.order(t, seeded.ID)
		if writesOf(after) != writesOf(paid) || after.Note != paid.Note || !slices.Equal(after.Tags, paid.Tags) {
			t.Fatalf("replays wrote to the order: %+v, was %+v", after, paid)
		}
	})

	t.Run("a cancelled order with the same amount is never touched", func(t *testing.T) {
		cancelled := s.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(180001), Cancelled: true})
		open := s.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(180001)})
		s.pay(t, "cancel-1", 180001)
		s.requireCompleted(t, "cancel-1")
		requirePaidOnce(t, s.order(t, open.ID), open, "cancel-1")
		o := s.order(t, cancelled.ID)
		if writesOf(o) != (writes{}) || o.FinancialStatus != "PENDING" || o.Note != "" || len(o.Tags) != 0 || o.Metafield("lunas", "mutation") != "" {
			t.Fatalf("the cancelled order was touched: %+v", o)
		}
	})

	t.Run("a THROTTLED reply is waited out", func(t *testing.T) {
		seeded := s.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(210001)})
		throttled := s.fake.Stats().Throttled
		s.fake.ForceThrottle(1)
		s.pay(t, "throttle-1", 210001)
		info := s.requireCompleted(t, "throttle-1")
		requirePaidOnce(t, s.order(t, seeded.ID), seeded, "throttle-1")
		if n := s.fake.Stats().Throttled - throttled; n != 1 {
			t.Fatalf("the fake answered THROTTLED %d times, want 1", n)
		}
		if info.Retried != 1 {
			t.Fatalf("task retried %d times, want once after the THROTTLED reply", info.Retried)
		}
	})

	t.Run("an expired token is refreshed once", func(t *testing.T) {
		seeded := s.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(220001)})
		before := s.fake.Stats()
		s.fake.ExpireTokens()
		s.pay(t, "token-1", 220001)
		info := s.requireCompleted(t, "token-1")
		requirePaidOnce(t, s.order(t, seeded.ID), seeded, "token-1")
		after := s.fake.Stats()
		if grants, refused := after.TokenGrants-before.TokenGrants, after.Unauthorized-before.Unauthorized; grants != 1 || refused != 1 {
			t.Fatalf("%d token grants and %d 401 replies, want one of each", grants, refused)
		}
		if info.Retried != 0 {
			t.Fatalf("task retried %d times, want the refresh inside the first attempt", info.Retried)
		}
	})

	t.Run("an order on the last page of 260 open orders is found", func(t *testing.T) {
		// Orders are listed newest first, 100 a page: the oldest is on page 3.
		// It runs last: every later listing would read the 259 orders too.
		target := s.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(190001), CreatedAt: time.Now().Add(-48 * time.Hour)})
		for i := range 259 {
			s.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(200000 + int64(i))})
		}
		before := s.fake.Stats().Requests
		s.pay(t, "page-3", 190001)
		s.requireCompleted(t, "page-3")
		requirePaidOnce(t, s.order(t, target.ID), target, "page-3")
		// Three pages, the re-read, mark-paid and the annotation.
		if n := s.fake.Stats().Requests - before; n < 6 {
			t.Fatalf("the payment made %d GraphQL requests, want at least 6 (3 pages, read, mark paid, annotate)", n)
		}
	})

	t.Run("the client secret and tokens never reach the log", func(t *testing.T) {
		log := s.lunas.Log()
		for _, secret := range append(s.fake.IssuedTokens(), clientSecret) {
			if strings.Contains(log, secret) {
				t.Fatalf("the lunas log holds a credential (%s...)", secret[:6])
			}
		}
	})
}
