package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
)

// The end-to-end tests below go the whole way a payment travels: a signed
// Moota webhook to a real `lunas serve`, through Redis and the worker, to
// the real plugin binary, to a fake WooCommerce. The assertions read the
// fake's orders and its ledger of API writes.

// wooShop is one WooCommerce store block of the running Lunas.
type wooShop struct {
	name   string // the store's name in lunas.hcl
	bankID string // the Moota bank account routed to it
	fake   *fakewoo.Server
}

// wooSpine is a `lunas serve` with two WooCommerce stores: "toko-tls"
// talks HTTPS with Basic authentication to a TLS fake whose certificate it
// trusts through ca_file; "toko-http" talks plain HTTP, where WooCommerce
// accepts only OAuth 1.0a, through a recording proxy to a second fake.
type wooSpine struct {
	lunas *testutil.Lunas
	insp  *asynq.Inspector
	tls   wooShop
	http  wooShop
	rec   *recorder // sees every request of toko-http
	bri   string    // a second Moota account (BRI) of toko-http
}

func startWooSpine(t *testing.T) *wooSpine {
	t.Helper()
	r := testutil.NewRedis(t)
	tlsFake := fakewoo.Start(t, fakewoo.Options{TLS: true})
	httpFake := fakewoo.Start(t, fakewoo.Options{})
	rec := startRecorder(t, httpFake.URL())
	s := &wooSpine{
		tls:  wooShop{name: "toko-tls", bankID: "bank-tls", fake: tlsFake},
		http: wooShop{name: "toko-http", bankID: "bank-http", fake: httpFake},
		bri:  "bank-http-bri",
		rec:  rec,
	}
	// The key and secret come from the environment, as the README tells
	// merchants to do; auth is left at "auto" (Basic over HTTPS, OAuth 1.0a
	// over HTTP, the only scheme the fake accepts there).
	stores := fmt.Sprintf(`
store %q {
  plugin   = "woocommerce"
  bank_ids = [%q]
  match { window = "168h" }
  settings = {
    base_url        = %q
    consumer_key    = env("WC_KEY")
    consumer_secret = env("WC_SECRET")
    ca_file         = %q
  }
}
store %q {
  plugin   = "woocommerce"
  bank_ids = [%q, %q]
  match { window = "168h" }
  settings = {
    base_url        = %q
    consumer_key    = env("WC_KEY")
    consumer_secret = env("WC_SECRET")
  }
}`, s.tls.name, s.tls.bankID, tlsFake.URL(), tlsFake.CAFile(t), s.http.name, s.http.bankID, s.bri, rec.URL())
	s.lunas = testutil.StartLunas(t, testutil.LunasOptions{Redis: r, Stores: stores,
		Env: []string{"WC_KEY=" + fakewoo.DefaultConsumerKey, "WC_SECRET=" + fakewoo.DefaultConsumerSecret}})
	s.insp = asynq.NewInspector(asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB})
	t.Cleanup(func() { s.insp.Close() })
	return s
}

// pay sends a credit of amount rupiah into the shop's bank account and
// requires the receiver to accept it as new.
func (s *wooSpine) pay(t *testing.T, shop wooShop, mutationID string, amount int64) []byte {
	t.Helper()
	body := mutationJSON(shop.bankID, mutationID, amount)
	if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["accepted"] != 1.0 {
		t.Fatalf("delivery of %s answered %d %s, want 200 with accepted 1", mutationID, r.Status, r.Raw)
	}
	return body
}

// waitDone waits for the mutation's task to finish and returns it.
func (s *wooSpine) waitDone(t *testing.T, shop wooShop, mutationID string, timeout time.Duration) *asynq.TaskInfo {
	t.Helper()
	var info *asynq.TaskInfo
	testutil.Eventually(t, timeout, "task "+mutationID+" to finish", func() bool {
		var err error
		info, err = s.insp.GetTaskInfo(queue.StoreQueue(shop.name), "moota:"+shop.bankID+":"+mutationID)
		return err == nil && (info.State == asynq.TaskStateCompleted || info.State == asynq.TaskStateArchived)
	})
	return info
}

// requireCompleted waits for the task and fails unless it completed.
func (s *wooSpine) requireCompleted(t *testing.T, shop wooShop, mutationID string, timeout time.Duration) *asynq.TaskInfo {
	t.Helper()
	info := s.waitDone(t, shop, mutationID, timeout)
	if info.State != asynq.TaskStateCompleted {
		t.Fatalf("task %s is %s (last error %q), want completed", mutationID, info.State, info.LastErr)
	}
	return info
}

func mutationJSON(bankID, mutationID string, amount int64) []byte {
	b, _ := json.Marshal([]map[string]any{{
		"mutation_id": mutationID, "bank_id": bankID, "account_number": "1234567890", "type": "CR",
		"amount": amount, "description": "TRSF E-BANKING CR BUDI SANTOSO", "date": time.Now().In(core.Jakarta).Format(time.DateTime),
		"bank": map[string]any{"bank_type": "bca", "atas_nama": "Toko Budi"},
	}})
	return b
}

// addOnHold seeds an on-hold bank-transfer order of amount rupiah.
func addOnHold(shop wooShop, amount int64) fakewoo.Order {
	return shop.fake.AddOrder(fakewoo.Order{Total: fmt.Sprintf("%d.00", amount), Customer: "Budi"})
}

func order(t *testing.T, shop wooShop, id int64) fakewoo.Order {
	t.Helper()
	o, ok := shop.fake.Order(id)
	if !ok {
		t.Fatalf("%s has no order %d", shop.name, id)
	}
	return o
}

// lunasNotes returns the notes added through the notes endpoint: all but
// WooCommerce's status-change notes (authors cannot tell them apart:
// WooCommerce attributes REST notes to itself).
func lunasNotes(shop wooShop, id int64) []fakewoo.Note {
	var out []fakewoo.Note
	for _, n := range shop.fake.Notes(id) {
		if !strings.HasPrefix(n.Note, "Order status changed from ") {
			out = append(out, n)
		}
	}
	return out
}

// requirePaidOnce checks everything a payment promises on a WooCommerce
// order: processing, a payment date, the transaction id and the marker
// naming the mutation, one write, one status change and one note.
func requirePaidOnce(t *testing.T, shop wooShop, id int64, mutationID string) {
	t.Helper()
	o := order(t, shop, id)
	if o.Status != "processing" || o.DatePaid.IsZero() || o.TransactionID != mutationID || o.MetaValue("_lunas_mutation") != mutationID {
		t.Fatalf("order %d = status %q, date_paid %v, transaction_id %q, _lunas_mutation %q; want processing, a payment date and %s twice",
			id, o.Status, o.DatePaid, o.TransactionID, o.MetaValue("_lunas_mutation"), mutationID)
	}
	if l := shop.fake.Ledger(id); l != (fakewoo.Ledger{Writes: 1, StatusChanges: 1, Notes: 1}) {
		t.Fatalf("order %d ledger %+v, want one write, one status change, one note", id, l)
	}
	notes := lunasNotes(shop, id)
	if len(notes) != 1 || !strings.Contains(notes[0].Note, mutationID) || notes[0].CustomerNote {
		t.Fatalf("order %d notes %+v, want one private note naming %s", id, notes, mutationID)
	}
}

// credit is a CR mutation into bankID with its account number and bank type.
func credit(bankID, mutationID string, amount int64, account, bankType string) []byte {
	b, _ := json.Marshal([]map[string]any{{
		"mutation_id": mutationID, "bank_id": bankID, "account_number": account, "type": "CR",
		"amount": amount, "description": "TRSF CR SITI", "date": time.Now().In(core.Jakarta).Format(time.DateTime),
		"bank": map[string]any{"bank_type": bankType},
	}})
	return b
}

// Orders placed through Moota's official plugin say which account (and VA)
// they expect; Lunas pays each only from there, where matching by amount
// alone would call both ambiguous (issue 13).
func TestAccountsAndVirtualAccounts(t *testing.T) {
	s := startWooSpine(t)
	shop := s.http
	withMeta := func(amount int64, kv ...string) fakewoo.Order {
		o := fakewoo.Order{Total: fmt.Sprintf("%d.00", amount), Customer: "Siti"}
		for i := 0; i < len(kv); i += 2 {
			o.Meta = append(o.Meta, fakewoo.Meta{Key: kv[i], Value: kv[i+1]})
		}
		return shop.fake.AddOrder(o)
	}
	send := func(t *testing.T, bankID, id string, body []byte) {
		t.Helper()
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["accepted"] != 1.0 {
			t.Fatalf("delivery of %s answered %d %s", id, r.Status, r.Raw)
		}
		testutil.Eventually(t, 30*time.Second, "task "+id+" to finish", func() bool {
			info, err := s.insp.GetTaskInfo(queue.StoreQueue(shop.name), "moota:"+bankID+":"+id)
			return err == nil && info.State == asynq.TaskStateCompleted
		})
	}

	t.Run("a VA payment pays the order holding its VA number", func(t *testing.T) {
		a := withMeta(250000, "moota_bank_id", shop.bankID, "moota_va_number", "9880800000000001")
		b := withMeta(250000, "moota_bank_id", shop.bankID, "moota_va_number", "9880800000000002")
		send(t, shop.bankID, "va-250000", credit(shop.bankID, "va-250000", 250000, "9880800000000002", "bniVA"))
		requirePaidOnce(t, shop, b.ID, "va-250000")
		if o := order(t, shop, a.ID); o.Status != "on-hold" || shop.fake.Ledger(a.ID) != (fakewoo.Ledger{}) {
			t.Fatalf("the other VA's order was touched: %+v", o)
		}
	})

	t.Run("a transfer into one account pays only the order expecting it", func(t *testing.T) {
		bca := withMeta(310000, "moota_bank_id", shop.bankID)
		bri := withMeta(310000, "moota_bank_id", s.bri)
		send(t, s.bri, "bri-310000", credit(s.bri, "bri-310000", 310000, "0021-01-000123-30-1", "bri"))
		requirePaidOnce(t, shop, bri.ID, "bri-310000")
		if o := order(t, shop, bca.ID); o.Status != "on-hold" {
			t.Fatalf("the BCA order was paid by a BRI transfer: %+v", o)
		}
		send(t, shop.bankID, "bca-310000", credit(shop.bankID, "bca-310000", 310000, "1234567890", "bca"))
		requirePaidOnce(t, shop, bca.ID, "bca-310000")
	})
}

func TestEndToEnd(t *testing.T) {
	s := startWooSpine(t)

	t.Run("a payment moves the matching on-hold order to processing", func(t *testing.T) {
		tests := map[string]struct {
			shop   wooShop
			amount int64
		}{
			"https with basic auth and ca_file": {s.tls, 150123},
			"plain http with oauth 1.0a":        {s.http, 150124},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				target := addOnHold(tc.shop, tc.amount)
				other := addOnHold(tc.shop, tc.amount+1000)
				mid := "pay-" + tc.shop.name
				s.pay(t, tc.shop, mid, tc.amount)
				s.requireCompleted(t, tc.shop, mid, 30*time.Second)
				requirePaidOnce(t, tc.shop, target.ID, mid)
				if o := order(t, tc.shop, other.ID); o.Status != "on-hold" || tc.shop.fake.Ledger(other.ID) != (fakewoo.Ledger{}) {
					t.Fatalf("the order of another amount was touched: %+v", o)
				}
			})
		}
	})

	t.Run("a replayed mutation writes nothing", func(t *testing.T) {
		target := addOnHold(s.tls, 160001)
		body := s.pay(t, s.tls, "replay-1", 160001)
		// The same webhook again at once (Moota retrying a slow answer).
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("immediate redelivery answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		s.requireCompleted(t, s.tls, "replay-1", 30*time.Second)
		requirePaidOnce(t, s.tls, target.ID, "replay-1")
		before := s.tls.fake.Ledger(target.ID)

		// A new delivery after the task completed.
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("late redelivery answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		// An operator deletes the finished task and Moota pushes the
		// mutation again: the 14-day dedupe record still knows it, so it is
		// a duplicate and reaches no store.
		if err := s.insp.DeleteTask(queue.StoreQueue(s.tls.name), "moota:"+s.tls.bankID+":replay-1"); err != nil {
			t.Fatal(err)
		}
		if r := s.lunas.Send(t, body); r.Status != http.StatusOK || r.Body["duplicates"] != 1.0 {
			t.Fatalf("redelivery after the task was deleted answered %d %s, want a duplicate", r.Status, r.Raw)
		}
		if after := s.tls.fake.Ledger(target.ID); after != before {
			t.Fatalf("replays wrote to the order: ledger %+v, was %+v", after, before)
		}
		requirePaidOnce(t, s.tls, target.ID, "replay-1")
	})

	t.Run("a failed note post is retried by the core and leaves one note", func(t *testing.T) {
		// Each variant uses its own fake, so the two can wait out Asynq's
		// default backoff (15-45 s for a first retry) side by side.
		tests := map[string]struct {
			shop    wooShop
			amount  int64
			applied bool // the note was stored and only the answer was lost
		}{
			"note refused": {s.tls, 170001, false},
			"answer lost":  {s.http, 170002, true},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				target := addOnHold(tc.shop, tc.amount)
				mid := "note-" + tc.shop.name
				tc.shop.fake.FailNotePosts(1, http.StatusInternalServerError, tc.applied)
				s.pay(t, tc.shop, mid, tc.amount)
				info := s.requireCompleted(t, tc.shop, mid, 90*time.Second)
				if info.Retried < 1 {
					t.Fatalf("task completed after %d retries, want at least one after the failed note", info.Retried)
				}
				requirePaidOnce(t, tc.shop, target.ID, mid)
				for _, item := range s.lunas.Review(t) {
					if item["mutation_id"] == mid {
						t.Fatalf("the paid mutation was also sent to review: %v", item)
					}
				}
			})
		}
	})

	t.Run("a note whose answer is lost on the wire leaves exactly one note", func(t *testing.T) {
		// WooCommerce stores the note and the connection drops before its
		// 201 arrives. WooCommerce attributes the note to itself, so the
		// retry must recognise it by the mutation id, not by its author.
		target := addOnHold(s.tls, 175001)
		s.tls.fake.FailNext(1, fakewoo.Fault{Method: http.MethodPost, Path: "/notes", Lose: true})
		s.pay(t, s.tls, "lost-note", 175001)
		info := s.requireCompleted(t, s.tls, "lost-note", 90*time.Second)
		if info.Retried < 1 {
			t.Fatalf("task completed after %d retries, want at least one after the lost answer", info.Retried)
		}
		requirePaidOnce(t, s.tls, target.ID, "lost-note")
		if notes := lunasNotes(s.tls, target.ID); notes[0].Author != fakewoo.SystemAuthor {
			t.Fatalf("the note's author is %q, want WooCommerce's %q", notes[0].Author, fakewoo.SystemAuthor)
		}
	})

	t.Run("a cancelled order with the same amount is never touched", func(t *testing.T) {
		cancelled := s.tls.fake.AddOrder(fakewoo.Order{Total: "180001.00", Status: "cancelled", Customer: "Sari"})
		open := addOnHold(s.tls, 180001)
		s.pay(t, s.tls, "cancel-1", 180001)
		s.requireCompleted(t, s.tls, "cancel-1", 30*time.Second)
		requirePaidOnce(t, s.tls, open.ID, "cancel-1")
		o := order(t, s.tls, cancelled.ID)
		if o.Status != "cancelled" || !o.DatePaid.IsZero() || o.TransactionID != "" || o.MetaValue("_lunas_mutation") != "" {
			t.Fatalf("the cancelled order changed: %+v", o)
		}
		if l := s.tls.fake.Ledger(cancelled.ID); l != (fakewoo.Ledger{}) {
			t.Fatalf("the cancelled order has API writes: %+v", l)
		}
	})

	t.Run("an order on the third page of open orders is found", func(t *testing.T) {
		// The list is newest first, so the oldest order is on the last page.
		target := s.tls.fake.AddOrder(fakewoo.Order{Total: "190001.00", Created: time.Now().Add(-72 * time.Hour)})
		for i := range 249 {
			addOnHold(s.tls, 200000+int64(i))
		}
		lists := func() int {
			n := 0
			for _, r := range s.tls.fake.Requests() {
				if r == "GET /wp-json/wc/v3/orders" {
					n++
				}
			}
			return n
		}
		before := lists()
		s.pay(t, s.tls, "page-3", 190001)
		s.requireCompleted(t, s.tls, "page-3", 30*time.Second)
		requirePaidOnce(t, s.tls, target.ID, "page-3")
		if n := lists() - before; n < 3 {
			t.Fatalf("the payment read %d pages of orders, want at least 3 for 250 open orders", n)
		}
	})

	t.Run("a 429 with Retry-After is retried no sooner than it asks", func(t *testing.T) {
		target := addOnHold(s.http, 210001)
		s.http.fake.FailNext(1, fakewoo.Fault{Status: http.StatusTooManyRequests, RetryAfter: "2"})
		from := s.rec.len()
		s.pay(t, s.http, "throttle-1", 210001)
		info := s.requireCompleted(t, s.http, "throttle-1", 60*time.Second)
		requirePaidOnce(t, s.http, target.ID, "throttle-1")
		if info.Retried != 1 {
			t.Fatalf("task retried %d times, want 1", info.Retried)
		}
		hits := s.rec.since(from)
		if len(hits) < 2 || hits[0].status != http.StatusTooManyRequests {
			t.Fatalf("requests %+v, want a 429 first and then more", hits)
		}
		gap := hits[1].at.Sub(hits[0].at)
		if gap < 2*time.Second {
			t.Fatalf("the request after the 429 came %s later, before the 2 s Retry-After", gap)
		}
		t.Logf("retried %s after the 429", gap.Round(time.Millisecond))
	})

	t.Run("a reversed payment puts the order back on hold with a note and appears in review", func(t *testing.T) {
		target := addOnHold(s.tls, 333123)
		s.pay(t, s.tls, "rev-credit-1", 333123)
		s.requireCompleted(t, s.tls, "rev-credit-1", 60*time.Second)
		requirePaidOnce(t, s.tls, target.ID, "rev-credit-1")

		debit, _ := json.Marshal([]map[string]any{{
			"mutation_id": "rev-debit-1", "bank_id": s.tls.bankID, "account_number": "1234567890", "type": "DB",
			"amount": 333123, "description": "REVERSAL TRSF E-BANKING 333123.00 BUDI SANTOSO", "date": time.Now().In(core.Jakarta).Format(time.DateTime),
		}})
		for range 2 { // a re-delivered reversal changes nothing more
			if r := s.lunas.Send(t, debit); r.Status != http.StatusOK {
				t.Fatalf("reversal delivery answered %d %s", r.Status, r.Raw)
			}
		}
		s.requireCompleted(t, s.tls, "rev-debit-1", 60*time.Second)
		o := order(t, s.tls, target.ID)
		if o.Status != "on-hold" || o.MetaValue("_lunas_reversed") != "rev-debit-1" {
			t.Fatalf("order after reversal: status %q, _lunas_reversed %q; want on-hold and the debit's id", o.Status, o.MetaValue("_lunas_reversed"))
		}
		notes := lunasNotes(s.tls, target.ID)
		if len(notes) != 2 || !strings.Contains(notes[1].Note, "rev-debit-1") {
			t.Fatalf("notes after reversal: %+v, want the payment note and one reversal note", notes)
		}
		found := false
		for _, it := range s.lunas.Review(t) {
			if it["mutation_id"] == "rev-debit-1" {
				found = it["reason"] == "reversed" && strings.Contains(it["detail"].(string), "on-hold")
			}
		}
		if !found {
			t.Fatalf("no review item for the reversal: %v", s.lunas.Review(t))
		}
		// A debit without a reversal narrative never touches an order.
		other := addOnHold(s.tls, 444123)
		s.pay(t, s.tls, "plain-credit", 444123)
		s.requireCompleted(t, s.tls, "plain-credit", 60*time.Second)
		plain, _ := json.Marshal([]map[string]any{{"mutation_id": "plain-debit", "bank_id": s.tls.bankID, "type": "DB", "amount": 444123, "description": "TRSF E-BANKING DB BAYAR SUPPLIER"}})
		s.lunas.Send(t, plain)
		s.requireCompleted(t, s.tls, "plain-debit", 60*time.Second)
		requirePaidOnce(t, s.tls, other.ID, "plain-credit")
	})

	t.Run("the key and secret never reach the log", func(t *testing.T) {
		log := s.lunas.Log()
		for _, secret := range []string{fakewoo.DefaultConsumerKey, fakewoo.DefaultConsumerSecret} {
			if strings.Contains(log, secret) {
				t.Fatalf("the lunas log holds a credential (%s...)", secret[:3])
			}
		}
	})
}

// recorder is a transparent reverse proxy that notes when each request
// arrived and how it was answered. It keeps the client's Host header, so
// OAuth 1.0a signatures made for the proxy's address still verify at the
// fake behind it.
type recorder struct {
	srv *httptest.Server

	mu   sync.Mutex
	hits []hit
}

type hit struct {
	at     time.Time
	method string
	path   string
	status int
}

func startRecorder(t *testing.T, target string) *recorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		at := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		proxy.ServeHTTP(sw, req)
		r.mu.Lock()
		r.hits = append(r.hits, hit{at: at, method: req.Method, path: req.URL.Path, status: sw.status})
		r.mu.Unlock()
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) URL() string { return r.srv.URL }

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.hits)
}

// since returns the requests recorded after the first n, in arrival order.
func (r *recorder) since(n int) []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]hit(nil), r.hits[n:]...)
	// Requests are appended when answered; order them by arrival.
	slices.SortStableFunc(out, func(a, b hit) int { return a.at.Compare(b.at) })
	return out
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
