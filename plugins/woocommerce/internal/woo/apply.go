package woo

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lunas-dev/lunas/sdk"
)

// ApplyPayment marks the order paid by req.Mutation, exactly once.
//
// Calls for one order are serialised within the process. The order is read
// again; a marker already on it means it was paid (already_paid; when this
// mutation set it, a note missing after a crash is added now; when another
// mutation set it and the bank reversed that payment, refused). An order that
// is not on-hold or pending, already has a payment recorded, uses another
// payment method, or whose total differs from the transfer is refused:
// WooCommerce itself would accept a status change even on a cancelled
// order. Otherwise one PUT sets the paid status, transaction_id and the
// marker, and one note is added.
//
// A failure after the PUT (a lost answer, a failed note) returns an error of
// the failed call's class; the retry finds the marker and completes the note
// without writing the order again.
func (s *Store) ApplyPayment(ctx context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
	cfg, c, err := s.current()
	if err != nil {
		return nil, err
	}
	m := req.Mutation
	if m.ID == "" {
		return nil, sdk.Permanentf("ApplyPayment for order %s: the mutation has no id", req.Order.ID)
	}
	if m.Type == "DB" {
		return sdk.Refused(req.Order.Status, "mutation %s is a debit (DB): money going out never pays an order", m.ID), nil
	}
	if m.Amount <= 0 {
		return sdk.Refused(req.Order.Status, "mutation %s has amount %s: only a positive transfer pays an order", m.ID, m.Amount), nil
	}
	id, err := strconv.ParseInt(req.Order.ID, 10, 64)
	if err != nil || id <= 0 {
		return sdk.Refused(req.Order.Status, "order id %q is not a WooCommerce order id", req.Order.ID), nil
	}

	unlock, err := s.locks.Lock(ctx, req.Order.ID)
	if err != nil {
		return nil, sdk.Retryable(fmt.Errorf("waiting for another payment on order %d: %w", id, err), 0)
	}
	defer unlock()

	o, err := c.getOrder(ctx, id)
	if statusOf(err) == 404 {
		return sdk.Refused("", "order %d (number %s) no longer exists in WooCommerce", id, req.Order.Number), nil
	}
	if err != nil {
		return nil, err
	}
	if o.marker() != "" {
		return s.alreadyPaid(ctx, cfg, c, o, m)
	}
	if reason := refusal(cfg, o, m); reason != "" {
		s.log.Info("payment refused", "order_id", o.ID, "number", o.number(), "mutation_id", m.ID, "reason", reason)
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: reason, Status: o.Status}, nil
	}

	want := cfg.statusFor(o.NeedsProcessing)
	paid, err := c.markPaid(ctx, o.ID, want, m.ID)
	if err != nil {
		return nil, err
	}
	if err := checkPaid(paid, want, m.ID); err != nil {
		s.log.Error("order update not confirmed", "order_id", o.ID, "mutation_id", m.ID, "error", err.Error())
		return nil, err
	}
	s.log.Info("order marked paid", "order_id", o.ID, "number", o.number(), "mutation_id", m.ID,
		"amount", m.Amount.String(), "status", paid.Status)
	if err := c.addNote(ctx, paid.ID, cfg.note.render(noteData{Mutation: m, OrderNumber: paid.number()}), cfg.customerNote); err != nil {
		return nil, keepClass(err, "order %s was marked paid but its note could not be added (a retry adds it)", paid.label())
	}
	return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomePaid, Status: paid.Status}, nil
}

// alreadyPaid answers for an order carrying the marker. When this mutation
// set it, an earlier attempt may have stopped between the PUT and the note:
// the note is added if no note names the mutation yet. Another mutation on
// an order whose payment the bank reversed is refused: the order is unpaid,
// but whether this transfer settles it is for a person to say.
func (s *Store) alreadyPaid(ctx context.Context, cfg *config, c *client, o *wcOrder, m sdk.Mutation) (*sdk.ApplyPaymentResponse, error) {
	marker, reversal := o.marker(), o.reversal()
	if marker != m.ID && reversal != "" {
		// The order is not paid, but its payment history is: a person
		// decides whether this transfer replaces the reversed one.
		return sdk.Refused(o.Status, "order %s was paid by Moota mutation %s, which the bank reversed (mutation %s): confirm a new payment by hand",
			o.label(), marker, reversal), nil
	}
	if marker != m.ID {
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: o.Status,
			Reason: fmt.Sprintf("order %s was paid by Moota mutation %s", o.label(), marker)}, nil
	}
	notes, err := c.notes(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	if !hasNoteFor(notes, m.ID) {
		if err := c.addNote(ctx, o.ID, cfg.note.render(noteData{Mutation: m, OrderNumber: o.number()}), cfg.customerNote); err != nil {
			return nil, keepClass(err, "order %s is paid but its note could not be added (a retry adds it)", o.label())
		}
		s.log.Info("added the note an earlier attempt left out", "order_id", o.ID, "mutation_id", m.ID)
	}
	reason := fmt.Sprintf("order %s was already paid by this mutation", o.label())
	if reversal != "" {
		reason += fmt.Sprintf(", which the bank has since reversed (mutation %s)", reversal)
	}
	return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: o.Status, Reason: reason}, nil
}

// refusal returns why the order cannot take this payment, or "".
func refusal(cfg *config, o *wcOrder, m sdk.Mutation) string {
	if !openStatuses[o.Status] {
		return fmt.Sprintf("order %s is %q, not awaiting payment (on-hold or pending)", o.label(), o.Status)
	}
	if o.paymentRecorded() {
		return fmt.Sprintf("order %s already has a payment recorded in WooCommerce (date_paid_gmt %q, transaction_id %q)",
			o.label(), o.datePaid(), o.TransactionID)
	}
	if !cfg.methods[o.PaymentMethod] {
		return fmt.Sprintf("order %s is to be paid with %q, which is not in payment_methods", o.label(), o.PaymentMethod)
	}
	total, err := o.amount()
	if err != nil {
		return fmt.Sprintf("order %s has a total Lunas cannot read exactly (%q)", o.label(), string(o.Total))
	}
	if total != m.Amount {
		return fmt.Sprintf("order %s total is now %s %s, the transfer was %s", o.label(), o.Currency, total, m.Amount)
	}
	return paidElsewhere(o, m)
}

// paidElsewhere returns why a transfer into another account or virtual
// account than the order expects (Moota's plugin's meta) cannot pay it, or
// "". The core's matcher already keeps such pairs apart; the order is read
// again here because the customer may have switched gateways since.
func paidElsewhere(o *wcOrder, m sdk.Mutation) string {
	bankID, va, _ := o.mootaFacts()
	if bankID != "" && m.BankID != "" && bankID != m.BankID {
		return fmt.Sprintf("order %s is to be paid into Moota account %s, the transfer went to %s", o.label(), bankID, m.BankID)
	}
	if va != "" && isVirtualAccount(m.BankType) && strings.TrimSpace(m.AccountNumber) != va {
		return fmt.Sprintf("order %s is to be paid into virtual account %s, the payment went to %s", o.label(), va, m.AccountNumber)
	}
	return ""
}

// isVirtualAccount reports whether a Moota bank_type is a virtual account:
// one ending in "VA", in any case ("bcaVA", "bniVA"), as Moota's plugin
// tests it (src/Contracts/MootaWebhook.php: preg_match('/va$/i', $bank_type)).
func isVirtualAccount(bankType string) bool {
	t := strings.ToLower(strings.TrimSpace(bankType))
	return strings.HasSuffix(t, "va")
}

// checkPaid confirms that WooCommerce applied the update: the status asked
// for, the marker, and a payment date. WooCommerce records the date only
// when the status is its own "payment complete" status, so "processing" on
// an order that needs no processing leaves it empty.
func checkPaid(o *wcOrder, want, mutationID string) error {
	switch {
	case o.Status != want:
		return sdk.Permanentf("order %s: asked WooCommerce for status %q but the order is %q (a plugin on the store may have changed it); check the order by hand",
			o.label(), want, o.Status)
	case o.marker() != mutationID:
		return sdk.Permanentf("order %s: WooCommerce did not save the %s meta (it reads %q); check the order by hand", o.label(), markerKey, o.marker())
	case o.datePaid() == "":
		hint := "check the order by hand"
		if o.NeedsProcessing != nil && !*o.NeedsProcessing && want == paidProcessing {
			hint = `the order needs no processing, so WooCommerce counts only "completed" as paid: set paid_status = "auto"`
		}
		return sdk.Permanentf("order %s moved to %q but WooCommerce recorded no payment date (date_paid_gmt is empty); %s", o.label(), want, hint)
	}
	return nil
}

// keepClass adds context to err without changing its class or delay.
func keepClass(err error, format string, args ...any) error {
	wrapped := fmt.Errorf(format+": %w", append(args, err)...)
	if class, after := sdk.ClassOf(err); class == sdk.ClassRetryable {
		return sdk.Retryable(wrapped, after)
	}
	return sdk.Permanent(wrapped)
}
