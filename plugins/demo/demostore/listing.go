package demostore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"time"
)

// ListingHandler serves GET /orders: every order of the store as JSON,
// sorted by ID. It is the demo store's own order page, as a real shop has
// its admin: `lunas dev` shows it at /dev/orders without knowing how the
// demo keeps its orders.
func (s *Store) ListingHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		rdb, set, err := s.conn()
		var orders []Order
		if err == nil {
			orders, err = List(r.Context(), rdb, set.Namespace)
		}
		if err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
			return
		}
		_ = json.NewEncoder(w).Encode(orders)
	})
	return mux
}

// serveListing starts the order page on the unix socket at path, once per
// process: a restarted plugin finds its predecessor's socket file and
// replaces it.
func (s *Store) serveListing(path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listing == path {
		return nil
	}
	if s.listing != "" {
		return fmt.Errorf("orders_socket: already serving on %s", s.listing)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("orders_socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("orders_socket: %w", err)
	}
	srv := &http.Server{Handler: s.ListingHandler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("order page stopped", "error", err)
		}
	}()
	s.listing = path
	return nil
}
