package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// TypeReconcile is the periodic task that lists recent credits in Moota
// and queues those no webhook delivered.
const TypeReconcile = "moota:reconcile"

// ReconcileWebhook is the webhook name recorded in the payload of a
// mutation that reconciliation found.
const ReconcileWebhook = "reconcile"

// DefaultLookback is how far back the periodic reconciliation looks when
// Reconciler.Lookback is zero.
const DefaultLookback = 48 * time.Hour

// MaxLookback is the furthest back reconciliation may look. A mutation's
// Seen record is kept for Retention (14 days) after its task ran; a
// mutation older than that would not be recognised as a duplicate (the
// applied-payment record still keeps it from paying a second order, but
// it would open a review item again). Two days of
// margin cover whole-day date filters and time zones.
const MaxLookback = Retention - 48*time.Hour

// reconcileProgressEvery is how often (in mutations) Run reports progress
// within a bank: about one page of the Moota client's default size.
const reconcileProgressEvery = 100

// NewReconcileTask returns the periodic reconciliation task, for the
// scheduler: in MootaQueue, retried twice at most (the next period runs
// anyway), and dropped when done.
func NewReconcileTask() *asynq.Task {
	return asynq.NewTask(TypeReconcile, nil, asynq.Queue(MootaQueue), asynq.MaxRetry(2), asynq.Timeout(15*time.Minute))
}

// Reconciler catches the webhooks Moota never delivered: it lists the
// credit mutations of each bank account in Moota's API and enqueues every
// one of them. The mutation's TaskID makes those already delivered by
// webhook (or by an earlier run) duplicates, so a payment is never applied
// twice. It is an asynq.Handler for TypeReconcile and safe for concurrent
// use (concurrent runs only find more duplicates).
type Reconciler struct {
	API   core.MootaAPI // required
	Queue core.Queue    // required
	// BankIDs are the bank accounts to list; empty: every account API.BankIDs reports.
	BankIDs []string
	// Lookback is how far back the periodic task looks; default DefaultLookback, at most MaxLookback.
	Lookback time.Duration
	Logger   hclog.Logger
}

var _ asynq.Handler = (*Reconciler)(nil)

// BankResult counts what reconciliation found in one bank account.
type BankResult struct {
	BankID     string
	Seen       int   // mutations Moota listed
	Enqueued   int   // new to Lunas: queued for processing
	Duplicates int   // already known (delivered by webhook or an earlier run)
	Bad        int   // not parsable as a mutation: skipped
	Err        error // why listing this bank stopped early, if it did
}

// Progress reports a bank's counts so far; Done is set once the bank is finished.
type Progress struct {
	BankResult
	Done bool
}

// Result is the outcome of one reconciliation run, bank by bank.
type Result struct {
	From, To time.Time // the dates listed (Asia/Jakarta)
	Banks    []BankResult
}

// Totals adds up the banks.
func (r Result) Totals() BankResult {
	var t BankResult
	for _, b := range r.Banks {
		t.Seen += b.Seen
		t.Enqueued += b.Enqueued
		t.Duplicates += b.Duplicates
		t.Bad += b.Bad
	}
	return t
}

// Run lists every credit mutation of each bank dated from since to today
// (Asia/Jakarta dates) and enqueues it. progress (may be nil) is called
// about once per page and when each bank is done. A bank that fails does
// not stop the others; the error returned joins every bank's error and is
// permanent only if all of them are. since must be within MaxLookback.
func (r *Reconciler) Run(ctx context.Context, since time.Time, progress func(Progress)) (Result, error) {
	return r.run(ctx, time.Now(), since, progress)
}

func (r *Reconciler) run(ctx context.Context, now, since time.Time, progress func(Progress)) (Result, error) {
	if since.Before(now.Add(-MaxLookback)) {
		return Result{}, sdk.Permanentf("reconcile: cannot look back further than %s (since %s): Lunas remembers delivered mutations for %s, an older one could pay a second order",
			MaxLookback, since.Format(time.RFC3339), Retention)
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	log := r.logger()
	res := Result{From: since.In(core.Jakarta), To: now.In(core.Jakarta)}
	banks := r.BankIDs
	if len(banks) == 0 {
		var err error
		if banks, err = r.API.BankIDs(ctx); err != nil {
			return res, fmt.Errorf("reconcile: list bank accounts: %w", err)
		}
	}
	var errs []error
	permanent := true
	for _, bank := range banks {
		b := r.bank(ctx, log, bank, res.From, res.To, progress)
		res.Banks = append(res.Banks, b)
		if b.Err != nil {
			errs = append(errs, b.Err)
			permanent = permanent && sdk.IsPermanent(b.Err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 0 {
		return res, nil
	}
	err := errors.Join(errs...)
	if permanent {
		return res, sdk.Permanent(err)
	}
	return res, sdk.Retryable(err, 0)
}

// bank reconciles one bank account.
func (r *Reconciler) bank(ctx context.Context, log hclog.Logger, bank string, from, to time.Time, progress func(Progress)) BankResult {
	b := BankResult{BankID: bank}
	err := r.API.Mutations(ctx, bank, from, to, func(raw json.RawMessage) error {
		if err := r.enqueue(ctx, log, &b, raw); err != nil {
			return err
		}
		if b.Seen%reconcileProgressEvery == 0 {
			progress(Progress{BankResult: b})
		}
		return nil
	})
	if err != nil {
		b.Err = fmt.Errorf("reconcile bank %s: %w", bank, err)
		log.Error("reconciliation of a bank account stopped", "bank_id", bank, "error", err)
	}
	progress(Progress{BankResult: b, Done: true})
	return b
}

// enqueue parses one listed mutation and queues it, counting the outcome in b.
func (r *Reconciler) enqueue(ctx context.Context, log hclog.Logger, b *BankResult, raw json.RawMessage) error {
	b.Seen++
	m, err := core.ParseMutation(raw)
	if err != nil {
		// The error names the mutation and the field, never bank.meta.
		b.Bad++
		log.Warn("skipping a mutation Moota listed that Lunas cannot read", "bank_id", b.BankID, "error", err)
		return nil
	}
	dup, err := r.Queue.EnqueueMutation(ctx, ReconcileWebhook, &m)
	if err != nil {
		return sdk.Retryable(fmt.Errorf("enqueue mutation %s: %w", m.ID, err), 0)
	}
	if dup {
		b.Duplicates++
		return nil
	}
	b.Enqueued++
	log.Info("found a mutation no webhook delivered; queued it", "bank_id", b.BankID, "mutation_id", m.ID, "amount", m.Amount.String())
	return nil
}

// ProcessTask runs the periodic reconciliation over the last Lookback.
// Permanent failures (a revoked token, an unknown bank) are archived with
// SkipRetry; others are retried, though the next period runs anyway.
func (r *Reconciler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	if t.Type() != TypeReconcile {
		return fmt.Errorf("%w: unknown task type %q", asynq.SkipRetry, t.Type())
	}
	lookback := r.Lookback
	if lookback <= 0 {
		lookback = DefaultLookback
	}
	now := time.Now()
	res, err := r.run(ctx, now, now.Add(-min(lookback, MaxLookback)), nil)
	tot := res.Totals()
	r.logger().Info("reconciliation done", "banks", len(res.Banks), "seen", tot.Seen, "enqueued", tot.Enqueued,
		"duplicates", tot.Duplicates, "bad", tot.Bad, "from", res.From.Format(time.DateOnly), "to", res.To.Format(time.DateOnly))
	if err != nil && sdk.IsPermanent(err) {
		return fmt.Errorf("%w: %w", asynq.SkipRetry, err)
	}
	return err
}

func (r *Reconciler) logger() hclog.Logger {
	if r.Logger == nil {
		return hclog.NewNullLogger()
	}
	return r.Logger.Named("reconcile")
}
