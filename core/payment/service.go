package payment

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// Defaults of Config and Route; config.Default* names the same values for
// lunas.hcl.
const (
	// DefaultWindow is how long before a payment an order may have been
	// created and still be paid by it.
	DefaultWindow = 168 * time.Hour
	// DefaultSlack is how long after the end of a mutation's bank date an
	// order may have been created and still be paid by it.
	DefaultSlack = time.Hour
	// DefaultTimeout bounds one plugin call.
	DefaultTimeout = 30 * time.Second
	// DefaultReversalWindow is how long after a payment a debit can reverse it.
	DefaultReversalWindow = 30 * 24 * time.Hour
	// ClaimTimeout is how long a review item stays claimed by a person
	// resolving it; an older claim is taken to be from a process that died.
	ClaimTimeout = 2 * time.Minute
)

// Config configures a Service. Zero values mean the defaults above.
type Config struct {
	Routes  Routes           // required
	Review  core.ReviewStore // required
	Choices Choices          // required
	// Ledger keeps applied payments for reversals. Nil: debits are never
	// taken for reversals.
	Ledger Ledger
	// Rechecks counts re-checks of unmatched payments. Nil, or an empty
	// Recheck schedule: an unmatched payment goes to review at once.
	Rechecks Rechecks
	// Verifier, when set (moota { verify_payments = true }), confirms every
	// new credit through Moota's API before it is matched: one the API does
	// not list as delivered goes to review as unverified.
	Verifier Verifier
	// Recheck is when an unmatched payment is tried again before it goes to
	// review (orders that reach the store after the transfer).
	Recheck []time.Duration
	// ReversalWindow is how long after a payment a debit can reverse it.
	ReversalWindow time.Duration
	// ReversalPatterns are what a debit's description must match to count
	// as a reversal; none: debits are never taken for reversals.
	ReversalPatterns []*regexp.Regexp
	// OnPaid runs after a payment was applied (e.g. to queue write-back to
	// Moota). Its error makes the mutation retry; the payment is not
	// applied twice.
	OnPaid func(ctx context.Context, m *core.Mutation, store string, order sdk.Order) error
	// OnReview runs when a new review item was created (e.g. to notify a
	// chat channel). Its errors are logged, not retried.
	OnReview func(ctx context.Context, item core.ReviewItem) error
	// Health tracks each store's calls; nil means a new one (see Service.Health).
	Health *Health
	// UnreachableAfter is how long a store's calls may fail before each
	// payment waiting for it is raised to review as "store unreachable"
	// (retries go on; the item closes when the payment is applied).
	// Default DefaultUnreachableAfter.
	UnreachableAfter time.Duration
	// Now is the clock; default time.Now.
	Now     func() time.Time
	Logger  hclog.Logger
	Metrics Metrics
}

// Service decides what each mutation does to the stores' orders. It is safe
// for concurrent use.
type Service struct {
	cfg     Config
	log     hclog.Logger
	metrics Metrics
}

// New returns a Service, or an error when a required part is missing.
func New(cfg Config) (*Service, error) {
	switch {
	case cfg.Routes == nil:
		return nil, errors.New("payment: Routes is required")
	case cfg.Review == nil:
		return nil, errors.New("payment: Review is required")
	case cfg.Choices == nil:
		return nil, errors.New("payment: Choices is required")
	}
	if cfg.ReversalWindow <= 0 {
		cfg.ReversalWindow = DefaultReversalWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Health == nil {
		cfg.Health = &Health{}
	}
	if cfg.UnreachableAfter <= 0 {
		cfg.UnreachableAfter = DefaultUnreachableAfter
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = nopMetrics{}
	}
	return &Service{cfg: cfg, log: cfg.Logger.Named("payment"), metrics: cfg.Metrics}, nil
}

// window is the route's order window, defaulted.
func (r Route) window() time.Duration {
	if r.Window <= 0 {
		return DefaultWindow
	}
	return r.Window
}

// Health returns the tracker of the stores' calls.
func (s *Service) Health() *Health { return s.cfg.Health }

// orderWindow is when an order must have been created to be paid by m: at
// most the route's window before the mutation's bank date, and never after
// the money arrived, which the bank tells only to the day: up to the end of
// that day in Asia/Jakarta, plus the route's slack. A mutation without a
// date is placed at now. A replay of an old credit so cannot pay an order
// placed since.
func (s *Service) orderWindow(route Route, m *core.Mutation) core.Window {
	at := m.Date
	if at.IsZero() {
		at = s.cfg.Now()
	}
	day := at.In(core.Jakarta)
	end := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, core.Jakarta)
	slack := route.Slack
	if slack <= 0 {
		slack = DefaultSlack
	}
	return core.Window{Since: at.Add(-route.window()), Until: end.Add(slack)}
}

// call runs one plugin call under the store's timeout and times it.
func (s *Service) call(ctx context.Context, route Route, method string, fn func(context.Context) error) error {
	timeout := route.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	err := fn(ctx)
	s.metrics.Call(route.Name, method, time.Since(start))
	s.cfg.Health.Observe(route.Name, err, s.cfg.Now())
	if err != nil {
		return fmt.Errorf("%s %s: %w", route.Name, method, err)
	}
	return nil
}

// toReview records item for a person and counts the outcome.
func (s *Service) toReview(ctx context.Context, item core.ReviewItem, store, outcome string) error {
	created, err := s.cfg.Review.PutReview(ctx, item)
	if err != nil {
		return sdk.Retryable(err, 0)
	}
	s.metrics.Outcome(store, outcome)
	if created {
		s.metrics.ReviewCreated(string(item.Reason))
		if s.cfg.OnReview != nil {
			if err := s.cfg.OnReview(ctx, item); err != nil {
				s.log.Warn("could not announce the review item", "id", item.ID, "error", err)
			}
		}
	}
	return nil
}
