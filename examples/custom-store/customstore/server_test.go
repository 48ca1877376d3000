package customstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/custom/signature"
)

const testSecret = "customstore-test-secret"

func newServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Secret == "" {
		cfg.Secret = testSecret
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// send sends a request signed with secret at signedAt (unsigned when secret
// is empty) and returns the recorded answer. It is safe to call from any goroutine.
func send(s *Server, method, path, secret string, signedAt time.Time, body any) *httptest.ResponseRecorder {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if secret != "" {
		req.Header.Set(signature.Header, signature.Sign([]byte(secret), signedAt, raw))
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// call is send, decoding the JSON answer.
func call(t *testing.T, s *Server, method, path, secret string, signedAt time.Time, body any) (int, map[string]any) {
	t.Helper()
	rec := send(s, method, path, secret, signedAt, body)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: answer %d is not JSON: %q", method, path, rec.Code, rec.Body.String())
	}
	return rec.Code, out
}

func payment(orderID string, amount Money, mutationID string) map[string]any {
	return map[string]any{
		"order":           map[string]any{"id": orderID, "amount": amount.String()},
		"mutation":        map[string]any{"id": mutationID, "type": "CR", "amount": amount.String()},
		"idempotency_key": "moota:bank:" + mutationID,
	}
}

func TestNewRefusesShortSecret(t *testing.T) {
	if _, err := New(Config{Secret: "short"}); err == nil {
		t.Fatal("New accepted a 5-character secret")
	}
}

func TestSignatureIsRequired(t *testing.T) {
	now := time.Now()
	s := newServer(t, Config{})
	tests := []struct {
		name     string
		secret   string
		signedAt time.Time
		reason   string
	}{
		{"missing", "", now, "no Lunas-Signature"},
		{"wrong secret", "not-the-store-secret", now, "does not match"},
		{"stale", testSecret, now.Add(-6 * time.Minute), "outside the tolerance"},
		{"from the future", testSecret, now.Add(6 * time.Minute), "outside the tolerance"},
	}
	for _, tt := range tests {
		for _, path := range []string{"/lunas/health", "/lunas/open-orders", "/lunas/payments"} {
			t.Run(tt.name+path, func(t *testing.T) {
				method, body := http.MethodPost, any(map[string]any{"amount": "1"})
				if path == "/lunas/health" {
					method, body = http.MethodGet, nil
				}
				code, out := call(t, s, method, path, tt.secret, tt.signedAt, body)
				if code != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401", code)
				}
				if r, _ := out["reason"].(string); !strings.Contains(r, tt.reason) {
					t.Fatalf("reason %q, want it to mention %q", r, tt.reason)
				}
			})
		}
	}
}

func TestOpenOrders(t *testing.T) {
	now := time.Now()
	s := newServer(t, Config{Now: func() time.Time { return now }})
	amt := Rupiah(150123)
	open := s.Seed(Order{Amount: amt, Status: "on-hold", CreatedAt: now.Add(-time.Hour)})
	s.Seed(Order{Amount: amt, Status: "cancelled", CreatedAt: now.Add(-time.Hour)})
	s.Seed(Order{Amount: amt, Status: "processing", PaidBy: "m0", CreatedAt: now.Add(-time.Hour)})
	s.Seed(Order{Amount: amt, Status: "pending", CreatedAt: now.Add(-30 * 24 * time.Hour)})
	s.Seed(Order{Amount: amt + 1, Status: "pending", CreatedAt: now.Add(-time.Hour)})

	code, out := call(t, s, http.MethodPost, "/lunas/open-orders", testSecret, now, map[string]any{
		"amount": "150123", "since": now.Add(-7 * 24 * time.Hour).Format(time.RFC3339), "hints": []string{}, "bank_id": "b"})
	if code != http.StatusOK {
		t.Fatalf("status %d: %v", code, out)
	}
	orders, _ := out["orders"].([]any)
	if len(orders) != 1 {
		t.Fatalf("got %d orders, want only %s: %v", len(orders), open.ID, orders)
	}
	got := orders[0].(map[string]any)
	if got["id"] != open.ID || got["amount"] != "150123.00" {
		t.Fatalf("order = %v, want id %s amount \"150123.00\"", got, open.ID)
	}
}

func TestPayments(t *testing.T) {
	amt := Rupiah(89456)
	tests := []struct {
		name    string
		seed    Order
		req     func(o Order) map[string]any
		code    int
		outcome string
		reason  string
		paidBy  string
	}{
		{"paid", Order{Status: "pending", Amount: amt}, func(o Order) map[string]any { return payment(o.ID, amt, "m1") }, 200, "paid", "", "m1"},
		{"already paid by another", Order{Status: "processing", PaidBy: "m0", Amount: amt}, func(o Order) map[string]any { return payment(o.ID, amt, "m2") }, 409, "already_paid", "", "m0"},
		{"paid outside Lunas", Order{Status: "processing", Amount: amt}, func(o Order) map[string]any { return payment(o.ID, amt, "m3") }, 409, "already_paid", "", ""},
		{"cancelled", Order{Status: "cancelled", Amount: amt}, func(o Order) map[string]any { return payment(o.ID, amt, "m4") }, 422, "refused", "cancelled", ""},
		{"unknown order", Order{Status: "pending", Amount: amt}, func(Order) map[string]any { return payment("nope", amt, "m5") }, 422, "refused", "does not exist", ""},
		{"amount changed", Order{Status: "pending", Amount: amt}, func(o Order) map[string]any { return payment(o.ID, amt+100, "m6") }, 422, "refused", "now due 89456.00", ""},
		{"transfer differs", Order{Status: "pending", Amount: amt}, func(o Order) map[string]any {
			p := payment(o.ID, amt, "m7")
			p["mutation"].(map[string]any)["amount"] = "89455"
			return p
		}, 422, "refused", "transfer was 89455.00", ""},
		{"debit", Order{Status: "pending", Amount: amt}, func(o Order) map[string]any {
			p := payment(o.ID, amt, "m8")
			p["mutation"].(map[string]any)["type"] = "DB"
			return p
		}, 422, "refused", "debit", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, Config{})
			o := s.Seed(tt.seed)
			code, out := call(t, s, http.MethodPost, "/lunas/payments", testSecret, time.Now(), tt.req(o))
			if code != tt.code || out["outcome"] != tt.outcome {
				t.Fatalf("answer %d %v, want %d %s", code, out, tt.code, tt.outcome)
			}
			if r, _ := out["reason"].(string); !strings.Contains(r, tt.reason) {
				t.Errorf("reason %q, want it to mention %q", r, tt.reason)
			}
			after, _ := s.Order(o.ID)
			if after.PaidBy != tt.paidBy {
				t.Errorf("paid_by = %q, want %q", after.PaidBy, tt.paidBy)
			}
			wantWrites := 0
			if tt.code == 200 {
				wantWrites = 1
			}
			if got := s.Writes(o.ID); got != wantWrites {
				t.Errorf("writes = %d, want %d", got, wantWrites)
			}
		})
	}
}

func TestPaymentReplayAndSecondMutation(t *testing.T) {
	s := newServer(t, Config{})
	amt := Rupiah(150123)
	o := s.Seed(Order{Amount: amt})
	if code, out := call(t, s, http.MethodPost, "/lunas/payments", testSecret, time.Now(), payment(o.ID, amt, "first")); code != 200 {
		t.Fatalf("first payment: %d %v", code, out)
	}
	for _, mut := range []string{"first", "second"} {
		code, out := call(t, s, http.MethodPost, "/lunas/payments", testSecret, time.Now(), payment(o.ID, amt, mut))
		if code != http.StatusConflict || out["outcome"] != "already_paid" || out["paid_by"] != "first" {
			t.Fatalf("mutation %s on a paid order: %d %v, want 409 already_paid by first", mut, code, out)
		}
	}
	if l := s.Ledger(); len(l) != 1 || l[0].MutationID != "first" || l[0].IdempotencyKey != "moota:bank:first" {
		t.Fatalf("ledger = %+v, want one payment by first", l)
	}
}

func TestConcurrentPaymentsPayOnce(t *testing.T) {
	s := newServer(t, Config{})
	amt := Rupiah(150123)
	o := s.Seed(Order{Amount: amt})
	const n = 32
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			codes <- send(s, http.MethodPost, "/lunas/payments", testSecret, time.Now(), payment(o.ID, amt, fmt.Sprint("m", i%4))).Code
		})
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[200] != 1 || count[409] != n-1 {
		t.Fatalf("answers %v, want one 200 and %d 409", count, n-1)
	}
	if got := s.Writes(o.ID); got != 1 {
		t.Fatalf("%d writes, want 1", got)
	}
}

func TestInjectFault(t *testing.T) {
	s := newServer(t, Config{})
	s.InjectFault(Fault{Path: "/lunas/health", Status: 429, RetryAfter: 7 * time.Second, Count: 2})
	if rec := send(s, http.MethodGet, "/lunas/health", "", time.Now(), nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("unsigned request: status %d, want 401 (faults are only for signed requests)", rec.Code)
	}
	for i, want := range []int{429, 429, 200} {
		rec := send(s, http.MethodGet, "/lunas/health", testSecret, time.Now(), nil)
		if rec.Code != want {
			t.Fatalf("request %d: status %d, want %d", i, rec.Code, want)
		}
		if want == 429 && rec.Header().Get("Retry-After") != "7" {
			t.Fatalf("request %d: Retry-After %q, want 7", i, rec.Header().Get("Retry-After"))
		}
	}
}

func TestLoadOrdersFile(t *testing.T) {
	orders, err := LoadOrdersFile("../orders.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 4 || orders[0].Number != "INV-1042" || orders[0].Amount != Rupiah(150123) || orders[1].Amount != Rupiah(89456) {
		t.Fatalf("orders.json read as %+v", orders)
	}
	if _, err := LoadOrders(strings.NewReader(`[{"id":"1","amount":1.234}]`)); err == nil {
		t.Fatal("LoadOrders accepted an amount with three decimals")
	}
	if _, err := LoadOrders(strings.NewReader(`[{"id":"1","amout":"5"}]`)); err == nil {
		t.Fatal("LoadOrders accepted a misspelt field")
	}
}
