// Package ops is the admin listener's HTTP handler: asynqmon at /monitoring/,
// Prometheus metrics at /metrics, readiness at /readyz and the admin API
// under /api/, all behind one basic-auth login and one Guard (cross-site
// writes, DNS rebinding, framing; see Guard).
//
// The admin listener is for operators, never for the public: serve it on a
// loopback or private address. The caller starts and stops the server; this
// package only builds the handler.
package ops

import (
	"context"
	"errors"
	"net/http"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
)

// MonitoringPath is where asynqmon is served.
const MonitoringPath = "/monitoring"

// Config configures the admin handler. Zero values mean the documented default.
type Config struct {
	// Username and Password turn on basic auth for every route, with a
	// backoff on wrong passwords per client address. Both empty means no
	// auth, which is only acceptable on a loopback listener, and then any
	// Host but a loopback name is refused (DNS rebinding); one without the
	// other is an error.
	Username, Password string
	// RedisOpt is the queue's Redis, for asynqmon. Required.
	RedisOpt asynq.RedisConnOpt
	// Redis answers /readyz's PING. Nil means a client made from RedisOpt,
	// which Close closes.
	Redis redis.UniversalClient
	// Review is the review inbox behind /api/review. Nil leaves the routes out.
	Review Inbox
	// Replayer runs archived tasks again (POST /api/replay). Nil leaves the route out.
	Replayer Replayer
	// Deliveries reads the newest delivery records (GET /api/deliveries).
	// Nil leaves the route out.
	Deliveries Deliveries
	// Registry is what /metrics exposes. Nil means a new registry with the
	// Go runtime and process collectors.
	Registry *prometheus.Registry
	// Ready is an extra readiness check (plugins healthy, for instance) run
	// after Redis answers; a non-nil error makes /readyz answer 503 with it,
	// so it must not contain a secret. Nil means none.
	Ready func(ctx context.Context) error
	// Logger receives failed logins and failed requests. Nil discards them.
	Logger hclog.Logger

	// Stores names the configured stores, for the console's store filter and
	// the overview's queues: a queue "store:X" whose X is not listed is an
	// orphan that no worker drains. Nil means none.
	Stores []string
	// StoreHealth tells the console's overview which stores' calls are
	// failing and since when. Nil makes that section say "not available".
	StoreHealth StoreHealth
	// Payments counts applied payments for the overview. Nil makes that
	// section say "not available".
	Payments PaymentStats
	// OrderURL, when set, gives the address of an order's page in its
	// store's admin, which the console links a candidate order to; ""
	// means no link. Nil means no links.
	OrderURL func(store string, order core.OrderRef) string
}

// Handler serves the admin routes. It is safe for concurrent use.
type Handler struct {
	handler http.Handler
	closers []func() error
}

var _ http.Handler = (*Handler)(nil)

// ServeHTTP serves one admin request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.handler.ServeHTTP(w, r) }

// NewHandler builds the admin handler. It connects to nothing until a
// request arrives. Close it when the server has stopped.
func NewHandler(cfg Config) (*Handler, error) {
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, errors.New("ops: set both admin username and password, or neither")
	}
	if cfg.RedisOpt == nil {
		return nil, errors.New("ops: RedisOpt is required")
	}
	// asynqmon panics on a connection option that makes no go-redis client.
	rc, ok := cfg.RedisOpt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, errors.New("ops: RedisOpt does not make a go-redis client")
	}
	h := &Handler{}
	if cfg.Redis == nil {
		cfg.Redis = rc
		h.closers = append(h.closers, rc.Close)
	} else {
		_ = rc.Close()
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
		cfg.Registry.MustRegister(
			collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		)
	}
	monitor := asynqmon.New(asynqmon.Options{RootPath: MonitoringPath, RedisConnOpt: cfg.RedisOpt})
	h.closers = append(h.closers, monitor.Close)

	var inner http.Handler = routes(cfg, monitor)
	if cfg.Username != "" {
		inner = newBasicAuth(cfg.Username, cfg.Password, cfg.Logger, inner)
	}
	// Without a login the listener is loopback-only (config refuses
	// otherwise), so any other Host is a DNS-rebinding page.
	guard := &Guard{LoopbackHostOnly: cfg.Username == ""}
	h.handler = guard.Wrap(inner)
	return h, nil
}

// Close releases the Redis connections the handler opened.
func (h *Handler) Close() error {
	var errs []error
	for _, c := range h.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}
