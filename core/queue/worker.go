package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// Route is a store as the worker sees it.
type Route struct {
	Name    string        // the store's name in lunas.hcl
	Store   sdk.Store     // the plugin
	Window  time.Duration // how far back an order may have been created; default 168h
	Timeout time.Duration // per plugin call; default 30s
}

// Routes finds the store that owns a bank account.
type Routes interface {
	ForBank(bankID string) (Route, bool)
}

// WorkerConfig configures a Worker. Zero values mean the defaults.
type WorkerConfig struct {
	Routes Routes           // required
	Review core.ReviewStore // required
	Redis  redis.UniversalClient
	// Ack is how many Redis replicas must have the worker's choice of order
	// before it pays that order: after a failover that lost the choice, a
	// retry would no longer find the (now paid) order open and would send
	// the payment to review instead of confirming it.
	Ack ReplicaAck
	// Recheck is when an unmatched payment is tried again before it goes to
	// review (orders that reach the store after the transfer). Empty: at once.
	Recheck []time.Duration
	// ReversalWindow is how long after a payment a debit can reverse it; default 30 days.
	ReversalWindow time.Duration
	// ReversalPatterns are what a debit's description must match to count as
	// a reversal; none: debits are never taken for reversals.
	ReversalPatterns []*regexp.Regexp
	// OnPaid runs after a payment was applied (e.g. to enqueue write-back to
	// Moota). Its error makes the task retry; the payment is not applied twice.
	OnPaid func(ctx context.Context, m *core.Mutation, store string, order sdk.Order) error
	// OnReview runs when a new review item was created (e.g. to notify a
	// chat channel). Errors are logged, not retried.
	OnReview func(ctx context.Context, item core.ReviewItem) error
	Logger   hclog.Logger
	Metrics  *WorkerMetrics
}

// Worker processes mutation tasks: route, match, apply, record for review,
// and recognise bank reversals. It is an asynq.Handler and safe for
// concurrent use.
type Worker struct {
	cfg      WorkerConfig
	payments *Payments
	log      hclog.Logger
	metrics  *WorkerMetrics
}

var _ asynq.Handler = (*Worker)(nil)

// NewWorker returns a Worker.
func NewWorker(cfg WorkerConfig) *Worker {
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewWorkerMetrics(nil)
	}
	if cfg.ReversalWindow <= 0 {
		cfg.ReversalWindow = 30 * 24 * time.Hour
	}
	w := &Worker{cfg: cfg, log: cfg.Logger.Named("worker"), metrics: cfg.Metrics}
	if cfg.Redis != nil {
		w.payments = NewPayments(cfg.Redis)
	}
	return w
}

// Outcomes the worker counts, beyond the sdk's.
const (
	outcomeDebit     = "debit_ignored"
	outcomeAmbiguous = "ambiguous"
	outcomeUnmatched = "unmatched"
	outcomeRecheck   = "recheck"
	outcomeRefused   = "refused"
	outcomeUnrouted  = "unrouted"
	outcomeReversed  = "reversed"
)

// errRecheck marks the retry of an unmatched payment waiting for its order.
var errRecheck = errors.New("unmatched: no open order yet")

// ProcessTask handles one mutation task. Business outcomes return nil;
// a retryable store failure returns its error (retried with backoff that
// honours the plugin's suggested delay); a permanent one is wrapped with
// asynq.SkipRetry so the task is archived with the reason, and recorded
// for review.
func (w *Worker) ProcessTask(ctx context.Context, t *asynq.Task) error {
	if t.Type() != TypeMutation {
		return fmt.Errorf("%w: unknown task type %q", asynq.SkipRetry, t.Type())
	}
	p, m, err := decodePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	log := w.log.With("task_id", m.TaskID(), "mutation_id", m.ID, "bank_id", m.BankID, "amount", m.Amount.String(), "type", m.Type)
	route, ok := w.cfg.Routes.ForBank(m.BankID)
	if !ok {
		log.Warn("no store claims this bank account; recorded for review")
		return w.toReview(ctx, core.NewReviewItem(&m, "", core.ReviewUnrouted, "no store in lunas.hcl lists bank_id "+m.BankID, nil), "", outcomeUnrouted)
	}
	log = log.With("store", route.Name)
	if m.Type == core.Credit {
		err = w.pay(ctx, log, route, &m, p)
	} else {
		err = w.debit(ctx, log, route, &m)
	}
	if err == nil || errors.Is(err, errRecheck) {
		return err
	}
	if sdk.IsPermanent(err) {
		log.Error("permanent failure; task archived", "error", err)
		if rerr := w.toReview(ctx, core.NewReviewItem(&m, route.Name, core.ReviewFailed, err.Error(), nil), route.Name, "failed"); rerr != nil {
			return rerr
		}
		return fmt.Errorf("%w: %w", asynq.SkipRetry, err)
	}
	class, delay := sdk.ClassOf(err)
	log.Warn("store call failed; will retry", "class", class, "retry_after", delay, "error", err)
	w.metrics.outcome(route.Name, "retry")
	return err
}

func matchKey(taskID string) string   { return "lunas:match:" + taskID }
func recheckKey(taskID string) string { return "lunas:recheck:" + taskID }

func (w *Worker) pay(ctx context.Context, log hclog.Logger, route Route, m *core.Mutation, p payload) error {
	window := route.Window
	if window <= 0 {
		window = 168 * time.Hour
	}
	order, found, err := w.stickyMatch(ctx, m)
	if err != nil {
		return sdk.Retryable(err, 0)
	}
	byNumber := false
	if !found {
		since := time.Now().Add(-window)
		var resp *sdk.FindOpenOrdersResponse
		err := w.call(ctx, route, "FindOpenOrders", func(ctx context.Context) (err error) {
			resp, err = route.Store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{
				Amount: m.Amount, Since: since, Hints: core.Hints(m.Description), BankID: m.BankID,
			})
			return err
		})
		if err != nil {
			return err
		}
		match := core.MatchOrders(m.Mutation, resp.Orders, since)
		switch match.Kind {
		case core.Unmatched:
			return w.unmatched(ctx, log, route, m, window)
		case core.Ambiguous:
			log.Info("several open orders have this amount; recorded for review", "candidates", len(match.Candidates))
			return w.toReview(ctx, core.NewReviewItem(m, route.Name, core.ReviewAmbiguous, fmt.Sprintf("%d open orders of %s and the description names none of them", len(match.Candidates), m.Amount), match.Candidates), route.Name, outcomeAmbiguous)
		}
		order, byNumber = match.Order, match.ByNumber
		// Remember the choice before touching the store: if ApplyPayment
		// half-succeeds (status changed, note failed), the retry must go to
		// the same order, which is no longer listed as open.
		if err := w.remember(ctx, m, order); err != nil {
			return sdk.Retryable(err, 0)
		}
	}
	applied, err := w.Apply(ctx, route, m, order)
	if err != nil {
		return err
	}
	log = log.With("order", order.Number, "order_id", order.ID)
	switch applied.Outcome {
	case sdk.OutcomePaid, sdk.OutcomeAlreadyPaid:
		log.Info("payment applied", "outcome", applied.Outcome, "status", applied.Status, "by_number", byNumber)
		w.metrics.outcome(route.Name, string(applied.Outcome))
		if applied.Outcome == sdk.OutcomePaid && !p.ReceivedAt.IsZero() {
			w.metrics.toPaid.Observe(time.Since(p.ReceivedAt).Seconds())
		}
		return w.afterPaid(ctx, route, m, order)
	case sdk.OutcomeRefused:
		log.Warn("store refused the payment; recorded for review", "reason", applied.Reason)
		return w.toReview(ctx, core.NewReviewItem(m, route.Name, core.ReviewRefused, applied.Reason, []sdk.Order{order}), route.Name, outcomeRefused)
	}
	return sdk.Permanentf("plugin answered ApplyPayment with unknown outcome %q", applied.Outcome)
}

// Apply asks the store to apply m to order with the mutation's task id as
// idempotency key: the same call the review inbox makes when a person
// resolves an item, so both paths are idempotent together.
func (w *Worker) Apply(ctx context.Context, route Route, m *core.Mutation, order sdk.Order) (*sdk.ApplyPaymentResponse, error) {
	var applied *sdk.ApplyPaymentResponse
	err := w.call(ctx, route, "ApplyPayment", func(ctx context.Context) (err error) {
		applied, err = route.Store.ApplyPayment(ctx, &sdk.ApplyPaymentRequest{Order: order, Mutation: m.Mutation, IdempotencyKey: m.TaskID()})
		return err
	})
	return applied, err
}

func (w *Worker) afterPaid(ctx context.Context, route Route, m *core.Mutation, order sdk.Order) error {
	if w.payments != nil {
		if err := w.payments.Record(ctx, m, route.Name, order, w.cfg.ReversalWindow); err != nil {
			return sdk.Retryable(fmt.Errorf("record payment: %w", err), 0)
		}
	}
	if w.cfg.OnPaid != nil {
		if err := w.cfg.OnPaid(ctx, m, route.Name, order); err != nil {
			return sdk.Retryable(fmt.Errorf("after payment: %w", err), 0)
		}
	}
	return nil
}

// unmatched retries the payment on the recheck schedule, then records it for review.
func (w *Worker) unmatched(ctx context.Context, log hclog.Logger, route Route, m *core.Mutation, window time.Duration) error {
	if w.cfg.Redis != nil && len(w.cfg.Recheck) > 0 {
		ttl := 24 * time.Hour
		for _, d := range w.cfg.Recheck {
			ttl += d
		}
		n, err := w.cfg.Redis.Incr(ctx, recheckKey(m.TaskID())).Result()
		if err != nil {
			return sdk.Retryable(err, 0)
		}
		w.cfg.Redis.Expire(ctx, recheckKey(m.TaskID()), ttl)
		if int(n) <= len(w.cfg.Recheck) {
			delay := w.cfg.Recheck[n-1]
			log.Info("no open order has this amount yet; will look again", "in", delay, "recheck", n)
			w.metrics.outcome(route.Name, outcomeRecheck)
			return sdk.Retryable(fmt.Errorf("%w: looking again in %s (recheck %d of %d)", errRecheck, delay, n, len(w.cfg.Recheck)), delay)
		}
	}
	log.Info("no open order has this amount; recorded for review")
	return w.toReview(ctx, core.NewReviewItem(m, route.Name, core.ReviewUnmatched, "no open order of "+m.Amount.String()+" created in the last "+window.String(), nil), route.Name, outcomeUnmatched)
}

func (w *Worker) stickyMatch(ctx context.Context, m *core.Mutation) (sdk.Order, bool, error) {
	if w.cfg.Redis == nil {
		return sdk.Order{}, false, nil
	}
	b, err := w.cfg.Redis.Get(ctx, matchKey(m.TaskID())).Bytes()
	if errors.Is(err, redis.Nil) {
		return sdk.Order{}, false, nil
	}
	if err != nil {
		return sdk.Order{}, false, err
	}
	var o sdk.Order
	if err := json.Unmarshal(b, &o); err != nil {
		return sdk.Order{}, false, err
	}
	return o, true, nil
}

func (w *Worker) remember(ctx context.Context, m *core.Mutation, o sdk.Order) error {
	if w.cfg.Redis == nil {
		return nil
	}
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return w.cfg.Ack.setAcked(ctx, w.cfg.Redis, matchKey(m.TaskID()), b, Retention)
}

// call runs one plugin call under the store's timeout and times it.
func (w *Worker) call(ctx context.Context, route Route, method string, fn func(context.Context) error) error {
	timeout := route.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	err := fn(ctx)
	w.metrics.rpc.WithLabelValues(route.Name, method).Observe(time.Since(start).Seconds())
	if err != nil {
		return fmt.Errorf("%s %s: %w", route.Name, method, err)
	}
	return nil
}

func (w *Worker) toReview(ctx context.Context, item core.ReviewItem, store, outcome string) error {
	created, err := w.cfg.Review.PutReview(ctx, item)
	if err != nil {
		return sdk.Retryable(err, 0)
	}
	w.metrics.outcome(store, outcome)
	if created {
		w.metrics.review.WithLabelValues(string(item.Reason)).Inc()
		if w.cfg.OnReview != nil {
			if err := w.cfg.OnReview(ctx, item); err != nil {
				w.log.Warn("could not announce the review item", "id", item.ID, "error", err)
			}
		}
	}
	return nil
}

// RetryDelay is the Asynq RetryDelayFunc: the plugin's suggested delay when
// it gave one (a Retry-After, a throttle budget, a recheck), else Asynq's
// exponential backoff.
func RetryDelay(n int, err error, t *asynq.Task) time.Duration {
	if errors.Is(err, asynq.ErrLeaseExpired) {
		// The worker that held the task died (or a failover lost its state):
		// nothing failed, the payment just waits. Retry at once; applying it
		// is idempotent.
		return time.Second
	}
	if _, d := sdk.ClassOf(err); d > 0 {
		// Asynq keeps retry times in whole seconds (rounded down), which
		// could run a retry up to a second before the store asked: add one.
		return d + time.Second
	}
	return asynq.DefaultRetryDelayFunc(n, err, t)
}

// IsFailure tells Asynq which errors count as failures in its statistics:
// waiting for a late order is not one.
func IsFailure(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, errRecheck)
}

// WorkerMetrics are the worker's Prometheus series.
type WorkerMetrics struct {
	outcomes *prometheus.CounterVec
	review   *prometheus.CounterVec
	rpc      *prometheus.HistogramVec
	toPaid   prometheus.Histogram
}

// NewWorkerMetrics registers the worker's series with reg (nil: unregistered).
func NewWorkerMetrics(reg prometheus.Registerer) *WorkerMetrics {
	m := &WorkerMetrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lunas_mutations_processed_total", Help: "Mutations processed, by store and outcome.",
		}, []string{"store", "outcome"}),
		review: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lunas_review_items_created_total", Help: "New review items, by reason.",
		}, []string{"reason"}),
		rpc: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lunas_plugin_rpc_seconds", Help: "Plugin call latency by store and method.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .1, .5, 1, 5, 30},
		}, []string{"store", "method"}),
		toPaid: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lunas_mutation_to_paid_seconds", Help: "Time from webhook received to order paid.",
			Buckets: []float64{.005, .01, .02, .05, .1, .25, 1, 5, 30, 120, 600, 3600, 10800},
		}),
	}
	if reg != nil {
		reg.MustRegister(m.outcomes, m.review, m.rpc, m.toPaid)
	}
	return m
}

func (m *WorkerMetrics) outcome(store, outcome string) {
	m.outcomes.WithLabelValues(store, outcome).Inc()
}
