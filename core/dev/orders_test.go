package dev

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestOrdersHandlerAsksThePlugin stands in for the demo plugin's order page
// on a unix socket and checks /dev/orders passes on what it answers.
func TestOrdersHandlerAsksThePlugin(t *testing.T) {
	socket := filepath.Join(t.TempDir(), "orders.sock")
	ln, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	page := http.NewServeMux()
	page.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[{"id":"1001","status":"processing"}]`))
	})
	srv := &http.Server{Handler: page}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	rec := httptest.NewRecorder()
	OrdersHandler(socket).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/dev/orders", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != `[{"id":"1001","status":"processing"}]` {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
}

func TestOrdersHandlerWithoutPlugin(t *testing.T) {
	rec := httptest.NewRecorder()
	OrdersHandler(filepath.Join(t.TempDir(), "none.sock")).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/dev/orders", nil))
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
	}
	if rec.Code != http.StatusServiceUnavailable || !strings.HasPrefix(body["error"], "demo store: ") {
		t.Fatalf("got %d %v", rec.Code, body)
	}
}
