package demostore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/go-hclog"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/sdk"
)

// Settings are the demo store's settings in lunas.hcl.
type Settings struct {
	RedisAddr  string `json:"redis_addr"`  // required
	RedisDB    int    `json:"redis_db"`    // default 0
	Namespace  string `json:"namespace"`   // default "lunas:demo:{store}"
	OrdersFile string `json:"orders_file"` // optional seed file
	PaidStatus string `json:"paid_status"` // default "processing"
	// OrdersSocket, if set, is a unix socket path where the store serves
	// its order page (GET /orders, see ListingHandler); `lunas dev` sets it.
	OrdersSocket string `json:"orders_socket"`
}

// Open statuses: the demo follows WooCommerce's bank-transfer flow.
var openStatuses = []string{"on-hold", "pending"}

// Store is the demo store plugin's sdk.Store.
type Store struct {
	log hclog.Logger

	mu      sync.RWMutex
	rdb     *redis.Client
	set     Settings
	listing string // the socket the order page is served on, once started
}

var _ sdk.Store = (*Store)(nil)

// New returns an unconfigured Store.
func New(log hclog.Logger) *Store {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Store{log: log}
}

// Configure connects to Redis and seeds the orders file.
func (s *Store) Configure(ctx context.Context, req *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	var set Settings
	if err := req.Decode(&set); err != nil {
		return nil, err
	}
	if set.RedisAddr == "" {
		return nil, sdk.Permanentf("settings: redis_addr is required")
	}
	if set.Namespace == "" {
		set.Namespace = "lunas:demo:" + req.StoreName
	}
	if set.PaidStatus == "" {
		set.PaidStatus = "processing"
	}
	rdb := redis.NewClient(&redis.Options{Addr: set.RedisAddr, DB: set.RedisDB})
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, sdk.Retryable(fmt.Errorf("demo store: redis at %s: %w", set.RedisAddr, err), 0)
	}
	if set.OrdersFile != "" {
		n, err := Seed(ctx, rdb, set.Namespace, set.OrdersFile)
		if err != nil {
			rdb.Close()
			return nil, sdk.Permanentf("settings: orders_file: %v", err)
		}
		s.log.Info("demo orders seeded", "added", n, "file", set.OrdersFile)
	}
	if set.OrdersSocket != "" {
		if err := s.serveListing(set.OrdersSocket); err != nil {
			rdb.Close()
			return nil, sdk.Permanentf("settings: %v", err)
		}
	}
	s.mu.Lock()
	old := s.rdb
	s.rdb, s.set = rdb, set
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return &sdk.ConfigureResponse{}, nil
}

func (s *Store) conn() (*redis.Client, Settings, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.rdb == nil {
		return nil, Settings{}, sdk.Permanentf("demo store is not configured")
	}
	return s.rdb, s.set, nil
}

// FindOpenOrders lists on-hold and pending orders created since req.Since.
func (s *Store) FindOpenOrders(ctx context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	rdb, set, err := s.conn()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var all []Order
	if req.Amount != 0 {
		all, err = ByAmount(ctx, rdb, set.Namespace, req.Amount)
	} else {
		all, err = List(ctx, rdb, set.Namespace)
	}
	if err != nil {
		return nil, sdk.Retryable(err, 0)
	}
	resp := &sdk.FindOpenOrdersResponse{}
	for _, o := range all {
		if !slices.Contains(openStatuses, o.Status) || o.PaidBy != "" || o.CreatedAt.Before(req.Since) {
			continue
		}
		if req.Amount != 0 && o.Amount != req.Amount {
			continue
		}
		resp.Orders = append(resp.Orders, toSDK(o))
	}
	return resp, nil
}

// ApplyPayment marks the order paid in one optimistic transaction: the order
// is re-read under WATCH, checked, and written only if nobody changed it in
// between, so concurrent workers pay it once.
func (s *Store) ApplyPayment(ctx context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	rdb, set, err := s.conn()
	if err != nil {
		return nil, err
	}
	var resp *sdk.ApplyPaymentResponse
	txf := func(tx *redis.Tx) error {
		o, ok, err := Get(ctx, tx, set.Namespace, req.Order.ID)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			resp = &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "order " + req.Order.ID + " does not exist"}
			return nil
		case o.PaidBy != "":
			resp = &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: o.Status}
			return nil
		case !slices.Contains(openStatuses, o.Status):
			resp = &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "order " + o.Number + " is " + o.Status, Status: o.Status}
			return nil
		case o.Amount != req.Mutation.Amount:
			resp = &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Status: o.Status,
				Reason: fmt.Sprintf("order %s is due %s, the payment is %s", o.Number, o.Amount, req.Mutation.Amount)}
			return nil
		}
		now := timeNow()
		o.Status, o.PaidBy, o.PaidAt = set.PaidStatus, req.Mutation.ID, &now
		o.Writes++
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			b, err := marshalStored(o)
			if err != nil {
				return err
			}
			p.HSet(ctx, Key(set.Namespace), o.ID, b)
			return nil
		})
		if err == nil {
			resp = &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomePaid, Status: o.Status}
		}
		return err
	}
	for range 50 {
		err = rdb.Watch(ctx, txf, Key(set.Namespace))
		if !errors.Is(err, redis.TxFailedErr) {
			break
		}
	}
	if err != nil {
		return nil, sdk.Retryable(fmt.Errorf("demo store: %w", err), 0)
	}
	if resp.Outcome == sdk.OutcomePaid {
		s.log.Info("order paid", "order", req.Order.Number, "mutation_id", req.Mutation.ID, "amount", req.Mutation.Amount.String())
	}
	return resp, nil
}

// Health pings Redis.
func (s *Store) Health(ctx context.Context, _ *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	rdb, _, err := s.conn()
	if err != nil {
		return nil, err
	}
	if err := rdb.Ping(ctx).Err(); err != nil {
		return nil, sdk.Retryable(err, 0)
	}
	return &sdk.HealthResponse{Status: "ok", Message: "demo store"}, nil
}

func toSDK(o Order) sdk.Order {
	return sdk.Order{ID: o.ID, Number: o.Number, Status: o.Status, Amount: o.Amount,
		Currency: o.Currency, CreatedAt: o.CreatedAt, PaidBy: o.PaidBy}
}
