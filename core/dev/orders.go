package dev

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"time"
)

// OrdersHandler serves GET /dev/orders by asking the demo store plugin for
// its own order page (GET /orders) on the unix socket at socket, which
// lunas dev hands the plugin in its settings (orders_socket). The core so
// never learns how a store keeps its orders. When the plugin cannot be
// reached (not started yet, restarting) it answers 503 with a JSON error.
func OrdersHandler(socket string) http.Handler {
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", socket)
			},
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, "http://demo-store/orders", nil)
		if err != nil {
			unavailable(w, err)
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			unavailable(w, err)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	})
}

func unavailable(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusServiceUnavailable)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": "demo store: " + err.Error()})
}
