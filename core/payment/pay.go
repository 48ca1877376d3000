package payment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// task is one mutation being processed for one store.
type task struct {
	s       *Service
	log     hclog.Logger
	route   Route
	m       *core.Mutation
	attempt Attempt
}

// pay handles a credit: the order chosen before (a retry), else the one
// open order it matches; then the store applies it.
func (t *task) pay(ctx context.Context) error {
	s, m := t.s, t.m
	if m.Amount <= 0 {
		t.log.Warn("a credit of no amount pays nothing; recorded for review")
		detail := fmt.Sprintf("a credit of Rp %s pays no order", m.Amount)
		return s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewInvalid, detail, nil), t.route.Name, OutcomeInvalid)
	}
	order, found, err := s.cfg.Choices.Chosen(ctx, m.TaskID())
	if err != nil {
		return sdk.Retryable(fmt.Errorf("read the chosen order: %w", err), 0)
	}
	byNumber := false
	if !found {
		// No choice on record: either a new mutation, or one that paid an
		// order so long ago (or before Redis lost its keys) that its task and
		// choice are gone. The permanent record tells them apart.
		if done, ok, err := s.applied(ctx, m); err != nil {
			return err
		} else if ok && t.paidItself(done) {
			t.log.Info("this delivery paid its order already (a rerun after the payment was recorded)", "order", done.OrderNumber)
			s.metrics.Outcome(t.route.Name, string(sdk.OutcomeAlreadyPaid))
			return nil
		} else if ok {
			return t.replayed(ctx, done)
		}
		if ok, err := t.verified(ctx); err != nil || !ok {
			return err
		}
		match, err := s.match(ctx, t.route, m, core.Hints(m.Description))
		if err != nil {
			return err
		}
		switch match.Kind {
		case core.Unmatched:
			return t.unmatched(ctx)
		case core.Ambiguous:
			t.log.Info("several open orders have this amount; recorded for review", "candidates", len(match.Candidates))
			detail := fmt.Sprintf("%d open orders of %s and the description names none of them", len(match.Candidates), m.Amount)
			return s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewAmbiguous, detail, match.Candidates), t.route.Name, OutcomeAmbiguous)
		}
		order, byNumber = match.Order, match.ByNumber
		// Remember the choice before touching the store: a retry after a
		// half-applied payment must go to the same order.
		if err := s.cfg.Choices.Choose(ctx, m.TaskID(), order); err != nil {
			return sdk.Retryable(fmt.Errorf("remember the chosen order: %w", err), 0)
		}
	}
	applied, err := s.apply(ctx, t.route, m, order)
	if err != nil {
		return err
	}
	log := t.log.With("order", order.Number, "order_id", order.ID)
	switch applied.Outcome {
	case sdk.OutcomePaid, sdk.OutcomeAlreadyPaid:
		log.Info("payment applied", "outcome", applied.Outcome, "status", applied.Status, "by_number", byNumber)
		s.metrics.Outcome(t.route.Name, string(applied.Outcome))
		if applied.Outcome == sdk.OutcomePaid && !t.attempt.ReceivedAt.IsZero() {
			s.metrics.Paid(s.cfg.Now().Sub(t.attempt.ReceivedAt))
		}
		if err := s.afterPaid(ctx, t.route, m, order, t.attempt.ReceivedAt); err != nil {
			return err
		}
		if t.attempt.Retry > 0 {
			t.closeUnreachable(ctx, order, applied.Outcome)
		}
		if err := s.cfg.Choices.Settle(ctx, m.TaskID()); err != nil {
			// The choice then stays its full time; nothing else depends on it.
			log.Warn("could not shorten the kept choice", "error", err)
		}
		return nil
	case sdk.OutcomeRefused:
		log.Warn("store refused the payment; recorded for review", "reason", applied.Reason)
		return s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewRefused, applied.Reason, []sdk.Order{order}), t.route.Name, OutcomeRefused)
	}
	return sdk.Permanentf("plugin answered ApplyPayment with unknown outcome %q", applied.Outcome)
}

// match asks the store for its open orders of the mutation's amount and
// decides which one m pays.
func (s *Service) match(ctx context.Context, route Route, m *core.Mutation, hints []string) (core.Match, error) {
	w := s.orderWindow(route, m)
	orders, err := s.find(ctx, route, m, w.Since, hints)
	if err != nil {
		return core.Match{}, err
	}
	return core.MatchOrders(*m, orders, w), nil
}

// find asks the store for the open orders created since that could be paid by m.
func (s *Service) find(ctx context.Context, route Route, m *core.Mutation, since time.Time, hints []string) ([]sdk.Order, error) {
	var resp *sdk.FindOpenOrdersResponse
	err := s.call(ctx, route, "FindOpenOrders", func(ctx context.Context) (err error) {
		resp, err = route.Store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{
			Amount: m.Amount, Since: since, Hints: hints, BankID: m.BankID,
		})
		return err
	})
	if err != nil || resp == nil {
		return nil, err
	}
	return resp.Orders, nil
}

// apply asks the store to apply m to order with the mutation's task id as
// idempotency key: the worker and the review inbox make the same call, so
// both paths are idempotent together.
func (s *Service) apply(ctx context.Context, route Route, m *core.Mutation, order sdk.Order) (*sdk.ApplyPaymentResponse, error) {
	var applied *sdk.ApplyPaymentResponse
	err := s.call(ctx, route, "ApplyPayment", func(ctx context.Context) (err error) {
		applied, err = route.Store.ApplyPayment(ctx, &sdk.ApplyPaymentRequest{Order: order, Mutation: m.Mutation, IdempotencyKey: m.TaskID()})
		return err
	})
	if err == nil && applied == nil {
		err = sdk.Permanentf("%s ApplyPayment: plugin answered nothing", route.Name)
	}
	return applied, err
}

// afterPaid records the payment (of the delivery received at received;
// zero for a person's) for reversals and runs OnPaid.
func (s *Service) afterPaid(ctx context.Context, route Route, m *core.Mutation, order sdk.Order, received time.Time) error {
	if s.cfg.Ledger != nil {
		rec := Record{TaskID: m.TaskID(), Store: route.Name, Order: order, Mutation: m.Mutation, PaidAt: s.cfg.Now().UTC(), ReceivedAt: received}
		if err := s.cfg.Ledger.Record(ctx, rec, s.cfg.ReversalWindow); err != nil {
			return sdk.Retryable(fmt.Errorf("record payment: %w", err), 0)
		}
	}
	if s.cfg.OnPaid != nil {
		if err := s.cfg.OnPaid(ctx, m, route.Name, order); err != nil {
			return sdk.Retryable(fmt.Errorf("after payment: %w", err), 0)
		}
	}
	return nil
}

// unmatched retries the payment on the recheck schedule, then records it
// for review.
func (t *task) unmatched(ctx context.Context) error {
	s, m := t.s, t.m
	if s.cfg.Rechecks != nil && len(s.cfg.Recheck) > 0 {
		ttl := 24 * time.Hour
		for _, d := range s.cfg.Recheck {
			ttl += d
		}
		n, err := s.cfg.Rechecks.Next(ctx, m.TaskID(), ttl)
		if err != nil {
			return sdk.Retryable(fmt.Errorf("count re-checks: %w", err), 0)
		}
		if n >= 1 && n <= len(s.cfg.Recheck) {
			delay := s.cfg.Recheck[n-1]
			t.log.Info("no open order has this amount yet; will look again", "in", delay, "recheck", n)
			s.metrics.Outcome(t.route.Name, OutcomeRecheck)
			return sdk.Retryable(fmt.Errorf("%w: looking again in %s (recheck %d of %d)", ErrRecheck, delay, n, len(s.cfg.Recheck)), delay)
		}
	}
	t.log.Info("no open order has this amount; recorded for review")
	w := s.orderWindow(t.route, m)
	detail := fmt.Sprintf("no open order of %s created from %s to %s", m.Amount, w.Since.In(core.Jakarta).Format(timeLayout), w.Until.In(core.Jakarta).Format(timeLayout))
	return s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewUnmatched, detail, nil), t.route.Name, OutcomeUnmatched)
}

// timeLayout is how times read in review details: with their zone.
const timeLayout = "2006-01-02 15:04 MST"

// applied reads the permanent record of m, if it paid an order.
func (s *Service) applied(ctx context.Context, m *core.Mutation) (Applied, bool, error) {
	if s.cfg.Ledger == nil {
		return Applied{}, false, nil
	}
	a, ok, err := s.cfg.Ledger.Applied(ctx, m.BankID, m.ID)
	if err != nil {
		return Applied{}, false, sdk.Retryable(fmt.Errorf("read the applied-payment record: %w", err), 0)
	}
	return a, ok, nil
}

// paidItself reports whether done, the permanent record of m's payment,
// was written by this very delivery: a rerun of its task after the payment
// was recorded and the choice settled (Choices.Settle), say when the
// worker died before the queue marked the task done. The record keeps when
// the delivery that paid was received, and every run of a task carries its
// delivery's time; a replay is another delivery, received later. Without a
// receive time it cannot tell, and a person looks.
func (t *task) paidItself(done Applied) bool {
	at := t.attempt.ReceivedAt
	return !at.IsZero() && !done.ReceivedAt.IsZero() && at.UnixMilli() == done.ReceivedAt.UnixMilli() &&
		done.Store == t.route.Name && done.Amount == t.m.Amount && done.Type == t.m.Type
}

// replayed records for review a mutation that already paid an order: the
// same amount and type is a replay, anything else a conflict. Neither
// reaches the store.
func (t *task) replayed(ctx context.Context, done Applied) error {
	s, m := t.s, t.m
	ref := []sdk.Order{{Number: done.OrderNumber, Amount: done.Amount}}
	paid := fmt.Sprintf("order %s in store %s on %s", done.OrderNumber, done.Store, done.At.In(core.Jakarta).Format(timeLayout))
	if done.Amount != m.Amount || done.Type != m.Type {
		t.log.Warn("a mutation id that paid an order arrived again with another amount or type; recorded for review", "paid", done.OrderNumber)
		detail := fmt.Sprintf("mutation %s paid %s as %s of Rp %s; it arrived again as %s of Rp %s and pays nothing", m.ID, paid, done.Type, done.Amount, m.Type, m.Amount)
		return s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewConflict, detail, ref), t.route.Name, OutcomeConflict)
	}
	t.log.Warn("a mutation that already paid an order arrived again; recorded for review as a replay", "paid", done.OrderNumber)
	detail := fmt.Sprintf("mutation %s already paid %s; this delivery is a replay and pays nothing", m.ID, paid)
	return s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewReplay, detail, ref), t.route.Name, OutcomeReplay)
}

// verified confirms the credit through the Verifier, when there is one.
// An unconfirmed credit is recorded for review (ok false, err nil); an
// outage is a retryable error.
func (t *task) verified(ctx context.Context) (bool, error) {
	s, m := t.s, t.m
	if s.cfg.Verifier == nil {
		return true, nil
	}
	v, err := s.cfg.Verifier.Verify(ctx, m)
	if err != nil {
		if sdk.IsPermanent(err) {
			return false, fmt.Errorf("verify the credit with Moota: %w", err)
		}
		_, delay := sdk.ClassOf(err)
		return false, sdk.Retryable(fmt.Errorf("verify the credit with Moota: %w", err), delay)
	}
	if v.Verdict == core.Verified {
		return true, nil
	}
	t.log.Warn("Moota's API does not confirm this credit; recorded for review", "verdict", v.Verdict, "reason", v.Reason)
	detail := fmt.Sprintf("Moota's API does not confirm mutation %s (%s): %s; it pays nothing until a person checks it", m.ID, v.Verdict, v.Reason)
	return false, s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewUnverified, detail, nil), t.route.Name, OutcomeUnverified)
}

// closeUnreachable resolves the "store unreachable" item of a payment that
// was applied at last. A first attempt cannot have one, so only retries
// look.
func (t *task) closeUnreachable(ctx context.Context, order sdk.Order, outcome sdk.Outcome) {
	_, err := t.s.cfg.Review.UpdateReview(ctx, t.m.TaskID(), func(item *core.ReviewItem) error {
		if item.Status != core.ReviewOpen || item.Reason != core.ReviewUnreachable {
			return errNothingToClose
		}
		item.Status, item.ResolvedOrder = core.ReviewResolved, order.Number
		item.Actions = append(item.Actions, core.ReviewAction{At: t.s.cfg.Now().UTC(), Actor: "lunas", Action: "resolve",
			Detail: fmt.Sprintf("order %s: %s once the store answered again", order.Number, outcome)})
		return nil
	})
	if err != nil && !errors.Is(err, errNothingToClose) && !errors.Is(err, core.ErrNotFound) {
		t.log.Warn("could not close the store-unreachable review item", "error", err)
	}
}

var errNothingToClose = errors.New("no open store-unreachable item")
