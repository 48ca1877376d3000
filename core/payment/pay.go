package payment

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// task is one mutation being processed for one store.
type task struct {
	s          *Service
	log        hclog.Logger
	route      Route
	m          *core.Mutation
	receivedAt time.Time
}

// pay handles a credit: the order chosen before (a retry), else the one
// open order it matches; then the store applies it.
func (t *task) pay(ctx context.Context) error {
	s, m := t.s, t.m
	order, found, err := s.cfg.Choices.Chosen(ctx, m.TaskID())
	if err != nil {
		return sdk.Retryable(fmt.Errorf("read the chosen order: %w", err), 0)
	}
	byNumber := false
	if !found {
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
		if applied.Outcome == sdk.OutcomePaid && !t.receivedAt.IsZero() {
			s.metrics.Paid(s.cfg.Now().Sub(t.receivedAt))
		}
		return s.afterPaid(ctx, t.route, m, order)
	case sdk.OutcomeRefused:
		log.Warn("store refused the payment; recorded for review", "reason", applied.Reason)
		return s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewRefused, applied.Reason, []sdk.Order{order}), t.route.Name, OutcomeRefused)
	}
	return sdk.Permanentf("plugin answered ApplyPayment with unknown outcome %q", applied.Outcome)
}

// match asks the store for its open orders of the mutation's amount and
// decides which one m pays.
func (s *Service) match(ctx context.Context, route Route, m *core.Mutation, hints []string) (core.Match, error) {
	orders, since, err := s.find(ctx, route, m, hints)
	if err != nil {
		return core.Match{}, err
	}
	return core.MatchOrders(m.Mutation, orders, since), nil
}

// find asks the store for the open orders that could be paid by m, and
// returns them with the earliest creation time m's route accepts.
func (s *Service) find(ctx context.Context, route Route, m *core.Mutation, hints []string) ([]sdk.Order, time.Time, error) {
	since := s.cfg.Now().Add(-route.window())
	var resp *sdk.FindOpenOrdersResponse
	err := s.call(ctx, route, "FindOpenOrders", func(ctx context.Context) (err error) {
		resp, err = route.Store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{
			Amount: m.Amount, Since: since, Hints: hints, BankID: m.BankID,
		})
		return err
	})
	if err != nil {
		return nil, since, err
	}
	if resp == nil {
		return nil, since, nil
	}
	return resp.Orders, since, nil
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

// afterPaid records the payment for reversals and runs OnPaid.
func (s *Service) afterPaid(ctx context.Context, route Route, m *core.Mutation, order sdk.Order) error {
	if s.cfg.Ledger != nil {
		rec := Record{TaskID: m.TaskID(), Store: route.Name, Order: order, Mutation: m.Mutation, PaidAt: s.cfg.Now().UTC()}
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
	detail := "no open order of " + m.Amount.String() + " created in the last " + t.route.window().String()
	return s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewUnmatched, detail, nil), t.route.Name, OutcomeUnmatched)
}
