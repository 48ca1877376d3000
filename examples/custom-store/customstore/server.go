package customstore

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/lunas-dev/lunas/plugins/custom/signature"
)

// Config configures a Server. Zero values mean the defaults.
type Config struct {
	// Secret verifies Lunas-Signature; the same string as the plugin's
	// settings.secret. Required, at least 16 characters.
	Secret string
	// Tolerance is how far a signature's time may be from Now. Default 5m.
	Tolerance time.Duration
	// Now is the store's clock. Default time.Now; tests move it to make a
	// correctly signed request stale.
	Now func() time.Time
	// OpenStatuses are the statuses of orders awaiting payment.
	// Default ["pending", "on-hold"].
	OpenStatuses []string
	// PaidStatus is the status a paid order moves to. Default "processing".
	PaidStatus string
	// Log receives one line per refused or failed request. Default: discard.
	Log *slog.Logger
}

// maxBody bounds a request body; Lunas's requests are a few hundred bytes.
const maxBody = 1 << 20

// Server is the example store: an http.Handler serving the contract's
// three paths. It is safe for concurrent use.
type Server struct {
	cfg Config
	mux *http.ServeMux

	mu     sync.Mutex
	orders map[string]*Order
	keys   map[string]string // idempotency key -> order id
	ledger []Payment
	faults []Fault
	nextID int
}

// New returns a Server with no orders.
func New(cfg Config) (*Server, error) {
	if len(cfg.Secret) < 16 {
		return nil, errors.New("customstore: Config.Secret must be at least 16 characters")
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = signature.DefaultTolerance
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if len(cfg.OpenStatuses) == 0 {
		cfg.OpenStatuses = []string{"pending", "on-hold"}
	}
	if cfg.PaidStatus == "" {
		cfg.PaidStatus = "processing"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, orders: map[string]*Order{}, keys: map[string]string{}, nextID: 1001}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /lunas/open-orders", s.openOrders)
	s.mux.HandleFunc("POST /lunas/payments", s.payments)
	s.mux.HandleFunc("GET /lunas/health", s.health)
	return s, nil
}

// ServeHTTP verifies the signature of every request, then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeReason(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	if err := signature.Verify([]byte(s.cfg.Secret), r.Header.Get(signature.Header), body, s.cfg.Now(), s.cfg.Tolerance); err != nil {
		s.cfg.Log.Warn("refused unsigned or badly signed request", "path", r.URL.Path, "remote", r.RemoteAddr, "error", err)
		writeReason(w, http.StatusUnauthorized, err.Error())
		return
	}
	if f, ok := s.takeFault(r.URL.Path); ok {
		f.write(w)
		return
	}
	r.Body = io.NopCloser(bytesReader(body))
	s.mux.ServeHTTP(w, r)
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) isOpen(status string) bool { return slices.Contains(s.cfg.OpenStatuses, status) }
