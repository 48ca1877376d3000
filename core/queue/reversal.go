package queue

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// debit handles a DB mutation. It never pays anything. When its
// description reads like a bank reversal and a credit of the same amount
// into the same account paid an order within the reversal window, the
// store is asked to undo that payment (sdk.Reverser) and a person is told.
func (w *Worker) debit(ctx context.Context, log hclog.Logger, route Route, m *core.Mutation) error {
	if w.payments == nil || !w.isReversal(m.Description) {
		w.metrics.outcome(route.Name, outcomeDebit)
		return nil
	}
	records, err := w.payments.Reversible(ctx, m.BankID, m.Amount, w.cfg.ReversalWindow)
	if err != nil {
		return sdk.Retryable(err, 0)
	}
	var rec *PaymentRecord
	for i := range records {
		by, err := w.payments.ReversedBy(ctx, records[i].TaskID)
		if err != nil {
			return sdk.Retryable(err, 0)
		}
		if by == "" || by == m.ID {
			rec = &records[i]
			break
		}
	}
	if rec == nil {
		log.Info("debit reads like a reversal but no payment of this amount is on record; ignored")
		w.metrics.outcome(route.Name, outcomeDebit)
		return nil
	}
	log = log.With("reverses", rec.TaskID, "order", rec.Order.Number)
	if rec.Store != route.Name {
		return sdk.Permanentf("the reversed payment was applied in store %q, but bank %s now belongs to %q", rec.Store, m.BankID, route.Name)
	}
	orders := []sdk.Order{rec.Order}
	detail, err := w.reverse(ctx, route, m, rec)
	if err != nil {
		return err
	}
	if _, err := w.payments.ClaimReversal(ctx, rec.TaskID, m.ID, w.cfg.ReversalWindow); err != nil {
		return sdk.Retryable(err, 0)
	}
	log.Warn("bank reversed a payment", "detail", detail)
	return w.toReview(ctx, core.NewReviewItem(m, route.Name, core.ReviewReversed, detail, orders), route.Name, outcomeReversed)
}

func (w *Worker) reverse(ctx context.Context, route Route, m *core.Mutation, rec *PaymentRecord) (string, error) {
	rev, ok := route.Store.(sdk.Reverser)
	var resp *sdk.ReversePaymentResponse
	err := errors.New("store does not support reversals")
	if ok {
		err = w.call(ctx, route, "ReversePayment", func(ctx context.Context) (err error) {
			resp, err = rev.ReversePayment(ctx, &sdk.ReversePaymentRequest{Order: rec.Order, Original: rec.Mutation, Reversal: m.Mutation, IdempotencyKey: m.TaskID()})
			return err
		})
	}
	head := fmt.Sprintf("the bank reversed mutation %s (Rp %s) that paid order %s", rec.Mutation.ID, m.Amount, rec.Order.Number)
	switch {
	case err != nil && (errors.Is(err, sdk.ErrUnimplemented) || !ok):
		return head + "; this store's plugin cannot undo payments: put the order back by hand", nil
	case err != nil:
		return "", err
	case resp.Outcome == sdk.OutcomeReversed || resp.Outcome == sdk.OutcomeAlreadyReversed:
		return fmt.Sprintf("%s; the order is back to %q: check it before shipping%s", head, resp.Status, suffix(resp.Reason)), nil
	default:
		return fmt.Sprintf("%s; the store refused to undo it: %s", head, resp.Reason), nil
	}
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func (w *Worker) isReversal(description string) bool {
	for _, re := range w.cfg.ReversalPatterns {
		if re.MatchString(description) {
			return true
		}
	}
	return false
}
