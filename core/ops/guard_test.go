package ops

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
)

// countingInbox is an Inbox that counts resolutions, so a test can tell
// whether a refused request reached the money path.
type countingInbox struct {
	fakeLister
	resolved atomic.Int32
}

func (c *countingInbox) Resolve(ctx context.Context, id, order, actor string) (core.ReviewItem, error) {
	c.resolved.Add(1)
	return c.fakeLister.Resolve(ctx, id, order, actor)
}

// send makes one request straight to h from remote, with headers.
func send(h http.Handler, method, target, remote, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.RemoteAddr = remote
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func newHandler(t *testing.T, cfg Config) *Handler {
	t.Helper()
	if cfg.RedisOpt == nil {
		t.Fatal("newHandler needs a RedisOpt")
	}
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h
}

func basic(user, pass string) string {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

// TestAttackCrossSiteResolve is attack 2 of issue 12: a page on another site
// posts text/plain to resolve, riding the operator's cached basic-auth
// login. It must be refused before it reaches the inbox; the CLI's and the
// admin's own pages' requests must still pass.
func TestAttackCrossSiteResolve(t *testing.T) {
	inbox := &countingInbox{fakeLister: fakeLister{items: []core.ReviewItem{{ID: "r1"}}}}
	_, r := serve(t, Config{}) // a Redis for asynqmon
	h := newHandler(t, Config{Username: testUser, Password: testPass, Review: inbox,
		RedisOpt: asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}})
	const target = "http://admin.internal:9090/api/review/r1/resolve"
	auth := basic(testUser, testPass)
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"text/plain from an evil origin", map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example"}, http.StatusForbidden},
		{"json from an evil origin", map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, http.StatusForbidden},
		{"cross-site fetch metadata", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site sibling", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-site", "Origin": "http://other.internal:9090"}, http.StatusForbidden},
		{"null origin", map[string]string{"Content-Type": "application/json", "Origin": "null"}, http.StatusForbidden},
		{"text/plain without origin", map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType},
		{"form without origin", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"no content type", map[string]string{}, http.StatusUnsupportedMediaType},
		{"the CLI", map[string]string{"Content-Type": "application/json", "X-Lunas-Actor": "op@host"}, http.StatusOK},
		{"its own page", map[string]string{"Content-Type": "application/json; charset=utf-8", "Sec-Fetch-Site": "same-origin", "Origin": "http://admin.internal:9090"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := inbox.resolved.Load()
			hdr := map[string]string{"Authorization": auth}
			for k, v := range tt.header {
				hdr[k] = v
			}
			rec := send(h, http.MethodPost, target, "192.0.2.7:5000", `{"order":"1042"}`, hdr)
			if rec.Code != tt.want {
				t.Fatalf("POST resolve = %d %s; want %d", rec.Code, rec.Body, tt.want)
			}
			paid := inbox.resolved.Load() - before
			if (tt.want == http.StatusOK) != (paid == 1) {
				t.Errorf("the inbox resolved %d times; want %v", paid, tt.want == http.StatusOK)
			}
		})
	}
}

// TestAttackCrossSitePause is attack 2's second half: asynqmon's API pauses
// a queue on a cross-site POST. The queue must stay running, while
// asynqmon's own UI (same-origin, no body) still pauses it.
func TestAttackCrossSitePause(t *testing.T) {
	_, r := serve(t, Config{})
	opt := asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}
	h := newHandler(t, Config{Username: testUser, Password: testPass, RedisOpt: opt})
	client := asynq.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	if _, err := client.Enqueue(asynq.NewTask("mutation:process", nil), asynq.Queue("store:toko")); err != nil {
		t.Fatal(err)
	}
	insp := asynq.NewInspector(opt)
	t.Cleanup(func() { insp.Close() })
	paused := func() bool {
		info, err := insp.GetQueueInfo("store:toko")
		if err != nil {
			t.Fatal(err)
		}
		return info.Paused
	}
	const target = "http://127.0.0.1:9090/monitoring/api/queues/store:toko:pause"
	auth := basic(testUser, testPass)
	for _, hdr := range []map[string]string{
		{"Authorization": auth, "Origin": "http://evil.example"},
		{"Authorization": auth, "Origin": "http://evil.example", "Content-Type": "text/plain"},
		{"Authorization": auth, "Sec-Fetch-Site": "cross-site"},
		{"Authorization": auth, "Content-Type": "text/plain"}, // a body asynqmon never sends
	} {
		rec := send(h, http.MethodPost, target, "192.0.2.7:5000", "x", hdr)
		if rec.Code != http.StatusForbidden && rec.Code != http.StatusUnsupportedMediaType {
			t.Errorf("cross-site pause %v = %d %s; want 403 or 415", hdr, rec.Code, rec.Body)
		}
		if paused() {
			t.Fatalf("the queue was paused by %v", hdr)
		}
	}
	own := httptest.NewRequest(http.MethodPost, target, http.NoBody)
	own.Header.Set("Authorization", auth)
	own.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, own)
	if rec.Code/100 != 2 || !paused() {
		t.Fatalf("asynqmon's own pause = %d %s, paused %v; want it paused", rec.Code, rec.Body, paused())
	}
}

// TestAttackRebinding is attack 2's third half: a DNS-rebinding page reaches
// the login-free loopback listener under its own host name.
func TestAttackRebinding(t *testing.T) {
	_, r := serve(t, Config{})
	h := newHandler(t, Config{RedisOpt: asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}, Review: &fakeLister{}})
	tests := []struct {
		host string
		want int
	}{
		{"evil.example", http.StatusMisdirectedRequest},
		{"evil.example:9090", http.StatusMisdirectedRequest},
		{"127.0.0.1.nip.io:9090", http.StatusMisdirectedRequest},
		{"10.0.0.5:9090", http.StatusMisdirectedRequest},
		{"localhost:9090", http.StatusOK},
		{"LOCALHOST.", http.StatusOK},
		{"app.localhost:9090", http.StatusOK},
		{"127.0.0.1:9090", http.StatusOK},
		{"127.1.2.3", http.StatusOK},
		{"[::1]:9090", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/review", nil)
			req.Host = tt.host
			req.RemoteAddr = "127.0.0.1:5000"
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("GET /api/review with Host %q = %d %s; want %d", tt.host, rec.Code, rec.Body, tt.want)
			}
		})
	}
}

// TestAttackPasswordGuessing is attack 5: 2,000 wrong passwords on one
// connection. After a few, the address gets 429 with Retry-After, even
// for the right password; the operator at another address logs in.
func TestAttackPasswordGuessing(t *testing.T) {
	_, r := serve(t, Config{})
	h := newHandler(t, Config{Username: testUser, Password: testPass, RedisOpt: asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}})
	const attacker = "203.0.113.9:40000"
	var unauthorized, limited int
	for i := range 2000 {
		rec := send(h, http.MethodGet, "/readyz", attacker, "", map[string]string{"Authorization": basic(testUser, "guess-"+strconv.Itoa(i))})
		switch rec.Code {
		case http.StatusUnauthorized:
			unauthorized++
		case http.StatusTooManyRequests:
			limited++
			if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 {
				t.Fatalf("429 with Retry-After %q; want whole seconds", rec.Header().Get("Retry-After"))
			}
		default:
			t.Fatalf("guess %d = %d %s", i, rec.Code, rec.Body)
		}
	}
	// Six failures earn a one-second wait, and each one after doubles it,
	// so however slow the machine, the run sees only a handful of 401s.
	if unauthorized > loginFreeTries+12 || limited < 2000-loginFreeTries-12 {
		t.Errorf("2,000 guesses: %d answered 401, %d answered 429; want almost all 429", unauthorized, limited)
	}
	t.Logf("2,000 wrong passwords from one address: %d answered 401, %d answered 429 with Retry-After", unauthorized, limited)
	if rec := send(h, http.MethodGet, "/readyz", attacker, "", map[string]string{"Authorization": basic(testUser, testPass)}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the right password from the guessing address = %d; want 429 (no oracle)", rec.Code)
	}
	if rec := send(h, http.MethodGet, "/readyz", "198.51.100.4:50000", "", map[string]string{"Authorization": basic(testUser, testPass)}); rec.Code != http.StatusOK {
		t.Errorf("the operator from another address = %d %s; want 200", rec.Code, rec.Body)
	}
}

// TestSecurityHeaders checks the framing and sniffing headers on every
// kind of admin answer, failures included.
func TestSecurityHeaders(t *testing.T) {
	_, r := serve(t, Config{})
	h := newHandler(t, Config{Username: testUser, Password: testPass, Review: &fakeLister{}, RedisOpt: asynq.RedisClientOpt{Addr: r.Addr, DB: r.DB}})
	want := map[string]string{
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	}
	for _, c := range []struct{ method, path, auth string }{
		{http.MethodGet, "/monitoring/", basic(testUser, testPass)},
		{http.MethodGet, "/api/review", basic(testUser, testPass)},
		{http.MethodGet, "/metrics", ""},
		{http.MethodGet, "/nope", basic(testUser, testPass)},
		{http.MethodPost, "/api/replay", basic(testUser, testPass)},
	} {
		rec := send(h, c.method, c.path, "127.0.0.1:1", "", map[string]string{"Authorization": c.auth})
		for k, v := range want {
			if got := rec.Header().Get(k); got != v {
				t.Errorf("%s %s (%d): %s = %q; want %q", c.method, c.path, rec.Code, k, got, v)
			}
		}
	}
}

// TestGuardForms checks the CSRF token rule for an HTML console's forms.
func TestGuardForms(t *testing.T) {
	g := &Guard{}
	var token string
	h := g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			token = CSRFToken(r)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	auth := basic("ops", "pw")
	if rec := send(h, http.MethodGet, "http://127.0.0.1/review", "127.0.0.1:1", "", map[string]string{"Authorization": auth}); rec.Code != http.StatusNoContent || token == "" {
		t.Fatalf("GET /review = %d, token %q", rec.Code, token)
	}
	form := func(tok string) string { return url.Values{"order": {"1042"}, CSRFField: {tok}}.Encode() }
	same := map[string]string{"Authorization": auth, "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
	tests := []struct {
		name   string
		body   string
		header map[string]string
		want   int
	}{
		{"with its token", form(token), same, http.StatusNoContent},
		{"without a token", url.Values{"order": {"1042"}}.Encode(), same, http.StatusForbidden},
		{"forged token", form("9999999999.AAAA"), same, http.StatusForbidden},
		{"another login's token", form(token), map[string]string{"Authorization": basic("eve", "pw"), "Content-Type": "application/x-www-form-urlencoded"}, http.StatusForbidden},
		{"cross-site with its token", form(token), map[string]string{"Authorization": auth, "Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rec := send(h, http.MethodPost, "http://127.0.0.1/review/r1/resolve", "127.0.0.1:1", tt.body, tt.header); rec.Code != tt.want {
				t.Errorf("POST = %d %s; want %d", rec.Code, rec.Body, tt.want)
			}
		})
	}
}
