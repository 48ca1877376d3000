package main

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/sdk"
)

// Store is the sdk.Store of the sql plugin. It is safe for concurrent use.
type Store struct {
	log hclog.Logger

	mu    sync.RWMutex
	cfg   *config
	q     queries
	conns *pool
}

var _ sdk.Store = (*Store)(nil)

// NewStore returns an unconfigured Store that logs to log.
func NewStore(log hclog.Logger) *Store {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Store{log: log}
}

// Configure validates the settings, connects, and checks that the table
// and columns exist with usable types and that the user may update them.
func (s *Store) Configure(ctx context.Context, req *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	cfg, err := parseSettings(req)
	if err != nil {
		return nil, err
	}
	q := buildQueries(cfg.table, cfg.cols)
	conns := newPool(cfg.conn, cfg.maxConns)
	if err := probe(ctx, conns, cfg, q); err != nil {
		conns.close()
		return nil, err
	}
	s.mu.Lock()
	old := s.conns
	s.cfg, s.q, s.conns = cfg, q, conns
	s.mu.Unlock()
	if old != nil {
		old.close()
	}
	s.log.Info("configured", "store", req.StoreName, "database", cfg.describe(), "table", cfg.table.Sanitize(),
		"open_statuses", cfg.openStatuses, "paid_status", cfg.paidStatus, "max_conns", cfg.maxConns)
	return &sdk.ConfigureResponse{}, nil
}

// probe runs the plugin's queries in a form that touches no row.
func probe(ctx context.Context, conns *pool, cfg *config, q queries) error {
	c, err := conns.acquire(ctx)
	if err != nil {
		return classify(ctx, "connect to PostgreSQL "+cfg.describe(), err)
	}
	defer conns.release(c)
	rows, err := c.Query(ctx, q.probe, cfg.openStatuses, time.Now(), "0")
	if err == nil {
		rows.Close()
		err = rows.Err()
	}
	if err != nil {
		return classify(ctx, "check table "+cfg.table.Sanitize(), err)
	}
	if _, err := c.Exec(ctx, q.probePay, cfg.paidStatus, "probe", "0"); err != nil && !notAnID(err) {
		return classify(ctx, "check that table "+cfg.table.Sanitize()+" can be updated", err)
	}
	return nil
}

// state returns the configuration in force, or a permanent error before Configure.
func (s *Store) state() (*config, queries, *pool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.cfg == nil {
		return nil, queries{}, nil, sdk.Permanentf("the sql store plugin is not configured")
	}
	return s.cfg, s.q, s.conns, nil
}

// Health checks that the database answers and the table is readable.
func (s *Store) Health(ctx context.Context, _ *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	cfg, q, conns, err := s.state()
	if err != nil {
		return nil, err
	}
	c, err := conns.acquire(ctx)
	if err != nil {
		return nil, classify(ctx, "connect to PostgreSQL "+cfg.describe(), err)
	}
	defer conns.release(c)
	rows, err := c.Query(ctx, q.probe, cfg.openStatuses, time.Now(), "0")
	if err == nil {
		rows.Close()
		err = rows.Err()
	}
	if err != nil {
		return nil, classify(ctx, "read table "+cfg.table.Sanitize(), err)
	}
	return &sdk.HealthResponse{Status: "ok", Message: "table " + cfg.table.Sanitize() + " readable on " + cfg.describe()}, nil
}
