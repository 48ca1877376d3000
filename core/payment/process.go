package payment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// Outcomes the service counts, beyond the sdk's.
const (
	OutcomeDebit       = "debit_ignored"
	OutcomeAmbiguous   = "ambiguous"
	OutcomeUnmatched   = "unmatched"
	OutcomeRecheck     = "recheck"
	OutcomeRefused     = "refused"
	OutcomeUnrouted    = "unrouted"
	OutcomeReversed    = "reversed"
	OutcomeFailed      = "failed"
	OutcomeRetry       = "retry"
	OutcomeReplay      = "replay"
	OutcomeConflict    = "conflict"
	OutcomeInvalid     = "invalid"
	OutcomeUnverified  = "unverified"
	OutcomeUnreachable = "unreachable"
)

// ErrRecheck marks an unmatched payment waiting for its order: retry it
// after the delay sdk.ClassOf reports. It is not a failure.
var ErrRecheck = errors.New("unmatched: no open order yet")

// Attempt says which delivery of a mutation to the money path this is.
type Attempt struct {
	// ReceivedAt is when the webhook took the mutation (zero if unknown),
	// for the time-to-paid metric.
	ReceivedAt time.Time
	// Retry counts the earlier attempts (0 the first time).
	Retry int
}

// Process decides and carries out what one mutation does, on attempt a.
//
// Business outcomes (paid, already paid, refused, ambiguous, unmatched,
// unrouted, a debit) return nil; those a person must see are in the review
// inbox. An error wrapping ErrRecheck asks for another look later; a
// permanent error (sdk.IsPermanent) has been recorded for review and must
// not be retried; any other error is a retryable failure, with the delay
// the store asked for in sdk.ClassOf. Processing the same mutation again is
// safe: the chosen order is remembered and the store applies a payment once
// per idempotency key.
func (s *Service) Process(ctx context.Context, m *core.Mutation, a Attempt) error {
	log := s.log.With("task_id", m.TaskID(), "mutation_id", m.ID, "bank_id", m.BankID, "amount", m.Amount.String(), "type", m.Type)
	route, ok := s.cfg.Routes.ForBank(m.BankID)
	if !ok {
		log.Warn("no store claims this bank account; recorded for review")
		return s.toReview(ctx, core.NewReviewItem(m, "", core.ReviewUnrouted, "no store in lunas.hcl lists bank_id "+m.BankID, nil), "", OutcomeUnrouted)
	}
	t := &task{s: s, log: log.With("store", route.Name), route: route, m: m, attempt: a}
	var err error
	if m.Type == core.Credit {
		err = t.pay(ctx)
	} else {
		err = t.debit(ctx)
	}
	if err == nil || errors.Is(err, ErrRecheck) {
		return err
	}
	if sdk.IsPermanent(err) {
		t.log.Error("permanent failure; recorded for review", "error", err)
		if rerr := s.toReview(ctx, core.NewReviewItem(m, route.Name, core.ReviewFailed, err.Error(), nil), route.Name, OutcomeFailed); rerr != nil {
			return rerr
		}
		return err
	}
	class, delay := sdk.ClassOf(err)
	t.log.Warn("store call failed; will retry", "class", class, "retry_after", delay, "error", err)
	s.metrics.Outcome(route.Name, OutcomeRetry)
	if rerr := t.escalate(ctx); rerr != nil {
		t.log.Warn("could not raise the waiting payment to review", "error", rerr)
	}
	return err
}

// escalate raises the payment to review when its store's calls have been
// failing for longer than UnreachableAfter: retries go on, and the item,
// kept current on every failed attempt, closes when the payment is applied.
func (t *task) escalate(ctx context.Context) error {
	s := t.s
	st := s.cfg.Health.state0(t.route.Name)
	if st.FailingSince.IsZero() || s.cfg.Now().Sub(st.FailingSince) < s.cfg.UnreachableAfter {
		return nil
	}
	detail := fmt.Sprintf("store %s unreachable since %s (last error at %s: %s); Lunas keeps retrying and closes this item when the payment is applied",
		t.route.Name, st.FailingSince.In(core.Jakarta).Format(timeLayout), st.LastErrorAt.In(core.Jakarta).Format(timeLayout), st.LastError)
	return s.toReview(ctx, core.NewReviewItem(t.m, t.route.Name, core.ReviewUnreachable, detail, nil), t.route.Name, OutcomeUnreachable)
}

// Conflict records for review that m arrived under the id of first, a
// mutation already stored, with another amount or type: neither is taken
// for the other, and m pays nothing. id names the review item (the
// conflict's own task id; m's task id when empty).
func (s *Service) Conflict(ctx context.Context, id string, m, first *core.Mutation) error {
	store := ""
	if route, ok := s.cfg.Routes.ForBank(m.BankID); ok {
		store = route.Name
	}
	s.log.Warn("a mutation id arrived again with another amount or type; recorded for review",
		"mutation_id", m.ID, "bank_id", m.BankID, "first", first.Type+" "+first.Amount.String(), "now", m.Type+" "+m.Amount.String())
	detail := fmt.Sprintf("mutation %s was stored as %s of Rp %s and arrived again as %s of Rp %s: the second delivery pays nothing",
		m.ID, first.Type, first.Amount, m.Type, m.Amount)
	item := core.NewReviewItem(m, store, core.ReviewConflict, detail, nil)
	if id != "" {
		item.ID = id
	}
	return s.toReview(ctx, item, store, OutcomeConflict)
}
