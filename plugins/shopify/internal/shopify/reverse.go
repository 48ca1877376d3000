package shopify

import (
	"context"
	"fmt"

	"github.com/lunas-dev/lunas/sdk"
)

var _ sdk.Reverser = (*Store)(nil)

// ReversePayment records on the order that the bank reversed the credit
// that paid it (req.Reversal undoes req.Original), exactly once per
// reversal.
//
// Shopify has no way to take back what orderMarkAsPaid recorded: only a
// refund or a void in Shopify admin changes the financial status, and both
// are the merchant's decision. So the plugin makes the reversal impossible
// to miss instead, in one request: a line appended to the note, the
// reversal_tags, and the reversal's id in the lunas.reversed metafield (the
// idempotency marker). The outcome is reversed, with the order's financial
// status as Shopify still shows it and a reason that says what the merchant
// must do.
//
// Calls for one order are serialised with ApplyPayment's. The order is read
// again: gone is refused; this reversal's marker already there is
// already_reversed (finishing an annotation an earlier attempt cut short);
// an order Lunas did not mark paid with req.Original, or whose payment
// another reversal already undid, is refused and left untouched. A failed
// annotation returns its classified error, and the retry writes only what
// is still missing.
func (s *Store) ReversePayment(ctx context.Context, req *sdk.ReversePaymentRequest) (*sdk.ReversePaymentResponse, error) {
	st, err := s.configured()
	if err != nil {
		return nil, err
	}
	orig, rev := req.Original, req.Reversal
	gid, ok := orderGID(req.Order.ID)
	switch {
	case orig.ID == "" || rev.ID == "":
		return nil, sdk.Permanentf("shopify: ReversePayment for order %s: the payment or the reversal has no mutation id", orderLabel(req.Order))
	case !ok:
		return sdk.ReverseRefused("", "order id %q is not a Shopify order id", req.Order.ID), nil
	}
	if reason := sdk.ReversalMismatch(orig, rev); reason != "" {
		return sdk.ReverseRefused("", "%s", reason), nil
	}
	unlock, err := s.locks.Lock(ctx, gid)
	if err != nil {
		return nil, err
	}
	defer unlock()

	o, err := readOrderByID(ctx, st, gid)
	switch {
	case err != nil:
		return nil, err
	case o == nil:
		return sdk.ReverseRefused("", "order %s does not exist in Shopify (deleted, or older than 60 days without read_all_orders)", orderLabel(req.Order)), nil
	}
	mk := reversalMarks(st.cfg, o, orig, rev)
	if o.reversal() == rev.ID {
		if err := s.mark(ctx, st, o, "AnnotateReversal", mk); err != nil {
			return nil, err
		}
		return &sdk.ReversePaymentResponse{Outcome: sdk.OutcomeAlreadyReversed, Status: o.DisplayFinancialStatus,
			Reason: fmt.Sprintf("order %s was already marked reversed by mutation %s; %s", o.Name, rev.ID, merchantAction(o))}, nil
	}
	if reason := reversalRefusal(o, orig, rev); reason != "" {
		s.log.Info("reversal refused", "order", o.Name, "mutation", orig.ID, "reversal", rev.ID, "reason", reason)
		return sdk.ReverseRefused(o.DisplayFinancialStatus, "%s", reason), nil
	}
	if err := s.mark(ctx, st, o, "AnnotateReversal", mk); err != nil {
		return nil, err
	}
	s.log.Warn("payment reversed by the bank: order annotated, the merchant must refund or void it", "order", o.Name, "id", o.ID,
		"mutation", orig.ID, "reversal", rev.ID, "amount", orig.Amount.String(), "financial_status", o.DisplayFinancialStatus)
	return &sdk.ReversePaymentResponse{Outcome: sdk.OutcomeReversed, Status: o.DisplayFinancialStatus,
		Reason: fmt.Sprintf("the bank reversed payment %s of order %s; %s", orig.ID, o.Name, merchantAction(o))}, nil
}

func reversalMarks(cfg *config, o *orderNode, orig, rev sdk.Mutation) marks {
	mk := marks{tags: cfg.reversalTags, key: reversedKey, value: rev.ID, have: o.reversal()}
	if cfg.reversalNote.enabled() {
		mk.line = cfg.reversalNote.renderReversal(o.Name, orig, rev)
	}
	return mk
}

// merchantAction says what is left for the merchant, given what Shopify
// shows now.
func merchantAction(o *orderNode) string {
	switch o.DisplayFinancialStatus {
	case statusPaid, statusPartiallyPaid:
		return fmt.Sprintf("Shopify cannot undo a recorded payment through the API, so the order still shows %s: "+
			"refund or void the payment in Shopify admin and hold the order until the customer pays again", o.DisplayFinancialStatus)
	case "REFUNDED", "PARTIALLY_REFUNDED", "VOIDED":
		return fmt.Sprintf("the order already shows %s in Shopify: check that the customer was not refunded as well as reversed", o.DisplayFinancialStatus)
	}
	return fmt.Sprintf("the order shows %s in Shopify: check it in Shopify admin before shipping", o.DisplayFinancialStatus)
}

// reversalRefusal returns why the order cannot take this reversal, or "".
func reversalRefusal(o *orderNode, orig, rev sdk.Mutation) string {
	switch marker, other := o.marker(), o.reversal(); {
	case marker == "":
		return fmt.Sprintf("order %s has no payment recorded by Lunas (no %s.%s metafield), so mutation %s did not pay it",
			o.Name, markerNamespace, markerKey, orig.ID)
	case marker != orig.ID:
		return fmt.Sprintf("order %s was paid by mutation %s, not by %s, which reversal %s undoes", o.Name, marker, orig.ID, rev.ID)
	case other != "":
		return fmt.Sprintf("the payment of order %s was already reversed by mutation %s; a second reversal %s needs a person (check the bank statement)",
			o.Name, other, rev.ID)
	}
	return ""
}
