package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// runReverser adds the checks of the optional sdk.Reverser. A store that
// does not implement it (a Go value without the method, or a plugin that
// answers sdk.ErrUnimplemented over gRPC) skips them.
func (s *suite) runReverser(t *testing.T) {
	t.Run("ReversesPaymentOnce", s.reversesOnce)
	t.Run("RefusesImplausibleReversal", s.refusesImplausibleReversal)
	t.Run("RefusesReversalOfAnotherPayment", s.refusesOtherPayment)
	t.Run("RefusesSecondReversal", s.refusesSecondReversal)
}

// reverse calls ReversePayment, skipping the test when the store has no
// Reverser.
func (s *suite) reverse(t *testing.T, o sdk.Order, orig, rev sdk.Mutation) *sdk.ReversePaymentResponse {
	t.Helper()
	r, ok := s.h.Store.(sdk.Reverser)
	if !ok {
		t.Skip("the store does not implement sdk.Reverser")
	}
	// Only what Lunas keeps of a payment for the reversal window.
	kept := sdk.Order{ID: o.ID, Number: o.Number, Amount: o.Amount}
	original := sdk.Mutation{ID: orig.ID, BankID: orig.BankID, Type: orig.Type, Amount: orig.Amount}
	resp, err := r.ReversePayment(s.ctx(t), &sdk.ReversePaymentRequest{Order: kept, Original: original, Reversal: rev,
		IdempotencyKey: "moota:" + rev.BankID + ":" + rev.ID})
	if errors.Is(err, sdk.ErrUnimplemented) {
		t.Skip("the plugin does not implement sdk.Reverser")
	}
	if err != nil {
		t.Fatalf("ReversePayment(order %s, payment %s, reversal %s): %v", o.ID, orig.ID, rev.ID, err)
	}
	return resp
}

func reversalOf(orig sdk.Mutation, id string) sdk.Mutation {
	rev := orig
	rev.ID, rev.Type, rev.Description, rev.Date = id, "DB", "KOREKSI REVERSAL storetest", orig.Date.Add(time.Minute)
	return rev
}

// paidOrder seeds an open order and pays it through the store, so that the
// store's own payment marker is on it.
func (s *suite) paidOrder(t *testing.T) (sdk.Order, sdk.Mutation) {
	t.Helper()
	amt := nextAmount()
	order := s.h.Seed(t, SeedOrder{Amount: amt, State: Open, CreatedAt: time.Now().Add(-time.Hour)})
	m := mutationFor(uniq(t, "pay"), amt)
	if r := s.apply(t, order, m); r.Outcome != sdk.OutcomePaid {
		t.Fatalf("ApplyPayment outcome = %q (%s), want paid", r.Outcome, r.Reason)
	}
	return order, m
}

func (s *suite) reversesOnce(t *testing.T) {
	order, paid := s.paidOrder(t)
	rev := reversalOf(paid, uniq(t, "rev"))
	if r := s.reverse(t, order, paid, rev); r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("ReversePayment outcome = %q (%s), want reversed", r.Outcome, r.Reason)
	}
	if r := s.reverse(t, order, paid, rev); r.Outcome != sdk.OutcomeAlreadyReversed {
		t.Fatalf("replayed ReversePayment outcome = %q (%s), want already_reversed", r.Outcome, r.Reason)
	}
	if snap := s.h.Lookup(t, order.ID); snap.PaidBy != paid.ID {
		t.Errorf("after the reversal the order's payment marker is %q, want %q kept (it records what was paid)", snap.PaidBy, paid.ID)
	}
}

func (s *suite) refusesImplausibleReversal(t *testing.T) {
	order, paid := s.paidOrder(t)
	credit := reversalOf(paid, uniq(t, "credit"))
	credit.Type = "CR"
	partial := reversalOf(paid, uniq(t, "partial"))
	partial.Amount -= sdk.Rupiah(1)
	for name, rev := range map[string]sdk.Mutation{"a credit": credit, "a partial debit": partial, "the payment itself": reversalOf(paid, paid.ID)} {
		if r := s.reverse(t, order, paid, rev); r.Outcome != sdk.OutcomeRefused || r.Reason == "" {
			t.Errorf("ReversePayment with %s: outcome %q reason %q, want refused with a reason", name, r.Outcome, r.Reason)
		}
	}
	// The order can still be reversed by a genuine reversal: nothing was written.
	if r := s.reverse(t, order, paid, reversalOf(paid, uniq(t, "rev"))); r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("ReversePayment after refusals: outcome %q (%s), want reversed", r.Outcome, r.Reason)
	}
}

func (s *suite) refusesOtherPayment(t *testing.T) {
	order, paid := s.paidOrder(t)
	other := mutationFor(uniq(t, "other"), paid.Amount)
	if r := s.reverse(t, order, other, reversalOf(other, uniq(t, "rev"))); r.Outcome != sdk.OutcomeRefused || r.Reason == "" {
		t.Fatalf("ReversePayment of a payment that did not pay the order: outcome %q reason %q, want refused", r.Outcome, r.Reason)
	}
	open := s.h.Seed(t, SeedOrder{Amount: nextAmount(), State: Open, CreatedAt: time.Now().Add(-time.Hour)})
	unpaid := mutationFor(uniq(t, "unpaid"), open.Amount)
	if r := s.reverse(t, open, unpaid, reversalOf(unpaid, uniq(t, "rev"))); r.Outcome != sdk.OutcomeRefused {
		t.Fatalf("ReversePayment on an unpaid order: outcome %q (%s), want refused", r.Outcome, r.Reason)
	}
	if snap := s.h.Lookup(t, open.ID); snap.Paid || snap.PaidBy != "" {
		t.Errorf("an unpaid order was touched by a refused reversal: %+v", snap)
	}
}

func (s *suite) refusesSecondReversal(t *testing.T) {
	order, paid := s.paidOrder(t)
	if r := s.reverse(t, order, paid, reversalOf(paid, uniq(t, "rev1"))); r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("ReversePayment outcome = %q (%s), want reversed", r.Outcome, r.Reason)
	}
	if r := s.reverse(t, order, paid, reversalOf(paid, uniq(t, "rev2"))); r.Outcome != sdk.OutcomeRefused || r.Reason == "" {
		t.Fatalf("a second, different reversal of one payment: outcome %q reason %q, want refused (a person checks the statement)", r.Outcome, r.Reason)
	}
}
