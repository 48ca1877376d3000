package payment

import (
	"context"
	"errors"
	"fmt"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// debit handles a DB mutation. It never pays anything. When its description
// reads like a bank reversal and a credit of the same amount into the same
// account paid an order within the reversal window, the store is asked to
// undo that payment (sdk.Reverser) and a person is told.
func (t *task) debit(ctx context.Context) error {
	s, m := t.s, t.m
	if s.cfg.Ledger == nil || !s.isReversal(m.Description) {
		s.metrics.Outcome(t.route.Name, OutcomeDebit)
		return nil
	}
	rec, err := s.reversible(ctx, m)
	if err != nil {
		return err
	}
	if rec == nil {
		t.log.Info("debit reads like a reversal but no payment of this amount is on record; ignored")
		s.metrics.Outcome(t.route.Name, OutcomeDebit)
		return nil
	}
	log := t.log.With("reverses", rec.TaskID, "order", rec.Order.Number)
	if rec.Store != t.route.Name {
		return sdk.Permanentf("the reversed payment was applied in store %q, but bank %s now belongs to %q", rec.Store, m.BankID, t.route.Name)
	}
	detail, err := s.reverse(ctx, t.route, m, rec)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Ledger.ClaimReversal(ctx, rec.TaskID, m.ID, s.cfg.ReversalWindow); err != nil {
		return sdk.Retryable(err, 0)
	}
	log.Warn("bank reversed a payment", "detail", detail)
	return s.toReview(ctx, core.NewReviewItem(m, t.route.Name, core.ReviewReversed, detail, []sdk.Order{rec.Order}), t.route.Name, OutcomeReversed)
}

// reversible returns the newest recorded credit that m can reverse: one no
// other debit claimed (or that m itself claimed, on a retry), or nil.
func (s *Service) reversible(ctx context.Context, m *core.Mutation) (*Record, error) {
	records, err := s.cfg.Ledger.Reversible(ctx, m.BankID, m.Amount, s.cfg.Now(), s.cfg.ReversalWindow)
	if err != nil {
		return nil, sdk.Retryable(err, 0)
	}
	for i := range records {
		by, err := s.cfg.Ledger.ReversedBy(ctx, records[i].TaskID)
		if err != nil {
			return nil, sdk.Retryable(err, 0)
		}
		if by == "" || by == m.ID {
			return &records[i], nil
		}
	}
	return nil, nil
}

// reverse asks the store to undo the payment rec and says, for the review
// item, what happened.
func (s *Service) reverse(ctx context.Context, route Route, m *core.Mutation, rec *Record) (string, error) {
	head := fmt.Sprintf("the bank reversed mutation %s (Rp %s) that paid order %s", rec.Mutation.ID, m.Amount, rec.Order.Number)
	rev, ok := route.Store.(sdk.Reverser)
	if !ok {
		return head + "; this store's plugin cannot undo payments: put the order back by hand", nil
	}
	var resp *sdk.ReversePaymentResponse
	err := s.call(ctx, route, "ReversePayment", func(ctx context.Context) (err error) {
		resp, err = rev.ReversePayment(ctx, &sdk.ReversePaymentRequest{Order: rec.Order, Original: rec.Mutation, Reversal: m.Mutation, IdempotencyKey: m.TaskID()})
		return err
	})
	switch {
	case errors.Is(err, sdk.ErrUnimplemented):
		return head + "; this store's plugin cannot undo payments: put the order back by hand", nil
	case err != nil:
		return "", err
	case resp == nil:
		return "", sdk.Permanentf("%s ReversePayment: plugin answered nothing", route.Name)
	case resp.Outcome == sdk.OutcomeReversed || resp.Outcome == sdk.OutcomeAlreadyReversed:
		return fmt.Sprintf("%s; the order is back to %q: check it before shipping%s", head, resp.Status, suffix(resp.Reason)), nil
	}
	return fmt.Sprintf("%s; the store refused to undo it: %s", head, resp.Reason), nil
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func (s *Service) isReversal(description string) bool {
	for _, re := range s.cfg.ReversalPatterns {
		if re.MatchString(description) {
			return true
		}
	}
	return false
}
