package ops

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	paid := prometheus.NewCounter(prometheus.CounterOpts{Name: "lunas_test_payments_total", Help: "Payments applied in this test."})
	reg.MustRegister(paid)
	paid.Add(3)
	srv, _ := serve(t, Config{Username: testUser, Password: testPass, Registry: reg})

	r := get(t, srv, "/metrics", testUser, testPass)
	if r.code != http.StatusOK {
		t.Fatalf("GET /metrics = %d %q", r.code, r.body)
	}
	if !strings.Contains(r.body, "\nlunas_test_payments_total 3\n") {
		t.Errorf("/metrics does not expose the registered counter:\n%s", r.body)
	}
	if strings.Contains(r.body, "go_goroutines") {
		t.Errorf("/metrics exposes collectors that were not registered")
	}
}

func TestMetricsDefaultRegistry(t *testing.T) {
	srv, _ := serve(t, Config{})
	r := get(t, srv, "/metrics", "", "")
	for _, want := range []string{"go_goroutines ", "process_cpu_seconds_total "} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/metrics with the default registry lacks %s", want)
		}
	}
}
