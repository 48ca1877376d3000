// Package fakeshopify is a faithful fake of the Shopify Admin GraphQL API,
// enough of it to test a payment integration end to end: an httptest TLS
// server that parses and validates GraphQL documents against a slice of the
// real schema, routes them by the fields they ask for, and answers with
// Shopify's shapes, including the traps (orderUpdate overwrites the note,
// orderMarkAsPaid refuses a paid order with a userError, THROTTLED comes as
// HTTP 200, tokens expire).
//
// What it serves: the orders connection (query-string filtering on
// financial_status, status and created_at; cursor pagination; first <= 250),
// order and node by id, orderMarkAsPaid, orderUpdate, tagsAdd,
// metafieldsSet, and shop. Every reply carries extensions.cost from a leaky
// bucket (1000 points, 50 per second by default). Tokens arrive in
// X-Shopify-Access-Token: a static one and/or client-credentials tokens
// granted at /admin/oauth/access_token.
//
// The fake keeps a ledger per order (mark-as-paid calls, note writes, tag
// writes, metafield writes) so tests can assert that a replay wrote nothing.
// All methods are safe for concurrent use.
package fakeshopify

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Options configures a Server. Zero values mean the defaults in brackets.
type Options struct {
	ShopName         string        // shop { name } ["Toko Sari"]
	AccessToken      string        // a static admin token accepted as is [none]
	ClientID         string        // client-credentials app [none]
	ClientSecret     string        //
	TokenTTL         time.Duration // lifetime of granted tokens, sent as expires_in [24h]
	MaximumAvailable float64       // bucket size in cost points [1000]
	RestoreRate      float64       // points restored per second [50]
	Scopes           []string      // granted access scopes [read_orders, write_orders]
}

// Stats counts what the fake answered.
type Stats struct {
	Requests     int  // GraphQL requests received
	Throttled    int  // THROTTLED replies
	Unauthorized int  // HTTP 401 replies
	TokenGrants  int  // client-credentials tokens issued
	LastCost     Cost // extensions.cost of the latest reply that had one
}

// Cost is the extensions.cost block of a reply.
type Cost struct {
	Requested, Actual                    int
	MaximumAvailable, CurrentlyAvailable float64
	RestoreRate                          float64
}

// Server is a running fake Shopify.
type Server struct {
	srv    *httptest.Server
	caFile string
	opts   Options

	mu        sync.Mutex
	orders    map[string]*order
	nextID    int64
	nextName  int
	bucket    bucket
	scopes    map[string]bool
	tokens    map[string]time.Time // granted token -> expiry
	reject    bool                 // every token is refused
	indexLag  bool                 // writes do not reach the search index
	throttleN int                  // next N requests answer THROTTLED
	failures  []queuedFailure
	stats     Stats
}

// New starts a fake Shopify over TLS, stopped when t ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.ShopName == "" {
		opts.ShopName = "Toko Sari"
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 24 * time.Hour
	}
	if opts.MaximumAvailable == 0 {
		opts.MaximumAvailable = 1000
	}
	if opts.RestoreRate == 0 {
		opts.RestoreRate = 50
	}
	if opts.Scopes == nil {
		opts.Scopes = []string{"read_orders", "write_orders"}
	}
	s := &Server{
		opts: opts, orders: map[string]*order{}, nextID: 5000000000, nextName: 1000,
		tokens: map[string]time.Time{},
		bucket: bucket{max: opts.MaximumAvailable, rate: opts.RestoreRate, level: opts.MaximumAvailable, at: time.Now()},
	}
	s.setScopes(opts.Scopes)
	s.srv = httptest.NewTLSServer(s)
	t.Cleanup(s.srv.Close)
	s.caFile = filepath.Join(t.TempDir(), "fakeshopify-ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
	if err := os.WriteFile(s.caFile, cert, 0o600); err != nil {
		t.Fatalf("write fake Shopify CA file: %v", err)
	}
	return s
}

// URL is the base URL that replaces https://{shop} (the base_url setting).
func (s *Server) URL() string { return s.srv.URL }

// CAFile is the path of a PEM file holding the server's certificate (the
// ca_file setting).
func (s *Server) CAFile() string { return s.caFile }

// Client returns an HTTP client that trusts the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// SetAvailable sets the bucket's currently available points, as if other
// calls of the same app had used the rest.
func (s *Server) SetAvailable(points float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bucket.level, s.bucket.at = points, time.Now()
}

// ForceThrottle makes the next n GraphQL requests answer THROTTLED whatever
// the bucket holds (Shopify also throttles on resources besides points);
// the reply reports the bucket's true state.
func (s *Server) ForceThrottle(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttleN = n
}
