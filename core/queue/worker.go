package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

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

// Worker processes mutation tasks: route, match, apply, record for review.
// It is an asynq.Handler and safe for concurrent use.
type Worker struct {
	routes  Routes
	review  core.ReviewStore
	log     hclog.Logger
	metrics *WorkerMetrics
}

var _ asynq.Handler = (*Worker)(nil)

// NewWorker returns a Worker. log and metrics may be nil.
func NewWorker(routes Routes, review core.ReviewStore, log hclog.Logger, metrics *WorkerMetrics) *Worker {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	if metrics == nil {
		metrics = NewWorkerMetrics(nil)
	}
	return &Worker{routes: routes, review: review, log: log.Named("worker"), metrics: metrics}
}

// Outcomes the worker counts, beyond the sdk's.
const (
	outcomeDebit     = "debit_ignored"
	outcomeAmbiguous = "ambiguous"
	outcomeUnmatched = "unmatched"
	outcomeRefused   = "refused"
	outcomeUnrouted  = "unrouted"
)

// ProcessTask handles one mutation task. Business outcomes return nil;
// a retryable store failure returns its error (retried with backoff that
// honours the plugin's suggested delay); a permanent one is wrapped with
// asynq.SkipRetry so the task is archived with the reason.
func (w *Worker) ProcessTask(ctx context.Context, t *asynq.Task) error {
	if t.Type() != TypeMutation {
		return fmt.Errorf("%w: unknown task type %q", asynq.SkipRetry, t.Type())
	}
	p, m, err := decodePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	log := w.log.With("task_id", m.TaskID(), "mutation_id", m.ID, "bank_id", m.BankID, "amount", m.Amount.String())
	route, ok := w.routes.ForBank(m.BankID)
	if !ok {
		log.Warn("no store claims this bank account; recorded for review")
		return w.toReview(ctx, core.NewReviewItem(&m, "", core.ReviewUnrouted, "no store in lunas.hcl lists bank_id "+m.BankID, nil), "", outcomeUnrouted)
	}
	log = log.With("store", route.Name)
	if m.Type != core.Credit {
		log.Debug("debit mutation: never pays an order")
		w.metrics.outcome(route.Name, outcomeDebit)
		return nil
	}
	err = w.pay(ctx, log, route, &m, p)
	if err == nil {
		return nil
	}
	if sdk.IsPermanent(err) {
		log.Error("permanent failure; task archived", "error", err)
		item := core.NewReviewItem(&m, route.Name, core.ReviewFailed, err.Error(), nil)
		if rerr := w.review.PutReview(ctx, item); rerr != nil {
			return rerr
		}
		w.metrics.outcome(route.Name, "failed")
		return fmt.Errorf("%w: %w", asynq.SkipRetry, err)
	}
	class, delay := sdk.ClassOf(err)
	log.Warn("store call failed; will retry", "class", class, "retry_after", delay, "error", err)
	w.metrics.outcome(route.Name, "retry")
	return err
}

func (w *Worker) pay(ctx context.Context, log hclog.Logger, route Route, m *core.Mutation, p payload) error {
	window := route.Window
	if window <= 0 {
		window = 168 * time.Hour
	}
	since := time.Now().Add(-window)
	var found *sdk.FindOpenOrdersResponse
	err := w.call(ctx, route, "FindOpenOrders", func(ctx context.Context) (err error) {
		found, err = route.Store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{
			Amount: m.Amount, Since: since, Hints: core.Hints(m.Description), BankID: m.BankID,
		})
		return err
	})
	if err != nil {
		return err
	}
	match := core.MatchOrders(m.Mutation, found.Orders, since)
	switch match.Kind {
	case core.Unmatched:
		log.Info("no open order has this amount; recorded for review")
		return w.toReview(ctx, core.NewReviewItem(m, route.Name, core.ReviewUnmatched, "no open order of "+m.Amount.String()+" created in the last "+window.String(), nil), route.Name, outcomeUnmatched)
	case core.Ambiguous:
		log.Info("several open orders have this amount; recorded for review", "candidates", len(match.Candidates))
		return w.toReview(ctx, core.NewReviewItem(m, route.Name, core.ReviewAmbiguous, fmt.Sprintf("%d open orders of %s and the description names none of them", len(match.Candidates), m.Amount), match.Candidates), route.Name, outcomeAmbiguous)
	}
	var applied *sdk.ApplyPaymentResponse
	err = w.call(ctx, route, "ApplyPayment", func(ctx context.Context) (err error) {
		applied, err = route.Store.ApplyPayment(ctx, &sdk.ApplyPaymentRequest{Order: match.Order, Mutation: m.Mutation, IdempotencyKey: m.TaskID()})
		return err
	})
	if err != nil {
		return err
	}
	log = log.With("order", match.Order.Number, "order_id", match.Order.ID)
	switch applied.Outcome {
	case sdk.OutcomePaid, sdk.OutcomeAlreadyPaid:
		log.Info("payment applied", "outcome", applied.Outcome, "status", applied.Status, "by_number", match.ByNumber)
		w.metrics.outcome(route.Name, string(applied.Outcome))
		if !p.ReceivedAt.IsZero() {
			w.metrics.toPaid.Observe(time.Since(p.ReceivedAt).Seconds())
		}
		return nil
	case sdk.OutcomeRefused:
		log.Warn("store refused the payment; recorded for review", "reason", applied.Reason)
		return w.toReview(ctx, core.NewReviewItem(m, route.Name, core.ReviewRefused, applied.Reason, []sdk.Order{match.Order}), route.Name, outcomeRefused)
	}
	return sdk.Permanentf("plugin answered ApplyPayment with unknown outcome %q", applied.Outcome)
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
	if err := w.review.PutReview(ctx, item); err != nil {
		return sdk.Retryable(err, 0)
	}
	w.metrics.outcome(store, outcome)
	return nil
}

// RetryDelay is the Asynq RetryDelayFunc: the plugin's suggested delay when
// it gave one (a Retry-After, a throttle budget), else Asynq's exponential
// backoff.
func RetryDelay(n int, err error, t *asynq.Task) time.Duration {
	if _, d := sdk.ClassOf(err); d > 0 {
		return d
	}
	return asynq.DefaultRetryDelayFunc(n, err, t)
}

// IsFailure tells Asynq which errors count as failures in its statistics.
func IsFailure(err error) bool { return err != nil && !errors.Is(err, context.Canceled) }

// WorkerMetrics are the worker's Prometheus series.
type WorkerMetrics struct {
	outcomes *prometheus.CounterVec
	rpc      *prometheus.HistogramVec
	toPaid   prometheus.Histogram
}

// NewWorkerMetrics registers the worker's series with reg (nil: unregistered).
func NewWorkerMetrics(reg prometheus.Registerer) *WorkerMetrics {
	m := &WorkerMetrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lunas_mutations_processed_total", Help: "Mutations processed, by store and outcome.",
		}, []string{"store", "outcome"}),
		rpc: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lunas_plugin_rpc_seconds", Help: "Plugin call latency by store and method.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .1, .5, 1, 5, 30},
		}, []string{"store", "method"}),
		toPaid: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lunas_mutation_to_paid_seconds", Help: "Time from webhook received to order paid.",
			Buckets: []float64{.005, .01, .02, .05, .1, .25, 1, 5, 30, 120, 600},
		}),
	}
	if reg != nil {
		reg.MustRegister(m.outcomes, m.rpc, m.toPaid)
	}
	return m
}

func (m *WorkerMetrics) outcome(store, outcome string) {
	m.outcomes.WithLabelValues(store, outcome).Inc()
}
