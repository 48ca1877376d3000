package ops

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// switchHealth is a StoreHealth whose answer a test changes: the fake of
// the worker's per-store tracker (core/payment), which reports every
// configured store with the start of its current run of failed calls.
type switchHealth struct {
	mu     sync.Mutex
	stores []StoreStatus
	err    error
}

func (s *switchHealth) set(stores []StoreStatus, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stores, s.err = stores, err
}

func (s *switchHealth) Stores(context.Context) ([]StoreStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stores, s.err
}

func TestReadyzListsEachStoresHealth(t *testing.T) {
	since := time.Date(2026, 12, 1, 3, 4, 5, 0, time.UTC)
	health := &switchHealth{}
	health.set([]StoreStatus{{Name: "toko-budi"}, {Name: "toko-ani"}}, nil)
	var pluginErr error
	var mu sync.Mutex
	srv, _ := serve(t, Config{
		Username: testUser, Password: testPass, StoreHealth: health,
		Ready: func(context.Context) error { mu.Lock(); defer mu.Unlock(); return pluginErr },
	})
	read := func() (int, readyBody, string) {
		t.Helper()
		r := get(t, srv, "/readyz", testUser, testPass)
		var body readyBody
		decode(t, r, &body)
		return r.code, body, r.body
	}

	code, body, raw := read()
	if code != http.StatusOK || body.Status != "ok" || len(body.Stores) != 2 ||
		body.Stores[0] != (storeReady{Name: "toko-ani", Status: "ok"}) || body.Stores[1] != (storeReady{Name: "toko-budi", Status: "ok"}) {
		t.Fatalf("/readyz with healthy stores = %d %s", code, raw)
	}

	// A failing store: still 200 (restarting Lunas would not fix the
	// store), "degraded", and the store's detail with zoned times.
	health.set([]StoreStatus{{Name: "toko-budi", FailingSince: since, LastError: "connection refused", LastErrorAt: since.Add(time.Minute)}, {Name: "toko-ani"}}, nil)
	code, body, raw = read()
	want := storeReady{Name: "toko-budi", Status: "failing", FailingSince: "2026-12-01T10:04:05+07:00",
		LastError: "connection refused", LastErrorAt: "2026-12-01T10:05:05+07:00"}
	if code != http.StatusOK || body.Status != "degraded" || len(body.Stores) != 2 || body.Stores[1] != want {
		t.Fatalf("/readyz with a failing store = %d %s; want 200 degraded with %+v", code, raw, want)
	}

	// A dead plugin process is this process's fault: 503, stores still listed.
	mu.Lock()
	pluginErr = errors.New(`store "toko-ani": plugin process is not running`)
	mu.Unlock()
	code, body, raw = read()
	if code != http.StatusServiceUnavailable || body.Status != "unavailable" || len(body.Stores) != 2 {
		t.Fatalf("/readyz with a dead plugin = %d %s; want 503 unavailable with the stores", code, raw)
	}
	mu.Lock()
	pluginErr = nil
	mu.Unlock()

	// A health source that does not answer is said, and is no reason for 503.
	health.set(nil, errors.New("tracker stopped"))
	code, body, raw = read()
	if code != http.StatusOK || body.Status != "ok" || body.StoresError != "tracker stopped" {
		t.Fatalf("/readyz with a failing health source = %d %s", code, raw)
	}
}

func TestStoreHealthCollector(t *testing.T) {
	now := time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC)
	health := &switchHealth{}
	health.set([]StoreStatus{
		{Name: "toko-budi", FailingSince: now.Add(-90 * time.Second), LastError: "connection refused"},
		{Name: "toko-ani"},
	}, nil)
	reg := prometheus.NewRegistry()
	reg.MustRegister(StoreHealthCollector{Health: health, Now: func() time.Time { return now }})
	srv, _ := serve(t, Config{Username: testUser, Password: testPass, Registry: reg})
	r := get(t, srv, "/metrics", testUser, testPass)
	for _, want := range []string{
		"# TYPE lunas_store_up gauge\n",
		"\nlunas_store_up{store=\"toko-ani\"} 1\n",
		"\nlunas_store_up{store=\"toko-budi\"} 0\n",
		"# TYPE lunas_store_failing_seconds gauge\n",
		"\nlunas_store_failing_seconds{store=\"toko-ani\"} 0\n",
		"\nlunas_store_failing_seconds{store=\"toko-budi\"} 90\n",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, r.body)
		}
	}

	// No answer from the source: no samples, and the scrape still works.
	health.set(nil, errors.New("tracker stopped"))
	r = get(t, srv, "/metrics", testUser, testPass)
	if r.code != http.StatusOK || strings.Contains(r.body, "lunas_store_up{") {
		t.Errorf("/metrics with a failing health source = %d:\n%s", r.code, r.body)
	}
}
