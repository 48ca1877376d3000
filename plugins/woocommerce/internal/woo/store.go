// Package woo is the WooCommerce store plugin: a thin client of the
// WooCommerce REST API v3 behind the sdk.Store contract.
//
// Orders paid by bank transfer wait in "on-hold" (the bacs gateway) or
// "pending". ApplyPayment re-reads the order, refuses anything no longer
// payable, and moves it to the configured paid status in one PUT that also
// writes the mutation id as transaction_id and as the _lunas_mutation meta
// (the idempotency marker), then adds exactly one order note.
//
// When the bank reverses the paying transfer, ReversePayment puts the order
// back on-hold with the reversal's id in the _lunas_reversed meta, and adds
// one private note.
package woo

import (
	"context"
	"errors"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/sdk"
)

// Store is the WooCommerce implementation of sdk.Store. It is safe for
// concurrent use; Configure may be called again to replace the settings.
type Store struct {
	log   hclog.Logger
	locks sdk.OrderLocks

	mu     sync.RWMutex
	cfg    *config
	client *client
}

var _ sdk.Store = (*Store)(nil)

// New returns an unconfigured Store that logs to log (nil: no logging).
func New(log hclog.Logger) *Store {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Store{log: log}
}

// Configure validates the settings (see Settings) without calling the
// store; Health checks the credentials. A wrong setting is a permanent
// error naming it.
func (s *Store) Configure(_ context.Context, req *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	cfg, err := parseSettings(req)
	if err != nil {
		return nil, err
	}
	c := newClient(cfg)
	s.mu.Lock()
	s.cfg, s.client = cfg, c
	s.mu.Unlock()
	s.log.Info("configured", "store", req.StoreName, "base_url", cfg.base.String(), "auth", cfg.auth.name(),
		"paid_status", cfg.paidStatus, "timeout", cfg.timeout.String())
	return &sdk.ConfigureResponse{}, nil
}

var errNotConfigured = sdk.Permanent(errors.New("woocommerce plugin called before Configure"))

// current returns the configuration in force.
func (s *Store) current() (*config, *client, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.cfg == nil {
		return nil, nil, errNotConfigured
	}
	return s.cfg, s.client, nil
}
