package main

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/plugins/custom/signature"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// These tests serve the plugin in-process (through the sdk's real gRPC
// adapters) against fake stores that answer what a test needs.

const (
	fakeSecret  = "in-process-secret-0123456789"
	headerValue = "gateway-credential-value"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveFake starts handler and returns a plugin configured for it, plus the
// plugin's log at trace level.
func serveFake(t *testing.T, handler http.HandlerFunc, extra map[string]any) (sdk.Store, *syncBuffer) {
	t.Helper()
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	logs := &syncBuffer{}
	log := hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Trace, JSONFormat: true})
	store := storetest.InProcess(t, NewStore(log))
	settings := map[string]any{"base_url": ts.URL, "secret": fakeSecret, "headers": map[string]string{"X-Gateway-Key": headerValue}}
	for k, v := range extra {
		settings[k] = v
	}
	storetest.Configure(t, store, "fake", settings)
	return store, logs
}

func answer(status int, header map[string]string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func samplePayment() *sdk.ApplyPaymentRequest {
	created := time.Date(2024, 6, 10, 2, 30, 0, 0, time.UTC)
	return &sdk.ApplyPaymentRequest{
		Order: sdk.Order{ID: "1042", Number: "INV-1042", Status: "on-hold", Amount: 15012350, Currency: "IDR", CreatedAt: created},
		Mutation: sdk.Mutation{ID: "3ykVJxnwYkN", BankID: "4Aqz9OmvWPV", AccountNumber: "8210001234", Type: "CR", Amount: 15012350,
			Description: "TRSF E-BANKING CR INV-1042", Date: created.Add(time.Hour), BankType: "bca"},
		IdempotencyKey: "moota:4Aqz9OmvWPV:3ykVJxnwYkN",
	}
}

func TestRequestsFollowTheContract(t *testing.T) {
	var (
		mu   sync.Mutex
		seen = map[string]map[string]any{}
	)
	handler := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := signature.Verify([]byte(fakeSecret), r.Header.Get(signature.Header), body, time.Now(), 0); err != nil {
			t.Errorf("%s %s: signature: %v", r.Method, r.URL.Path, err)
		}
		for h, want := range map[string]string{"X-Gateway-Key": headerValue, "User-Agent": "lunas-plugin-custom", "Accept": "application/json"} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s: header %s = %q, want %q", r.URL.Path, h, got, want)
			}
		}
		decoded := map[string]any{}
		if len(body) > 0 {
			if err := json.Unmarshal(body, &decoded); err != nil {
				t.Errorf("%s: body is not JSON: %v", r.URL.Path, err)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("%s: Content-Type %q", r.URL.Path, ct)
			}
		}
		decoded["_idempotency_header"] = r.Header.Get("Idempotency-Key")
		mu.Lock()
		seen[r.Method+" "+r.URL.Path] = decoded
		mu.Unlock()
		switch r.URL.Path {
		case "/lunas/health":
			io.WriteString(w, `{"status":"ok"}`)
		case "/lunas/open-orders":
			// A PHP store: integer id, number amount, no currency, no number.
			io.WriteString(w, `{"orders":[{"id":1042,"status":"on-hold","amount":150123.5,"created_at":"2024-06-10T09:30:00+07:00","paid_by":null,"extra":"ignored"}]}`)
		case "/lunas/payments":
			io.WriteString(w, `{"outcome":"paid","status":"processing"}`)
		}
	}
	store, _ := serveFake(t, handler, nil)

	if _, err := store.Health(ctx(t), &sdk.HealthRequest{}); err != nil {
		t.Fatalf("Health: %v", err)
	}
	since := time.Date(2024, 6, 3, 6, 13, 20, 0, time.UTC)
	found, err := store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: 15012350, Since: since, Hints: []string{"INV-1042"}, BankID: "4Aqz9OmvWPV"})
	if err != nil {
		t.Fatalf("FindOpenOrders: %v", err)
	}
	want := sdk.Order{ID: "1042", Number: "1042", Status: "on-hold", Amount: 15012350, Currency: "IDR",
		CreatedAt: time.Date(2024, 6, 10, 2, 30, 0, 0, time.UTC)}
	if len(found.Orders) != 1 || !found.Orders[0].CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("orders = %+v, want [%+v]", found.Orders, want)
	}
	found.Orders[0].CreatedAt = want.CreatedAt
	if found.Orders[0] != want {
		t.Fatalf("order = %+v, want %+v", found.Orders[0], want)
	}
	paid, err := store.ApplyPayment(ctx(t), samplePayment())
	if err != nil || paid.Outcome != sdk.OutcomePaid || paid.Status != "processing" {
		t.Fatalf("ApplyPayment = %+v, %v", paid, err)
	}

	mu.Lock()
	defer mu.Unlock()
	if got := seen["POST /lunas/open-orders"]; got["amount"] != "150123.50" || got["since"] != "2024-06-03T06:13:20Z" ||
		got["bank_id"] != "4Aqz9OmvWPV" || len(got["hints"].([]any)) != 1 {
		t.Errorf("open-orders body = %v", got)
	}
	pay := seen["POST /lunas/payments"]
	order, _ := pay["order"].(map[string]any)
	mut, _ := pay["mutation"].(map[string]any)
	if pay["idempotency_key"] != "moota:4Aqz9OmvWPV:3ykVJxnwYkN" || pay["_idempotency_header"] != "moota:4Aqz9OmvWPV:3ykVJxnwYkN" ||
		order["id"] != "1042" || order["amount"] != "150123.50" || order["created_at"] != "2024-06-10T02:30:00Z" ||
		mut["id"] != "3ykVJxnwYkN" || mut["amount"] != "150123.50" || mut["type"] != "CR" || mut["account_number"] != "8210001234" ||
		mut["description"] != "TRSF E-BANKING CR INV-1042" {
		t.Errorf("payments body = %v", pay)
	}
	if _, ok := seen["GET /lunas/health"]; !ok {
		t.Error("Health did not call GET /lunas/health")
	}
}

func TestAnswersAreClassified(t *testing.T) {
	inAMinute := time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)
	tests := []struct {
		name    string
		call    string // find or apply
		handler http.HandlerFunc
		class   sdk.Class
		minWait time.Duration
		maxWait time.Duration
		message string
	}{
		{"500 text", "find", answer(500, nil, "database is down\n"), sdk.ClassRetryable, 0, 0, "list open orders: store answered HTTP 500: database is down"},
		{"502 JSON", "apply", answer(502, nil, `{"error":"upstream"}`), sdk.ClassRetryable, 0, 0, "HTTP 502: upstream"},
		{"429 seconds", "apply", answer(429, map[string]string{"Retry-After": "12"}, ""), sdk.ClassRetryable, 12 * time.Second, 12 * time.Second, "HTTP 429"},
		{"429 HTTP date", "find", answer(429, map[string]string{"Retry-After": inAMinute}, ""), sdk.ClassRetryable, 50 * time.Second, time.Minute, "HTTP 429"},
		{"429 capped", "find", answer(429, map[string]string{"Retry-After": "999999"}, ""), sdk.ClassRetryable, time.Hour, time.Hour, "HTTP 429"},
		{"429 garbage Retry-After", "find", answer(429, map[string]string{"Retry-After": "soon"}, ""), sdk.ClassRetryable, 0, 0, "HTTP 429"},
		{"401", "apply", answer(401, nil, `{"reason":"no Lunas-Signature header"}`), sdk.ClassPermanent, 0, 0, "HTTP 401: no Lunas-Signature header"},
		{"403", "find", answer(403, nil, `{"message":"gateway key expired"}`), sdk.ClassPermanent, 0, 0, "HTTP 403: gateway key expired"},
		{"400 with message", "apply", answer(400, nil, `{"message":"amount is required"}`), sdk.ClassPermanent, 0, 0, "HTTP 400: amount is required"},
		{"409 on open-orders", "find", answer(409, nil, `{}`), sdk.ClassPermanent, 0, 0, "HTTP 409"},
		{"redirect", "find", answer(302, map[string]string{"Location": "https://www.shop.example/lunas/open-orders"}, ""), sdk.ClassPermanent, 0, 0, "redirect to \"https://www.shop.example/lunas/open-orders\""},
		{"200 not JSON", "find", answer(200, nil, "<html>maintenance</html>"), sdk.ClassPermanent, 0, 0, "not the contract's JSON"},
		{"order without amount", "find", answer(200, nil, `{"orders":[{"id":"7","created_at":"2024-06-10T09:30:00Z"}]}`), sdk.ClassPermanent, 0, 0, "order 7 has no amount"},
		{"order with float noise", "find", answer(200, nil, `{"orders":[{"id":"7","amount":150123.499999,"created_at":"2024-06-10T09:30:00Z"}]}`), sdk.ClassPermanent, 0, 0, "invalid amount"},
		{"order with MySQL time", "find", answer(200, nil, `{"orders":[{"id":"7","amount":"1","created_at":"2024-06-10 09:30:00"}]}`), sdk.ClassPermanent, 0, 0, "created_at \"2024-06-10 09:30:00\" is not RFC 3339"},
		{"unknown outcome", "apply", answer(200, nil, `{"outcome":"ok"}`), sdk.ClassPermanent, 0, 0, `outcome "ok"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, _ := serveFake(t, tt.handler, nil)
			var err error
			if tt.call == "find" {
				_, err = store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: 100, Since: time.Now()})
			} else {
				_, err = store.ApplyPayment(ctx(t), samplePayment())
			}
			if err == nil {
				t.Fatal("no error")
			}
			class, wait := sdk.ClassOf(err)
			if class != tt.class || wait < tt.minWait || wait > tt.maxWait {
				t.Errorf("class %s wait %s, want %s wait in [%s, %s]", class, wait, tt.class, tt.minWait, tt.maxWait)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q, want it to contain %q", err, tt.message)
			}
		})
	}
}

func TestPaymentOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    sdk.ApplyPaymentResponse
	}{
		{"200 paid", answer(200, nil, `{"outcome":"paid","status":"completed"}`), sdk.ApplyPaymentResponse{Outcome: sdk.OutcomePaid, Status: "completed"}},
		{"200 already_paid", answer(200, nil, `{"outcome":"already_paid","status":"completed"}`), sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: "completed"}},
		{"200 refused", answer(200, nil, `{"outcome":"refused","reason":"order on hold by fraud check"}`), sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "order on hold by fraud check"}},
		{"409", answer(409, nil, `{"outcome":"already_paid","status":"processing"}`), sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: "processing"}},
		{"409 without body", answer(409, nil, ""), sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid}},
		{"422 with reason", answer(422, nil, `{"reason":"order 1042 is cancelled"}`), sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "order 1042 is cancelled"}},
		{"422 Laravel message", answer(422, nil, `{"message":"The order is locked.","errors":{}}`), sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "The order is locked."}},
		{"422 without body", answer(422, nil, ""), sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "the store refused the payment without a reason"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, _ := serveFake(t, tt.handler, nil)
			got, err := store.ApplyPayment(ctx(t), samplePayment())
			if err != nil {
				t.Fatalf("ApplyPayment: %v", err)
			}
			if *got != tt.want {
				t.Fatalf("ApplyPayment = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestSlowStoreTimesOutRetryable(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	store, _ := serveFake(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, map[string]any{"timeout": "1s"})
	_, err := store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: 100, Since: time.Now()})
	if err == nil || sdk.IsPermanent(err) || !strings.Contains(err.Error(), "did not answer within 1s (settings.timeout)") {
		t.Fatalf("FindOpenOrders against a silent store: %v; want a retryable timeout naming settings.timeout", err)
	}
}

func TestPrivateCA(t *testing.T) {
	ts := httptest.NewTLSServer(answer(200, nil, `{"status":"ok"}`))
	t.Cleanup(ts.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}

	untrusting := storetest.InProcess(t, NewStore(nil))
	storetest.Configure(t, untrusting, "tls", map[string]any{"base_url": ts.URL, "secret": fakeSecret})
	_, err := untrusting.Health(ctx(t), &sdk.HealthRequest{})
	if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "settings.ca_file") {
		t.Fatalf("Health against an untrusted certificate: %v; want a permanent error naming settings.ca_file", err)
	}

	trusting := storetest.InProcess(t, NewStore(nil))
	storetest.Configure(t, trusting, "tls", map[string]any{"base_url": ts.URL, "secret": fakeSecret, "ca_file": caFile})
	if _, err := trusting.Health(ctx(t), &sdk.HealthRequest{}); err != nil {
		t.Fatalf("Health with settings.ca_file: %v", err)
	}
}

func TestLogsHoldNoSecrets(t *testing.T) {
	store, logs := serveFake(t, answer(401, nil, `{"reason":"signature mismatch"}`), nil)
	store.Health(ctx(t), &sdk.HealthRequest{})
	store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: 100, Since: time.Now()})
	store.ApplyPayment(ctx(t), samplePayment())
	out := logs.String()
	if !strings.Contains(out, "configured") || !strings.Contains(out, "store answered") {
		t.Fatalf("expected configure and request lines in the log, got:\n%s", out)
	}
	for _, secret := range []string{fakeSecret, headerValue} {
		if strings.Contains(out, secret) {
			t.Errorf("the log contains %q:\n%s", secret, out)
		}
	}
}

func TestUnconfiguredStoreRefuses(t *testing.T) {
	store := storetest.InProcess(t, NewStore(nil))
	_, err := store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: 100})
	if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), "not configured") {
		t.Fatalf("FindOpenOrders before Configure: %v", err)
	}
}
