package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/lunas-dev/lunas/core"
)

// fakeQueue records enqueued mutations; duplicate task ids report duplicate.
type fakeQueue struct {
	mu   sync.Mutex
	ids  map[string]bool
	fail error
}

var _ core.Queue = (*fakeQueue)(nil)

func (q *fakeQueue) EnqueueMutation(_ context.Context, _ string, m *core.Mutation) (bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail != nil {
		return false, q.fail
	}
	if q.ids == nil {
		q.ids = map[string]bool{}
	}
	if q.ids[m.TaskID()] {
		return true, nil
	}
	q.ids[m.TaskID()] = true
	return false, nil
}

type fakeAudit struct {
	mu sync.Mutex
	ds []core.Delivery
}

func (a *fakeAudit) Record(d core.Delivery) { a.mu.Lock(); a.ds = append(a.ds, d); a.mu.Unlock() }

const body1 = `[{"mutation_id":"m1","bank_id":"b1","amount":150123,"type":"CR","bank":{"meta":{"k":"v"}}}]`

func TestReceiver(t *testing.T) {
	allowed, _ := ParsePrefixes([]string{"103.236.201.178", "103.28.52.182"})
	proxies, _ := ParsePrefixes([]string{"10.0.0.0/8"})
	tests := []struct {
		name       string
		cfg        func(*Config)
		method     string
		body       string
		sign       func(body string) string
		remote     string
		xff        string
		queueErr   error
		wantStatus int
		wantInBody string
		wantQueued int
	}{
		{name: "accepted", body: body1, wantStatus: 200, wantInBody: `"accepted":1`, wantQueued: 1},
		{name: "second secret during rotation", cfg: func(c *Config) { c.Secrets = [][]byte{[]byte("old"), []byte("secret")} }, body: body1, wantStatus: 200, wantQueued: 1},
		{name: "GET", method: http.MethodGet, body: "", wantStatus: 405},
		{name: "too large", cfg: func(c *Config) { c.MaxBodyBytes = 10 }, body: body1, wantStatus: 413},
		{name: "missing signature", body: body1, sign: func(string) string { return "" }, wantStatus: 401, wantInBody: "missing Signature"},
		{name: "bad signature", body: body1, sign: func(b string) string { return Sign([]byte("wrong"), []byte(b)) }, wantStatus: 401},
		{name: "signature of another body", body: body1, sign: func(string) string { return Sign([]byte("secret"), []byte("[]")) }, wantStatus: 401},
		{name: "bad payload", body: `{"amount":1}`, wantStatus: 400, wantInBody: "mutation_id"},
		{name: "queue down", body: body1, queueErr: errors.New("dial tcp: connection refused"), wantStatus: 503},
		{name: "ip allowed", cfg: func(c *Config) { c.AllowedIPs = allowed }, remote: "103.28.52.182:4000", body: body1, wantStatus: 200, wantQueued: 1},
		{name: "ip not allowed", cfg: func(c *Config) { c.AllowedIPs = allowed }, remote: "198.51.100.7:4000", body: body1, wantStatus: 403},
		{name: "forged X-Forwarded-For from an untrusted peer", cfg: func(c *Config) { c.AllowedIPs = allowed }, remote: "198.51.100.7:4000", xff: "103.28.52.182", body: body1, wantStatus: 403},
		{name: "X-Forwarded-For from a trusted proxy", cfg: func(c *Config) { c.AllowedIPs = allowed; c.TrustedProxies = proxies }, remote: "10.1.2.3:4000", xff: "198.51.100.7, 103.28.52.182", body: body1, wantStatus: 200, wantQueued: 1},
		{name: "trusted proxy forwarding a disallowed client", cfg: func(c *Config) { c.AllowedIPs = allowed; c.TrustedProxies = proxies }, remote: "10.1.2.3:4000", xff: "198.51.100.7", body: body1, wantStatus: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Name: "moota", Secrets: [][]byte{[]byte("secret")}}
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			q := &fakeQueue{fail: tt.queueErr}
			audit := &fakeAudit{}
			rc, err := New(cfg, q, audit, nil, NewMetrics(nil))
			if err != nil {
				t.Fatal(err)
			}
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, "/webhooks/moota", strings.NewReader(tt.body))
			sig := Sign([]byte("secret"), []byte(tt.body))
			if tt.sign != nil {
				sig = tt.sign(tt.body)
			}
			if sig != "" {
				req.Header.Set("Signature", sig)
			}
			if tt.remote != "" {
				req.RemoteAddr = tt.remote
			}
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			rec := httptest.NewRecorder()
			rc.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d (%s), want %d", rec.Code, rec.Body, tt.wantStatus)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var js map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &js); err != nil {
				t.Fatalf("answer is not JSON: %s", rec.Body)
			}
			if tt.wantStatus != 200 && js["error"] == nil {
				t.Errorf("error answer without a reason: %s", rec.Body)
			}
			if tt.wantInBody != "" && !strings.Contains(rec.Body.String(), tt.wantInBody) {
				t.Errorf("body %s does not contain %q", rec.Body, tt.wantInBody)
			}
			if len(q.ids) != tt.wantQueued {
				t.Errorf("queued %d, want %d", len(q.ids), tt.wantQueued)
			}
			if len(audit.ds) != 1 || audit.ds[0].Status != tt.wantStatus {
				t.Fatalf("audit = %+v, want one record with status %d", audit.ds, tt.wantStatus)
			}
			b, _ := json.Marshal(audit.ds[0])
			if bytes.Contains(b, []byte(sig)) && sig != "" {
				t.Errorf("audit record holds the signature")
			}
		})
	}
}

func TestReceiverBatchCountsDuplicates(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range 100 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"mutation_id":"m` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `","bank_id":"b","amount":1000,"type":"CR"}`)
	}
	b.WriteString("]")
	q := &fakeQueue{}
	rc, _ := New(Config{Name: "moota", Secrets: [][]byte{[]byte("s")}}, q, nil, nil, nil)
	send := func() map[string]float64 {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/moota", strings.NewReader(b.String()))
		req.Header.Set("Signature", Sign([]byte("s"), []byte(b.String())))
		rec := httptest.NewRecorder()
		rc.ServeHTTP(rec, req)
		var out map[string]float64
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return out
	}
	if got := send(); got["accepted"] != 100 || got["duplicates"] != 0 {
		t.Fatalf("first delivery: %v", got)
	}
	if got := send(); got["accepted"] != 0 || got["duplicates"] != 100 {
		t.Fatalf("redelivery: %v", got)
	}
}

// Every delivery is counted by verdict and status, and its mutations by
// result.
func TestReceiverMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	rc, err := New(Config{Name: "moota", Secrets: [][]byte{[]byte("s")}}, &fakeQueue{}, nil, nil, m)
	if err != nil {
		t.Fatal(err)
	}
	send := func(body, sig string) {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/moota", strings.NewReader(body))
		req.Header.Set("Signature", sig)
		rc.ServeHTTP(httptest.NewRecorder(), req)
	}
	send(body1, Sign([]byte("s"), []byte(body1)))
	send(body1, Sign([]byte("s"), []byte(body1)))
	send(body1, "00")
	for _, c := range []struct {
		got  float64
		want float64
		what string
	}{
		{counterValue(t, m.requests.WithLabelValues("moota", "accepted", "200")), 2, "accepted requests"},
		{counterValue(t, m.requests.WithLabelValues("moota", "bad_signature", "401")), 1, "forged requests"},
		{counterValue(t, m.mutations.WithLabelValues("moota", "accepted")), 1, "accepted mutations"},
		{counterValue(t, m.mutations.WithLabelValues("moota", "duplicate")), 1, "duplicates"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	var h dto.Metric
	if err := m.latency.WithLabelValues("moota").(prometheus.Histogram).Write(&h); err != nil || h.GetHistogram().GetSampleCount() != 3 {
		t.Errorf("latency observations = %d (%v), want 3", h.GetHistogram().GetSampleCount(), err)
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// The router sends /webhooks/NAME to its receiver and anything else to a
// JSON 404 that says what was not found.
func TestRouter(t *testing.T) {
	rc, err := New(Config{Name: "moota", Secrets: [][]byte{[]byte("s")}}, &fakeQueue{}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := Router(map[string]*Receiver{"moota": rc})
	for _, tt := range []struct {
		method, path string
		status       int
		body         string
	}{
		{http.MethodPost, "/webhooks/moota", 200, `"accepted":1`},
		{http.MethodPost, "/webhooks/other", 404, "no webhook named other"},
		{http.MethodPost, "/webhooks/moota/x", 404, "no webhook named moota/x"},
		{http.MethodPost, "/webhooks/", 404, "no webhook named"},
		{http.MethodGet, "/healthz", 200, `"ok"`},
		{http.MethodGet, "/elsewhere", 404, "not found"},
	} {
		req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(body1))
		req.Header.Set("Signature", Sign([]byte("s"), []byte(body1)))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) {
			t.Errorf("%s %s = %d %s, want %d with %q", tt.method, tt.path, rec.Code, rec.Body, tt.status, tt.body)
		}
	}
}
