package ops

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// consoleInbox is an in-memory Inbox that records every Resolve, so a test
// can tell that a refused form paid nothing.
type consoleInbox struct {
	mu       sync.Mutex
	items    map[string]core.ReviewItem
	resolves []string // "id order actor"
	dismiss  []string
	outcome  map[string]error // order number → what Resolve answers
	already  map[string]bool  // order numbers the store had paid before
}

var _ Inbox = (*consoleInbox)(nil)

func (f *consoleInbox) List(_ context.Context, flt core.ReviewFilter) ([]core.ReviewItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []core.ReviewItem
	for _, it := range f.items {
		if flt.Match(it) && len(out) < flt.Limit {
			out = append(out, it)
		}
	}
	return out, nil
}

func (f *consoleInbox) Get(_ context.Context, id string) (core.ReviewItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it, ok := f.items[id]
	if !ok {
		return core.ReviewItem{}, fmt.Errorf("review item %q: %w", id, core.ErrNotFound)
	}
	return it, nil
}

func (f *consoleInbox) Resolve(_ context.Context, id, order, actor string) (core.ReviewItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resolves = append(f.resolves, id+" "+order+" "+actor)
	if err := f.outcome[order]; err != nil {
		return core.ReviewItem{}, err
	}
	it := f.items[id]
	it.Status, it.ResolvedOrder = core.ReviewResolved, order
	outcome := "paid"
	if f.already[order] {
		outcome = "already_paid"
	}
	it.Actions = append(it.Actions, core.ReviewAction{At: time.Now().UTC(), Actor: actor, Action: "resolve", Detail: "order " + order + ": " + outcome + " (status processing)"})
	f.items[id] = it
	return it, nil
}

func (f *consoleInbox) Dismiss(_ context.Context, id, reason, actor string) (core.ReviewItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if reason == "" {
		return core.ReviewItem{}, fmt.Errorf("a reason is required to dismiss a review item: %w", core.ErrInvalid)
	}
	f.dismiss = append(f.dismiss, id+" "+reason+" "+actor)
	it := f.items[id]
	it.Status = core.ReviewDismissed
	it.Actions = append(it.Actions, core.ReviewAction{At: time.Now().UTC(), Actor: actor, Action: "dismiss", Detail: reason})
	f.items[id] = it
	return it, nil
}

func (f *consoleInbox) resolveCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.resolves...)
}

const ambiguousID = "moota:4Aqz9OmvWPV:dEmO275000b"

func newConsoleInbox() *consoleInbox {
	date := time.Date(2025, 1, 15, 11, 2, 40, 0, core.Jakarta)
	raw := `{"account_number":"1234567890","date":"2025-01-15 11:02:40","description":"TRSF E-BANKING CR 1501/FTSCY/WS95077 275000.00 SITI","note":"","amount":"275000.00","type":"CR","mutation_id":"dEmO275000b","bank_id":"4Aqz9OmvWPV","bank":{"bank_type":"bca"}}`
	return &consoleInbox{
		items: map[string]core.ReviewItem{
			ambiguousID: {
				ID: ambiguousID, Reason: core.ReviewAmbiguous, Detail: "2 open orders of this amount", Store: "demo",
				MutationID: "dEmO275000b", BankID: "4Aqz9OmvWPV", Type: "CR", Amount: sdk.Rupiah(275000),
				Description: "TRSF E-BANKING CR 1501/FTSCY/WS95077 275000.00 SITI", Date: date,
				CreatedAt: date.Add(time.Minute), Status: core.ReviewOpen, Mutation: []byte(raw),
				Candidates: []core.OrderRef{
					{ID: "1002", Number: "1002", Amount: sdk.Rupiah(275000), Status: "on-hold", CreatedAt: date.Add(-time.Hour)},
					{ID: "1003", Number: "1003", Amount: sdk.Rupiah(275000), Status: "on-hold"},
				},
			},
			"moota:4Aqz9OmvWPV:m2": {ID: "moota:4Aqz9OmvWPV:m2", Reason: core.ReviewUnmatched, Store: "demo", Amount: sdk.Rupiah(99517), Date: date, Status: core.ReviewOpen},
			"moota:4Aqz9OmvWPV:m3": {ID: "moota:4Aqz9OmvWPV:m3", Reason: core.ReviewRefused, Store: "demo", Amount: 1, Date: date, Status: core.ReviewResolved},
		},
		outcome: map[string]error{
			"9999": fmt.Errorf("order 9999: order is cancelled: %w", core.ErrRefused),
			"5000": errors.New("store demo: connection refused"),
		},
		already: map[string]bool{"1003": true},
	}
}

// browser is an HTTP client that logs in, keeps cookies and does not
// follow redirects, like a test of a form post needs.
type browser struct {
	t    *testing.T
	srv  *httptest.Server
	c    *http.Client
	user string
}

func newBrowser(t *testing.T, srv *httptest.Server, user string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, user: user, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(b.user, testPass)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{code: resp.StatusCode, header: resp.Header, body: string(raw)}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) token(path string) string {
	b.t.Helper()
	m := csrfInput.FindStringSubmatch(b.do(http.MethodGet, path, nil).body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

func TestConsoleListPage(t *testing.T) {
	srv, _ := serve(t, Config{Username: testUser, Password: testPass, Review: newConsoleInbox(), Stores: []string{"demo", "toko"}})
	b := newBrowser(t, srv, testUser)

	r := b.do(http.MethodGet, "/review", nil)
	if r.code != http.StatusOK {
		t.Fatalf("GET /review = %d %s", r.code, r.body)
	}
	for _, want := range []string{
		"Rp 275.000", "Rp 99.517", "15 Jan 2025, 11:02:40 WIB (UTC+07:00)", `href="/review/moota:4Aqz9OmvWPV:dEmO275000b"`,
		`<option value="toko">toko</option>`, "Several orders fit", `<span class="n">2</span> <span class="l">open in total</span>`,
		`<a class="skip" href="#main">`, `name="viewport"`,
	} {
		if !strings.Contains(html.UnescapeString(r.body), want) {
			t.Errorf("list page lacks %q", want)
		}
	}
	if strings.Contains(r.body, "moota:4Aqz9OmvWPV:m3") {
		t.Error("the resolved item is listed under the default open filter")
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}

	r = b.do(http.MethodGet, "/review?status=resolved", nil)
	if !strings.Contains(r.body, "moota:4Aqz9OmvWPV:m3") || strings.Contains(r.body, "dEmO275000b") {
		t.Errorf("status=resolved shows the wrong items:\n%s", r.body)
	}
	r = b.do(http.MethodGet, "/review?reason=unmatched", nil)
	if !strings.Contains(r.body, "moota:4Aqz9OmvWPV:m2") || strings.Contains(r.body, "dEmO275000b") {
		t.Errorf("reason=unmatched shows the wrong items")
	}
	if r := b.do(http.MethodGet, "/review?status=bogus", nil); r.code != http.StatusBadRequest {
		t.Errorf("status=bogus = %d; want 400", r.code)
	}
	if r := get(t, srv, "/review", "", ""); r.code != http.StatusUnauthorized {
		t.Errorf("GET /review without a login = %d; want 401", r.code)
	}
}

func TestConsoleItemPage(t *testing.T) {
	srv, _ := serve(t, Config{Username: testUser, Password: testPass, Review: newConsoleInbox(),
		OrderURL: func(store string, o core.OrderRef) string { return "https://toko.example/admin/orders/" + o.ID }})
	b := newBrowser(t, srv, testUser)
	r := b.do(http.MethodGet, "/review/"+ambiguousID, nil)
	if r.code != http.StatusOK {
		t.Fatalf("GET item = %d %s", r.code, r.body)
	}
	for _, want := range []string{
		"Rp 275.000", "15 Jan 2025, 11:02:40 WIB (UTC+07:00)", "1234567890", "4Aqz9OmvWPV",
		"TRSF E-BANKING CR 1501/FTSCY/WS95077 275000.00 SITI", "CR (money in)",
		">Pay order 1002</button>", ">Pay order 1003</button>", "15 Jan 2025, 10:02:40 WIB",
		`href="https://toko.example/admin/orders/1002"`,
		`href="/monitoring/queues/store:demo/tasks/moota:4Aqz9OmvWPV:dEmO275000b"`,
		`action="/review/moota:4Aqz9OmvWPV:dEmO275000b/dismiss"`, ">Dismiss</button>",
		`<script src="/review/assets/console.js" defer>`,
	} {
		if !strings.Contains(html.UnescapeString(r.body), want) {
			t.Errorf("item page lacks %q", want)
		}
	}
	if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") || strings.Contains(r.body, "onsubmit") {
		t.Error("item page has inline script or style, which the CSP forbids")
	}
	if r := b.do(http.MethodGet, "/review/moota:x:nope", nil); r.code != http.StatusNotFound {
		t.Errorf("unknown item = %d; want 404", r.code)
	}
	if r := b.do(http.MethodGet, "/review/assets/console.js", nil); r.code != http.StatusOK || !strings.Contains(r.body, "window.confirm") {
		t.Errorf("console.js = %d", r.code)
	}
}

func TestConsoleFormsNeedTheCSRFToken(t *testing.T) {
	inbox := newConsoleInbox()
	srv, _ := serve(t, Config{Username: testUser, Password: testPass, Review: inbox})
	b := newBrowser(t, srv, testUser)
	path := "/review/" + ambiguousID
	good := b.token(path)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.SetBasicAuth(testUser, testPass)
	other := NewCSRFKey().Token(req) // a token from another process's key

	for name, form := range map[string]url.Values{
		"no token":            {"order": {"1002"}},
		"empty token":         {"order": {"1002"}, "csrf_token": {""}},
		"garbage":             {"order": {"1002"}, "csrf_token": {"not-base64!"}},
		"another key's token": {"order": {"1002"}, "csrf_token": {other}},
		"truncated token":     {"order": {"1002"}, "csrf_token": {good[:len(good)-2]}},
	} {
		t.Run(name, func(t *testing.T) {
			for _, action := range []string{"/pay", "/dismiss"} {
				form.Set("reason", "test")
				r := b.do(http.MethodPost, path+action, form)
				if r.code != http.StatusForbidden {
					t.Fatalf("POST %s = %d; want 403", action, r.code)
				}
			}
		})
	}
	if calls := inbox.resolveCalls(); len(calls) != 0 {
		t.Fatalf("posts without a valid token reached the inbox: %v", calls)
	}
	if len(inbox.dismiss) != 0 {
		t.Fatalf("posts without a valid token dismissed: %v", inbox.dismiss)
	}
}

func TestCSRFTokenIsBoundToTheLogin(t *testing.T) {
	k := NewCSRFKey()
	as := func(user string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/review/x/pay", nil)
		r.SetBasicAuth(user, testPass)
		return r
	}
	if !k.Valid(as("alice"), k.Token(as("alice"))) {
		t.Fatal("alice's token is not valid for alice")
	}
	if k.Valid(as("bob"), k.Token(as("alice"))) {
		t.Fatal("alice's token is valid for bob")
	}
}

func TestConsolePayShowsTheOutcome(t *testing.T) {
	for name, tc := range map[string]struct {
		order     string
		wantFlash string
		wantKind  string
	}{
		"paid":          {"1002", "Order 1002 paid", "flash-ok"},
		"already paid":  {"1003", "Order 1003 was already paid", "flash-info"},
		"store refused": {"9999", "order is cancelled", "flash-refused"},
		"store down":    {"5000", "connection refused", "flash-error"},
	} {
		t.Run(name, func(t *testing.T) {
			inbox := newConsoleInbox()
			srv, _ := serve(t, Config{Username: testUser, Password: testPass, Review: inbox})
			b := newBrowser(t, srv, testUser)
			path := "/review/" + ambiguousID
			r := b.do(http.MethodPost, path+"/pay", url.Values{"order": {tc.order}, "csrf_token": {b.token(path)}})
			if r.code != http.StatusSeeOther || r.header.Get("Location") != path {
				t.Fatalf("POST pay = %d Location %q; want 303 to %s", r.code, r.header.Get("Location"), path)
			}
			if calls := inbox.resolveCalls(); len(calls) != 1 || calls[0] != ambiguousID+" "+tc.order+" "+testUser {
				t.Fatalf("resolve calls %v; want one for order %s by %s", calls, tc.order, testUser)
			}
			page := b.do(http.MethodGet, path, nil)
			if !strings.Contains(page.body, tc.wantFlash) || !strings.Contains(page.body, tc.wantKind) {
				t.Fatalf("item page after the post lacks %q in a %s message:\n%s", tc.wantFlash, tc.wantKind, page.body)
			}
			if again := b.do(http.MethodGet, path, nil); strings.Contains(again.body, tc.wantFlash) && strings.Contains(again.body, `id="outcome"`) {
				t.Fatal("the outcome is shown again on the next visit")
			}
		})
	}
}

func TestConsoleDismiss(t *testing.T) {
	inbox := newConsoleInbox()
	srv, _ := serve(t, Config{Username: testUser, Password: testPass, Review: inbox})
	b := newBrowser(t, srv, testUser)
	path := "/review/" + ambiguousID
	tok := b.token(path)

	b.do(http.MethodPost, path+"/dismiss", url.Values{"reason": {""}, "csrf_token": {tok}})
	if page := b.do(http.MethodGet, path, nil); !strings.Contains(page.body, "a reason is required") {
		t.Fatal("dismissing without a reason did not say a reason is required")
	}
	r := b.do(http.MethodPost, path+"/dismiss", url.Values{"reason": {"refunded by hand"}, "csrf_token": {tok}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("POST dismiss = %d", r.code)
	}
	page := b.do(http.MethodGet, path, nil)
	for _, want := range []string{"Dismissed: nothing will be paid", "refunded by hand", "<strong>" + testUser + "</strong>"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("item page after dismiss lacks %q", want)
		}
	}
	if strings.Contains(page.body, ">Pay order 1002</button>") {
		t.Error("a dismissed item still offers to pay")
	}
}

// fakeHealth and fakePayments stand in for the worker's store health and
// payment counter.
type fakeHealth []StoreStatus

func (f fakeHealth) Stores(context.Context) ([]StoreStatus, error) { return f, nil }

type fakePayments struct{ since []time.Time }

func (f *fakePayments) Applied(_ context.Context, since time.Time) (PaymentTotals, error) {
	f.since = append(f.since, since)
	if time.Since(since) > time.Hour+time.Minute {
		return PaymentTotals{Count: 42, Amount: sdk.Rupiah(12345678)}, nil
	}
	return PaymentTotals{Count: 7, Amount: sdk.Rupiah(150123)}, nil
}

var (
	_ StoreHealth  = fakeHealth(nil)
	_ PaymentStats = (*fakePayments)(nil)
)

func TestConsoleOverview(t *testing.T) {
	t.Run("sources not wired", func(t *testing.T) {
		srv, _ := serve(t, Config{Username: testUser, Password: testPass, Review: newConsoleInbox(), Stores: []string{"demo"}})
		r := newBrowser(t, srv, testUser).do(http.MethodGet, "/review/overview", nil)
		if r.code != http.StatusOK {
			t.Fatalf("GET overview = %d %s", r.code, r.body)
		}
		for _, want := range []string{"this process has no payment counter", "does not track store health", "No orphan queues", "store:demo"} {
			if !strings.Contains(html.UnescapeString(r.body), want) {
				t.Errorf("overview lacks %q", want)
			}
		}
	})

	t.Run("queues, orphans, health and payments", func(t *testing.T) {
		failingSince := time.Now().Add(-35 * time.Minute)
		payments := &fakePayments{}
		srv, rd := serve(t, Config{Username: testUser, Password: testPass, Review: newConsoleInbox(), Stores: []string{"demo", "toko"},
			Payments: payments,
			StoreHealth: fakeHealth{
				{Name: "demo"},
				{Name: "toko", FailingSince: failingSince, LastError: "dial tcp 127.0.0.1:8443: connection refused", LastErrorAt: time.Now()},
			}})
		client := asynq.NewClient(asynq.RedisClientOpt{Addr: rd.Addr, DB: rd.DB})
		defer client.Close()
		for i, q := range []string{"store:demo", "store:old-name", "store:old-name", "store:old-name"} {
			if _, err := client.Enqueue(asynq.NewTask("mutation", nil), asynq.Queue(q), asynq.TaskID(fmt.Sprint("t", i))); err != nil {
				t.Fatal(err)
			}
		}
		r := newBrowser(t, srv, testUser).do(http.MethodGet, "/review/overview", nil)
		for _, want := range []string{
			`<span class="n">42</span>`, "Rp 12.345.678", `<span class="n">7</span>`, "Rp 150.123",
			"<strong>toko</strong>: calls failing since", wib(failingSince), "(35 min)", "connection refused", "Answering: demo.",
			"Orphan queues", `href="/monitoring/queues/store:old-name"`, "3 tasks: 3 pending",
			"lunas replay --queue store:old-name --state archived", `store "old-name" { ... }`,
			`<td data-label="Pending" class="num">1</td>`, "waiting under a minute",
			`<td data-label="Tasks" colspan="5" class="muted">no task yet</td>`, // store:toko has no queue yet
			"Several orders fit",
		} {
			if !strings.Contains(html.UnescapeString(r.body), want) {
				t.Errorf("overview lacks %q", want)
			}
		}
		if len(payments.since) != 2 || !payments.since[0].Equal(startOfDay(payments.since[0])) {
			t.Errorf("payments asked since %v; want midnight WIB and an hour ago", payments.since)
		}
	})
}
