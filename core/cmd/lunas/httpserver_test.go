package main

import (
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestListenerLimits is attack 4 of issue 12 (headers): a 1 MB header was
// served. Headers beyond 64 KiB are answered 431; the server also has a
// write timeout.
func TestListenerLimits(t *testing.T) {
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	if srv.WriteTimeout <= 0 || srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 {
		t.Errorf("timeouts: write %v, read header %v, read %v; want all set", srv.WriteTimeout, srv.ReadHeaderTimeout, srv.ReadTimeout)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	for _, tt := range []struct {
		size int
		want int
	}{
		{60 << 10, http.StatusNoContent},
		{80 << 10, http.StatusRequestHeaderFieldsTooLarge},
		{1 << 20, http.StatusRequestHeaderFieldsTooLarge},
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+l.Addr().String()+"/", nil)
		req.Header.Set("X-Big", strings.Repeat("a", tt.size))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("header of %d bytes: %v", tt.size, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("header of %d bytes = %d; want %d", tt.size, resp.StatusCode, tt.want)
		}
	}
}
