package woo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/lunas-dev/lunas/sdk"
)

var _ sdk.Reverser = (*Store)(nil)

// statusOnHold is where a reversed order goes back to: WooCommerce's status
// for an order awaiting a manual payment.
const statusOnHold = "on-hold"

// voidStatuses are the statuses of orders a reversal must not touch:
// putting them on-hold would bring a closed order back to life.
var voidStatuses = map[string]bool{"cancelled": true, "refunded": true, "failed": true, "trash": true}

// ReversePayment undoes, in WooCommerce, a payment whose credit the bank
// returned (req.Reversal undoes req.Original), exactly once per reversal.
//
// Calls for one order are serialised with ApplyPayment's. The order is read
// again; a _lunas_reversed meta naming this reversal means it was done
// (already_reversed; a note missing after a crash is added now). An order
// that Lunas did not mark paid with req.Original, that another reversal
// already undid, or that is cancelled, refunded or failed is refused.
// Otherwise one PUT moves it to on-hold and writes the reversal marker, and
// one private note is added.
//
// WooCommerce never clears date_paid_gmt (it is set once, and read-only
// through the REST API), and transaction_id and _lunas_mutation keep
// naming the payment that was made: the order stays out of automatic
// matching, and a new transfer for it goes to a person.
//
// A failure after the PUT returns an error of the failed call's class; the
// retry finds the marker and completes the note without writing the order
// again.
func (s *Store) ReversePayment(ctx context.Context, req *sdk.ReversePaymentRequest) (*sdk.ReversePaymentResponse, error) {
	cfg, c, err := s.current()
	if err != nil {
		return nil, err
	}
	orig, rev := req.Original, req.Reversal
	if orig.ID == "" || rev.ID == "" {
		return nil, sdk.Permanentf("ReversePayment for order %s: the payment or the reversal has no mutation id", req.Order.ID)
	}
	if reason := sdk.ReversalMismatch(orig, rev); reason != "" {
		return sdk.ReverseRefused(req.Order.Status, "%s", reason), nil
	}
	id, err := strconv.ParseInt(req.Order.ID, 10, 64)
	if err != nil || id <= 0 {
		return sdk.ReverseRefused(req.Order.Status, "order id %q is not a WooCommerce order id", req.Order.ID), nil
	}

	unlock, err := s.locks.Lock(ctx, req.Order.ID)
	if err != nil {
		return nil, sdk.Retryable(fmt.Errorf("waiting for another call on order %d: %w", id, err), 0)
	}
	defer unlock()

	o, err := c.getOrder(ctx, id)
	if statusOf(err) == 404 {
		return sdk.ReverseRefused("", "order %d (number %s) no longer exists in WooCommerce", id, req.Order.Number), nil
	}
	if err != nil {
		return nil, err
	}
	if o.reversal() == rev.ID {
		return s.alreadyReversed(ctx, cfg, c, o, orig, rev)
	}
	if reason := reversalRefusal(o, orig, rev); reason != "" {
		s.log.Info("reversal refused", "order_id", o.ID, "number", o.number(), "mutation_id", orig.ID, "reversal_id", rev.ID, "reason", reason)
		return sdk.ReverseRefused(o.Status, "%s", reason), nil
	}

	saved, err := c.markReversed(ctx, o.ID, rev.ID)
	if err != nil {
		return nil, err
	}
	if err := checkReversed(saved, rev.ID); err != nil {
		s.log.Error("order reversal not confirmed", "order_id", o.ID, "reversal_id", rev.ID, "error", err.Error())
		return nil, err
	}
	s.log.Warn("payment reversed by the bank: order back on-hold", "order_id", o.ID, "number", o.number(),
		"mutation_id", orig.ID, "reversal_id", rev.ID, "amount", orig.Amount.String(), "was", o.Status)
	if err := c.addNote(ctx, saved.ID, cfg.reversalNote.render(reversalData(orig, rev, saved)), false); err != nil {
		return nil, keepClass(err, "order %s was put back on-hold but its reversal note could not be added (a retry adds it)", saved.label())
	}
	return &sdk.ReversePaymentResponse{Outcome: sdk.OutcomeReversed, Status: saved.Status,
		Reason: fmt.Sprintf("order %s moved from %q to on-hold; WooCommerce keeps its paid date and its reserved stock, so check it before shipping", saved.label(), o.Status)}, nil
}

// alreadyReversed answers for an order carrying this reversal's marker. An
// earlier attempt may have stopped between the PUT and the note: the note
// is added if no note names the reversal yet.
func (s *Store) alreadyReversed(ctx context.Context, cfg *config, c *client, o *wcOrder, orig, rev sdk.Mutation) (*sdk.ReversePaymentResponse, error) {
	notes, err := c.notes(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	if !hasNoteFor(notes, rev.ID) {
		if err := c.addNote(ctx, o.ID, cfg.reversalNote.render(reversalData(orig, rev, o)), false); err != nil {
			return nil, keepClass(err, "order %s is reversed but its reversal note could not be added (a retry adds it)", o.label())
		}
		s.log.Info("added the reversal note an earlier attempt left out", "order_id", o.ID, "reversal_id", rev.ID)
	}
	return &sdk.ReversePaymentResponse{Outcome: sdk.OutcomeAlreadyReversed, Status: o.Status,
		Reason: fmt.Sprintf("order %s was already reversed by mutation %s (it is now %q)", o.label(), rev.ID, o.Status)}, nil
}

// reversalRefusal returns why the order cannot take this reversal, or "".
func reversalRefusal(o *wcOrder, orig, rev sdk.Mutation) string {
	switch marker, other := o.marker(), o.reversal(); {
	case marker == "":
		return fmt.Sprintf("order %s has no payment recorded by Lunas (no %s meta), so mutation %s did not pay it", o.label(), markerKey, orig.ID)
	case marker != orig.ID:
		return fmt.Sprintf("order %s was paid by mutation %s, not by %s, which reversal %s undoes", o.label(), marker, orig.ID, rev.ID)
	case other != "":
		return fmt.Sprintf("the payment of order %s was already reversed by mutation %s; a second reversal %s needs a person (check the bank statement)", o.label(), other, rev.ID)
	case voidStatuses[o.Status]:
		return fmt.Sprintf("order %s is %q: there is no payment left to undo in WooCommerce (check whether the customer was refunded too)", o.label(), o.Status)
	}
	return ""
}

// checkReversed confirms that WooCommerce saved the update: on-hold and the
// reversal marker.
func checkReversed(o *wcOrder, reversalID string) error {
	switch {
	case o.Status != statusOnHold:
		return sdk.Permanentf("order %s: asked WooCommerce for status %q but the order is %q (a plugin on the store may have changed it); check the order by hand",
			o.label(), statusOnHold, o.Status)
	case o.reversal() != reversalID:
		return sdk.Permanentf("order %s: WooCommerce did not save the %s meta (it reads %q); check the order by hand", o.label(), reversedKey, o.reversal())
	}
	return nil
}

func reversalData(orig, rev sdk.Mutation, o *wcOrder) noteData {
	return noteData{Mutation: orig, Reversal: rev, OrderNumber: o.number()}
}
