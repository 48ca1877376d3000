// Package mock holds in-memory fakes of the payment package's interfaces,
// for tests that decide about money without Redis or plugin processes.
// Stores are function fields (set the calls a test needs; a call left nil
// panics, so a test notices a call it did not expect); records are kept in
// maps, safe for concurrent use.
package mock

import (
	"context"
	"sync"
	"time"

	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// Store is an sdk.Store whose calls are function fields.
type Store struct {
	ConfigureFn      func(context.Context, *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error)
	FindOpenOrdersFn func(context.Context, *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error)
	ApplyPaymentFn   func(context.Context, *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error)
	HealthFn         func(context.Context, *sdk.HealthRequest) (*sdk.HealthResponse, error)
}

var _ sdk.Store = (*Store)(nil)

// Configure calls ConfigureFn.
func (s *Store) Configure(ctx context.Context, r *sdk.ConfigureRequest) (*sdk.ConfigureResponse, error) {
	return s.ConfigureFn(ctx, r)
}

// FindOpenOrders calls FindOpenOrdersFn.
func (s *Store) FindOpenOrders(ctx context.Context, r *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	return s.FindOpenOrdersFn(ctx, r)
}

// ApplyPayment calls ApplyPaymentFn.
func (s *Store) ApplyPayment(ctx context.Context, r *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	return s.ApplyPaymentFn(ctx, r)
}

// Health calls HealthFn.
func (s *Store) Health(ctx context.Context, r *sdk.HealthRequest) (*sdk.HealthResponse, error) {
	return s.HealthFn(ctx, r)
}

// ReversingStore is a Store that also implements sdk.Reverser.
type ReversingStore struct {
	Store
	ReversePaymentFn func(context.Context, *sdk.ReversePaymentRequest) (*sdk.ReversePaymentResponse, error)
}

var _ sdk.Reverser = (*ReversingStore)(nil)

// ReversePayment calls ReversePaymentFn.
func (s *ReversingStore) ReversePayment(ctx context.Context, r *sdk.ReversePaymentRequest) (*sdk.ReversePaymentResponse, error) {
	return s.ReversePaymentFn(ctx, r)
}

// Routes maps bank ids to routes.
type Routes map[string]payment.Route

var _ payment.Routes = Routes(nil)

// ForBank returns the route of bankID.
func (r Routes) ForBank(bankID string) (payment.Route, bool) {
	route, ok := r[bankID]
	return route, ok
}

// Choices keeps chosen orders in a map. Err, when set, fails every call.
type Choices struct {
	mu      sync.Mutex
	orders  map[string]sdk.Order
	settled map[string]bool
	Err     error
}

var _ payment.Choices = (*Choices)(nil)

// Chosen returns the order chosen for taskID.
func (c *Choices) Chosen(_ context.Context, taskID string) (sdk.Order, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Err != nil {
		return sdk.Order{}, false, c.Err
	}
	o, ok := c.orders[taskID]
	return o, ok, nil
}

// Choose records order for taskID.
func (c *Choices) Choose(_ context.Context, taskID string, order sdk.Order) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Err != nil {
		return c.Err
	}
	if c.orders == nil {
		c.orders = map[string]sdk.Order{}
	}
	c.orders[taskID] = order
	return nil
}

// Settle marks taskID's choice settled; it stays readable, as it does in
// Redis until SettledTTL ends. Forget models that end.
func (c *Choices) Settle(_ context.Context, taskID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Err != nil {
		return c.Err
	}
	if c.settled == nil {
		c.settled = map[string]bool{}
	}
	c.settled[taskID] = true
	return nil
}

// Settled reports whether taskID's choice was settled.
func (c *Choices) Settled(taskID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.settled[taskID]
}

// Forget drops taskID's choice, as its expiry does.
func (c *Choices) Forget(taskID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.orders, taskID)
}

// Ledger keeps payment records in memory. Err, when set, fails every call.
type Ledger struct {
	mu       sync.Mutex
	records  []payment.Record
	reversed map[string]string
	Err      error
}

var _ payment.Ledger = (*Ledger)(nil)

// Records returns what was recorded, oldest first.
func (l *Ledger) Records() []payment.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]payment.Record(nil), l.records...)
}

// Record adds rec, replacing an earlier record of the same task.
func (l *Ledger) Record(_ context.Context, rec payment.Record, _ time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Err != nil {
		return l.Err
	}
	for i, r := range l.records {
		if r.TaskID == rec.TaskID {
			l.records[i] = rec
			return nil
		}
	}
	l.records = append(l.records, rec)
	return nil
}

// Reversible returns the matching records paid within window, newest first.
func (l *Ledger) Reversible(_ context.Context, bankID string, amount sdk.Amount, now time.Time, window time.Duration) ([]payment.Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Err != nil {
		return nil, l.Err
	}
	var out []payment.Record
	for i := len(l.records) - 1; i >= 0; i-- {
		r := l.records[i]
		if r.Mutation.BankID == bankID && r.Mutation.Amount == amount && !r.PaidAt.Before(now.Add(-window)) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Applied returns the first recorded payment of the mutation.
func (l *Ledger) Applied(_ context.Context, bankID, mutationID string) (payment.Applied, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Err != nil {
		return payment.Applied{}, false, l.Err
	}
	for _, r := range l.records {
		if r.Mutation.BankID == bankID && r.Mutation.ID == mutationID {
			return payment.Applied{Store: r.Store, OrderID: r.Order.ID, OrderNumber: r.Order.Number, Amount: r.Mutation.Amount, Type: r.Mutation.Type, At: r.PaidAt,
				ReceivedAt: r.ReceivedAt.Truncate(time.Millisecond)}, true, nil
		}
	}
	return payment.Applied{}, false, nil
}

// ReversedBy returns who reversed the credit.
func (l *Ledger) ReversedBy(_ context.Context, creditTaskID string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Err != nil {
		return "", l.Err
	}
	return l.reversed[creditTaskID], nil
}

// ClaimReversal claims the credit for reversalID once.
func (l *Ledger) ClaimReversal(_ context.Context, creditTaskID, reversalID string, _ time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Err != nil {
		return false, l.Err
	}
	if l.reversed == nil {
		l.reversed = map[string]string{}
	}
	if by, ok := l.reversed[creditTaskID]; ok {
		return by == reversalID, nil
	}
	l.reversed[creditTaskID] = reversalID
	return true, nil
}

// Rechecks counts in memory. Err, when set, fails every call.
type Rechecks struct {
	mu     sync.Mutex
	counts map[string]int
	Err    error
}

var _ payment.Rechecks = (*Rechecks)(nil)

// Next increments and returns taskID's count.
func (r *Rechecks) Next(_ context.Context, taskID string, _ time.Duration) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return 0, r.Err
	}
	if r.counts == nil {
		r.counts = map[string]int{}
	}
	r.counts[taskID]++
	return r.counts[taskID], nil
}
