// Package fakewoo is a faithful fake of the WooCommerce REST API v3 for
// tests: an httptest server, over TLS or plain HTTP, that encodes the rules
// a WooCommerce client trips over.
//
//   - Orders keep id and number apart, totals are decimal strings, dates
//     come as *_gmt fields without a zone, meta_data merges by key.
//   - PUT applies properties, then the status, then set_paid, which acts
//     only on pending/failed orders. There is no transition guard: a
//     cancelled order accepts "processing", a processing one "on-hold".
//     date_paid is set the way WooCommerce sets it (once, when the order
//     reaches its payment-complete status) and, as in WooCommerce, never
//     cleared: an order moved back to on-hold keeps it. Status changes add
//     WooCommerce's status note, by the key's user (a REST status change is
//     a manual one). AfterUpdate plays another plugin's save hook.
//   - Notes added over REST are WooCommerce's own (author SystemAuthor,
//     "WooCommerce") unless the request says added_by_user, as
//     WC_Order::add_order_note attributes them.
//   - Lists filter by status and date only (never by total or payment
//     method), cap per_page at 100, and send X-WP-Total, X-WP-TotalPages
//     and Link.
//   - Authentication: Basic or query credentials only over TLS, one-legged
//     OAuth 1.0a (HMAC-SHA1/SHA256, timestamp ±15 min, single-use nonces)
//     checked by recomputing the signature, key permissions read, write or
//     read_write; errors are WordPress error bodies.
//   - Faults can be switched on (429 with Retry-After, 5xx, slow answers,
//     failing note posts, answers lost after the request was applied), and
//     a ledger counts API writes and notes per order.
//
// Start one with Start (or New), seed orders with AddOrder, and read them
// back with Order, Notes and Ledger. All methods are safe for concurrent use.
package fakewoo

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

// Default API key, with read_write permission, used when Options.Keys is empty.
const (
	DefaultConsumerKey    = "ck_0123456789abcdef0123456789abcdef01234567"
	DefaultConsumerSecret = "cs_fedcba9876543210fedcba9876543210fedcba98"
)

// Key permissions, as WooCommerce names them.
const (
	Read      = "read"
	Write     = "write"
	ReadWrite = "read_write"
)

// Key is a WooCommerce REST API key.
type Key struct {
	ConsumerKey    string
	ConsumerSecret string
	Permissions    string // Read, Write or ReadWrite
	User           string // the key's user's display name, the author of notes added_by_user and of status changes; "shop-manager" by default
}

// Options configures a Server. The zero value is a plain-HTTP server with
// the default read_write key.
type Options struct {
	TLS  bool  // serve HTTPS with httptest's self-signed certificate
	Keys []Key // API keys; empty means one read_write key (DefaultConsumerKey)
}

// Server is a running fake WooCommerce site.
type Server struct {
	ts  *httptest.Server
	loc *time.Location // the site's timezone (Asia/Jakarta) for non-GMT dates

	mu       sync.Mutex
	keys     map[string]Key
	nonces   map[string]map[string]time.Time // consumer key -> nonce -> timestamp
	orders   map[int64]*record
	nextID   int64
	nextMeta int64
	nextNote int64
	faults   []Fault
	notePost noteFault
	// afterUpdate, when set, runs on each order an update saved.
	afterUpdate func(*Order)
	requests    []string
}

// New starts a fake site; Close stops it.
func New(opts Options) *Server {
	s := &Server{
		loc:      time.FixedZone("WIB", 7*3600),
		keys:     make(map[string]Key),
		nonces:   make(map[string]map[string]time.Time),
		orders:   make(map[int64]*record),
		nextID:   1000,
		nextMeta: 5000,
		nextNote: 9000,
	}
	keys := opts.Keys
	if len(keys) == 0 {
		keys = []Key{{ConsumerKey: DefaultConsumerKey, ConsumerSecret: DefaultConsumerSecret, Permissions: ReadWrite}}
	}
	for _, k := range keys {
		if k.User == "" {
			k.User = "shop-manager"
		}
		s.keys[k.ConsumerKey] = k
	}
	if opts.TLS {
		s.ts = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	} else {
		s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	}
	return s
}

// Start is New with Close registered as tb's cleanup.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s := New(opts)
	tb.Cleanup(s.Close)
	return s
}

// URL is the site address (what a merchant writes as base_url).
func (s *Server) URL() string { return s.ts.URL }

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// CertificatePEM returns the TLS server's certificate in PEM, to be trusted
// as a certificate authority; nil for a plain-HTTP server.
func (s *Server) CertificatePEM() []byte {
	cert := s.ts.Certificate()
	if cert == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// CAFile writes CertificatePEM to a file in tb's temporary directory and
// returns its path, for a plugin's ca_file setting.
func (s *Server) CAFile(tb testing.TB) string {
	tb.Helper()
	b := s.CertificatePEM()
	if b == nil {
		tb.Fatal("fakewoo: CAFile needs a TLS server (Options.TLS)")
	}
	path := filepath.Join(tb.TempDir(), "fakewoo-ca.pem")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// Requests returns "METHOD /path" (no query) of every request served, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}
