// Package shopify is the Lunas store plugin for Shopify, over the Admin
// GraphQL API only. It lists unpaid bank-transfer orders, marks a matched
// order paid with orderMarkAsPaid, and then annotates it: a line appended
// to the note, tags, and the paying mutation's id in the lunas.mutation
// metafield, which is also the idempotency marker. When the bank reverses
// the paying transfer, ReversePayment annotates the order the same way (a
// note line, tags, the lunas.reversed metafield): Shopify offers no API to
// take a recorded payment back, so the merchant refunds or voids it.
package shopify

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/sdk"
)

// Store is a Shopify shop as a Lunas store. Configure it before use. Safe
// for concurrent use.
type Store struct {
	log   hclog.Logger
	state atomic.Pointer[state]
	locks sdk.OrderLocks
}

var _ sdk.Store = (*Store)(nil)

// state is what Configure builds; it is replaced whole, never mutated.
type state struct {
	cfg *config
	api *client
}

// New returns an unconfigured Store that logs to log (nil: no logging).
func New(log hclog.Logger) *Store {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Store{log: log}
}

// Configure validates the settings (see Settings). It makes no request:
// Health checks the connection. A wrong setting is a Permanent error that
// names it.
func (s *Store) Configure(_ context.Context, req *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	cfg, err := parseSettings(req)
	if err != nil {
		return nil, err
	}
	s.state.Store(&state{cfg: cfg, api: newClient(cfg)})
	flow := "access_token"
	if cfg.accessToken == "" {
		flow = "client_credentials"
	}
	s.log.Info("configured", "store", req.StoreName, "shop", cfg.shop, "api_version", cfg.apiVersion,
		"auth", flow, "gateways", cfg.gateways)
	return &sdk.ConfigureResponse{}, nil
}

func (s *Store) configured() (*state, error) {
	st := s.state.Load()
	if st == nil {
		return nil, sdk.Permanentf("shopify: the store is not configured")
	}
	return st, nil
}

var healthQuery = operation{name: "Health", query: `query Health { shop { name } }`}

// Health runs a cheap authenticated query ({ shop { name } }). Failures
// come back as classified errors.
func (s *Store) Health(ctx context.Context, _ *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	st, err := s.configured()
	if err != nil {
		return nil, err
	}
	var out struct {
		Shop struct {
			Name string `json:"name"`
		} `json:"shop"`
	}
	if err := st.api.do(ctx, healthQuery, nil, &out); err != nil {
		return nil, err
	}
	return &sdk.HealthResponse{Status: "ok", Message: fmt.Sprintf("connected to %s (%s, API %s)", out.Shop.Name, st.cfg.shop, st.cfg.apiVersion)}, nil
}

// FindOpenOrders lists unpaid, uncancelled orders created since req.Since
// and placed with one of the configured gateways; with req.Amount set, only
// those due exactly that amount. Every page of results is read.
func (s *Store) FindOpenOrders(ctx context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	st, err := s.configured()
	if err != nil {
		return nil, err
	}
	orders, err := s.findOpenOrders(ctx, st, req)
	if err != nil {
		return nil, err
	}
	return &sdk.FindOpenOrdersResponse{Orders: orders}, nil
}

// ApplyPayment re-reads the order and marks it paid once; see apply.go.
func (s *Store) ApplyPayment(ctx context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	st, err := s.configured()
	if err != nil {
		return nil, err
	}
	return s.applyPayment(ctx, st, req)
}
