package shopify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

var readOrder = operation{name: "ReadOrder", query: `query ReadOrder($id: ID!) {
  order(id: $id) { ` + orderFields + `
      ` + reversalField + ` }
}`}

var markPaid = operation{name: "MarkPaid", query: `mutation MarkPaid($input: OrderMarkAsPaidInput!) {
  orderMarkAsPaid(input: $input) {
    order { ` + orderFields + ` }
    userErrors { field message }
  }
}`}

// userError is a per-mutation business error.
type userError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
}

func messages(errs []userError) string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, e.Message)
	}
	return strings.Join(out, "; ")
}

func alreadyPaid(o *orderNode, reason string) *sdk.ApplyPaymentResponse {
	return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Reason: reason, Status: o.DisplayFinancialStatus}
}

// readOrderByID returns the order, or nil when Shopify has none by that id.
func readOrderByID(ctx context.Context, st *state, gid string) (*orderNode, error) {
	var out struct {
		Order *orderNode `json:"order"`
	}
	if err := st.api.do(ctx, readOrder, map[string]any{"id": gid}, &out); err != nil {
		return nil, err
	}
	return out.Order, nil
}

// applyPayment decides on a fresh read of the order, under the order's
// lock: refuse what is gone, cancelled, no longer payable or due another
// amount, or paid by a mutation the bank reversed; report a paid order as
// already paid (finishing our own annotation if an earlier attempt left it
// incomplete); otherwise mark it paid and annotate it in a second request.
func (s *Store) applyPayment(ctx context.Context, st *state, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	m := req.Mutation
	gid, ok := orderGID(req.Order.ID)
	switch {
	case !ok:
		return sdk.Refused("", "order id %q is not a Shopify order id", req.Order.ID), nil
	case m.ID == "":
		return nil, sdk.Permanentf("shopify: the mutation has no id, so the payment could not be made idempotent")
	case m.Amount <= 0:
		return sdk.Refused("", "payment amount %s is not positive", m.Amount), nil
	}
	unlock, err := s.locks.Lock(ctx, gid)
	if err != nil {
		return nil, err
	}
	defer unlock()

	o, err := readOrderByID(ctx, st, gid)
	if err != nil {
		return nil, err
	}
	if resp, err := s.decide(ctx, st, o, req); resp != nil || err != nil {
		return resp, err
	}
	return s.markPaid(ctx, st, o, m)
}

// decide answers every case that needs no payment, and returns nil when
// the order should be marked paid. Finishing our own incomplete annotation
// can fail; the error makes the core retry, and the retry finishes it.
func (s *Store) decide(ctx context.Context, st *state, o *orderNode, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	m := req.Mutation
	if o == nil {
		return sdk.Refused("", "order %s does not exist in Shopify (deleted, or older than 60 days without read_all_orders)", orderLabel(req.Order)), nil
	}
	if o.marker() == m.ID {
		return s.finish(ctx, st, o, m)
	}
	if o.cancelled() {
		return sdk.Refused("", "order %s was cancelled at %s", o.Name, o.CancelledAt.Format(time.RFC3339)), nil
	}
	if mk, rv := o.marker(), o.reversal(); mk != "" && rv != "" {
		// Paid on paper only: whether this transfer replaces the reversed
		// one is for a person to say, and Shopify needs a hand anyway.
		return sdk.Refused("", "order %s was paid by mutation %s, which the bank reversed (mutation %s): record a new payment in Shopify admin by hand",
			o.Name, mk, rv), nil
	}
	if mk := o.marker(); mk != "" {
		return alreadyPaid(o, fmt.Sprintf("already paid by mutation %s", mk)), nil
	}
	if o.DisplayFinancialStatus == statusPaid {
		if st.cfg.note.enabled() && strings.Contains(o.note(), st.cfg.note.render(o.Name, m)) {
			// Our note line is there but the marker is not: an earlier
			// attempt paid the order and its annotation was cut short.
			return s.finish(ctx, st, o, m)
		}
		return alreadyPaid(o, "the order is already paid (not recorded by Lunas)"), nil
	}
	if !o.payable() {
		return sdk.Refused("", "order %s has financial status %s, not PENDING", o.Name, o.DisplayFinancialStatus), nil
	}
	due, err := o.outstanding()
	if err != nil {
		return sdk.Refused("", "cannot read the amount due of order %s exactly: %v", o.Name, err), nil
	}
	if due != m.Amount {
		return sdk.Refused("", "order %s is due %s %s, the payment is %s", o.Name, due, o.TotalOutstandingSet.ShopMoney.CurrencyCode, m.Amount), nil
	}
	if !o.CanMarkAsPaid {
		return sdk.Refused("", "Shopify says order %s cannot be marked as paid", o.Name), nil
	}
	return nil, nil
}

// finish completes the annotation of an order this mutation already paid.
func (s *Store) finish(ctx context.Context, st *state, o *orderNode, m sdk.Mutation) (*sdk.ApplyPaymentResponse, error) {
	if err := s.annotate(ctx, st, o, m); err != nil {
		return nil, err
	}
	reason := "already paid by this mutation"
	if rv := o.reversal(); rv != "" {
		reason += ", which the bank has since reversed (mutation " + rv + ")"
	}
	return alreadyPaid(o, reason), nil
}

func orderLabel(o sdk.Order) string {
	if o.Number != "" {
		return o.Number
	}
	return o.ID
}

// markPaid records the payment and annotates the order. A refusal that
// turns out to be "already paid" on a re-read is not an error.
func (s *Store) markPaid(ctx context.Context, st *state, o *orderNode, m sdk.Mutation) (*sdk.ApplyPaymentResponse, error) {
	var out struct {
		OrderMarkAsPaid struct {
			Order      *orderNode  `json:"order"`
			UserErrors []userError `json:"userErrors"`
		} `json:"orderMarkAsPaid"`
	}
	if err := st.api.do(ctx, markPaid, map[string]any{"input": map[string]any{"id": o.ID}}, &out); err != nil {
		return nil, err
	}
	if errs := out.OrderMarkAsPaid.UserErrors; len(errs) > 0 {
		return s.markPaidRefused(ctx, st, o, errs)
	}
	paid := out.OrderMarkAsPaid.Order
	if paid == nil {
		paid = o
		paid.DisplayFinancialStatus = statusPaid
	}
	s.log.Info("order marked paid", "order", paid.Name, "id", paid.ID, "mutation", m.ID, "amount", m.Amount.String())
	resp := &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomePaid, Status: paid.DisplayFinancialStatus}
	if err := s.annotate(ctx, st, paid, m); err != nil {
		s.log.Warn("order paid but its annotation is incomplete", "order", paid.Name, "mutation", m.ID, "error", err.Error())
		resp.Reason = "paid; annotation incomplete: " + err.Error()
	}
	return resp, nil
}

func (s *Store) markPaidRefused(ctx context.Context, st *state, o *orderNode, errs []userError) (*sdk.ApplyPaymentResponse, error) {
	msg := messages(errs)
	if !strings.Contains(strings.ToLower(msg), "cannot be marked as paid") {
		return nil, sdk.Permanentf("shopify MarkPaid: order %s: %s", o.Name, st.api.cleaner().clean(msg))
	}
	again, err := readOrderByID(ctx, st, o.ID)
	switch {
	case err != nil:
		return nil, err
	case again == nil:
		return sdk.Refused("", "order %s disappeared while it was being paid", o.Name), nil
	case again.DisplayFinancialStatus == statusPaid:
		return alreadyPaid(again, "Shopify reports the order already paid"), nil
	case again.cancelled():
		return sdk.Refused("", "order %s was cancelled while it was being paid", o.Name), nil
	}
	return nil, sdk.Permanentf("shopify MarkPaid: order %s (financial status %s): %s", o.Name, again.DisplayFinancialStatus, st.api.cleaner().clean(msg))
}
