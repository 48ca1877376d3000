package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/internal/chaos/ledger"
	"github.com/lunas-dev/lunas/sdk"
)

// settings are the plugin's settings in lunas.hcl.
type settings struct {
	RedisAddr string `json:"redis_addr"` // the ledger's Redis; required, and never the queue's
	RedisDB   int    `json:"redis_db"`
	Namespace string `json:"namespace"` // required
	faults
}

// store is the ledger plugin's sdk.Store.
type store struct {
	log hclog.Logger

	mu  sync.RWMutex
	rdb *redis.Client
	led *ledger.Ledger
	set settings
}

var _ sdk.Store = (*store)(nil)

func newStore(log hclog.Logger) *store { return &store{log: log} }

// Configure connects to the ledger's Redis.
func (s *store) Configure(ctx context.Context, req *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	var set settings
	if err := req.Decode(&set); err != nil {
		return nil, err
	}
	switch {
	case set.RedisAddr == "":
		return nil, sdk.Permanentf("settings: redis_addr is required")
	case set.Namespace == "":
		return nil, sdk.Permanentf("settings: namespace is required")
	case set.CrashShare < 0 || set.CrashShare > 1 || set.StormShare < 0 || set.StormShare > 1:
		return nil, sdk.Permanentf("settings: crash_share and storm_share must be between 0 and 1")
	}
	rdb := redis.NewClient(&redis.Options{Addr: set.RedisAddr, DB: set.RedisDB})
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, sdk.Retryable(fmt.Errorf("ledger store: redis at %s: %w", set.RedisAddr, err), 0)
	}
	s.mu.Lock()
	old := s.rdb
	s.rdb, s.led, s.set = rdb, ledger.New(rdb, set.Namespace), set
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return &sdk.ConfigureResponse{}, nil
}

func (s *store) conn() (*ledger.Ledger, settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.led == nil {
		return nil, settings{}, sdk.Permanentf("ledger store is not configured")
	}
	return s.led, s.set, nil
}

// FindOpenOrders returns the unpaid order due exactly req.Amount.
func (s *store) FindOpenOrders(ctx context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	led, set, err := s.conn()
	if err != nil {
		return nil, err
	}
	f, err := set.decide(ctx, led, kindFind, req.Amount.String())
	if err != nil {
		return nil, sdk.Retryable(err, 0)
	}
	if err := s.misbehave(ctx, led, set, f, req.Amount.String()); err != nil {
		return nil, err
	}
	orders, err := led.Open(ctx, req.Amount, req.Since)
	if err != nil {
		return nil, sdk.Retryable(err, 0)
	}
	return &sdk.FindOpenOrdersResponse{Orders: orders}, nil
}

// ApplyPayment books the payment once per idempotency key.
func (s *store) ApplyPayment(ctx context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	led, set, err := s.conn()
	if err != nil {
		return nil, err
	}
	if req.IdempotencyKey == "" {
		return nil, sdk.Permanentf("ledger store: ApplyPayment without an idempotency key")
	}
	id := req.Mutation.Amount.String()
	f, err := set.decide(ctx, led, kindApply, id)
	if err != nil {
		return nil, sdk.Retryable(err, 0)
	}
	if f == crashBefore || f == throttled || f == serverError {
		return nil, s.misbehave(ctx, led, set, f, id)
	}
	resp, err := led.Book(ctx, req.Order.ID, req.IdempotencyKey, req.Mutation)
	if err != nil {
		return nil, sdk.Retryable(err, 0)
	}
	if err := s.misbehave(ctx, led, set, f, id); err != nil {
		return nil, err
	}
	if set.HoldMS > 0 && resp.Outcome == sdk.OutcomePaid {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(set.HoldMS) * time.Millisecond):
		}
	}
	return resp, nil
}

// misbehave carries out the fault f of a call for the payment id: it
// counts it in the ledger, then exits the process or returns the store's
// error. noFault returns nil.
func (s *store) misbehave(ctx context.Context, led *ledger.Ledger, set settings, f fault, id string) error {
	counter := map[fault]string{
		crashBefore: "crashes", crashAfterBook: "crashes_after_booking", throttled: "throttled",
		serverError: "server_errors", serverErrorAfterBook: "server_errors_after_booking",
	}[f]
	if counter == "" {
		return nil
	}
	if err := led.Count(ctx, counter, 1); err != nil {
		return sdk.Retryable(err, 0)
	}
	switch f {
	case crashBefore, crashAfterBook:
		if _, err := led.Crashes(ctx, id, 1); err != nil {
			return sdk.Retryable(err, 0)
		}
		s.log.Warn("crashing on purpose", "payment", id, "fault", counter)
		os.Exit(2)
	case throttled:
		return sdk.Retryable(errors.New("ledger store: 429 Too Many Requests"), set.retryAfter())
	}
	return sdk.Retryable(errors.New("ledger store: 500 Internal Server Error"), set.retryAfter())
}

// Health pings the ledger's Redis.
func (s *store) Health(ctx context.Context, _ *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	s.mu.RLock()
	rdb := s.rdb
	s.mu.RUnlock()
	if rdb == nil {
		return nil, sdk.Permanentf("ledger store is not configured")
	}
	if err := rdb.Ping(ctx).Err(); err != nil {
		return nil, sdk.Retryable(err, 0)
	}
	return &sdk.HealthResponse{Status: "ok", Message: "ledger store"}, nil
}
