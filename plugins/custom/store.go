package main

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/sdk"
)

// The contract's paths, relative to settings.base_url.
const (
	pathOpenOrders = "/lunas/open-orders"
	pathPayments   = "/lunas/payments"
	pathHealth     = "/lunas/health"
)

// Store is the sdk.Store of the custom plugin: each call becomes one signed
// HTTP request to the store. It is safe for concurrent use.
type Store struct {
	log    hclog.Logger
	client atomic.Pointer[client]
}

var _ sdk.Store = (*Store)(nil)

// NewStore returns an unconfigured Store that logs to log.
func NewStore(log hclog.Logger) *Store {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Store{log: log}
}

// Configure validates the settings (see Settings). It does not call the
// store: Health does, so that `lunas check` reports an unreachable store
// separately from a wrong setting.
func (s *Store) Configure(_ context.Context, req *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	cfg, err := parseSettings(req)
	if err != nil {
		return nil, err
	}
	if u, _ := url.Parse(cfg.base); u.Scheme == "http" && !isLoopback(u.Hostname()) {
		s.log.Warn("settings.base_url uses plain http: payment data travels unencrypted; use https unless the whole network path is private",
			"store", req.StoreName)
	}
	s.client.Store(newClient(cfg, s.log.With("store", req.StoreName)))
	s.log.Info("configured", "store", req.StoreName, "base_url", cfg.base, "timeout", cfg.timeout.String(),
		"extra_headers", len(cfg.headers), "custom_ca", cfg.tls != nil)
	return &sdk.ConfigureResponse{}, nil
}

// isLoopback reports whether host names this machine, where plain http
// never leaves the box.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Store) configured() (*client, error) {
	c := s.client.Load()
	if c == nil {
		return nil, sdk.Permanentf("the custom store plugin is not configured")
	}
	return c, nil
}

// Health calls GET /lunas/health, which proves the address, the network
// path, the extra headers and the secret all work.
func (s *Store) Health(ctx context.Context, _ *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	c, err := s.configured()
	if err != nil {
		return nil, err
	}
	r, err := c.do(ctx, http.MethodGet, pathHealth, nil, nil)
	if err != nil {
		return nil, err
	}
	if r.status != http.StatusOK {
		return nil, statusError("health check", r, c.now())
	}
	return &sdk.HealthResponse{Status: "ok", Message: "store answered " + pathHealth}, nil
}
