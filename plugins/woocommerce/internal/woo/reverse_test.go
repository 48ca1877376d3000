package woo

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
)

func (s *testShop) reverse(o fakewoo.Order, orig, rev sdk.Mutation) (*sdk.ReversePaymentResponse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return s.store.ReversePayment(ctx, &sdk.ReversePaymentRequest{
		Order:    sdk.Order{ID: strconv.FormatInt(o.ID, 10), Number: o.Number, Status: o.Status},
		Original: orig, Reversal: rev,
		IdempotencyKey: "moota:" + rev.BankID + ":" + rev.ID,
	})
}

// paidOrder seeds an on-hold order and has Lunas pay it with m.
func (s *testShop) paidOrder(t *testing.T, m sdk.Mutation, o fakewoo.Order) fakewoo.Order {
	t.Helper()
	seeded := s.seed(m.Amount, o)
	if r, err := s.apply(seeded, m); err != nil || r.Outcome != sdk.OutcomePaid {
		t.Fatalf("ApplyPayment: %+v, %v", r, err)
	}
	return s.order(t, seeded.ID)
}

// reversalOf is the debit that returns m.
func reversalOf(id string, m sdk.Mutation) sdk.Mutation {
	rev := m
	rev.ID, rev.Type = id, "DB"
	rev.Description = "REVERSAL TRSF E-BANKING " + m.ID
	rev.Date = m.Date.Add(26 * time.Hour)
	return rev
}

// sub returns what the API did to an order between two ledger readings.
func sub(a, b fakewoo.Ledger) fakewoo.Ledger {
	return fakewoo.Ledger{Writes: a.Writes - b.Writes, StatusChanges: a.StatusChanges - b.StatusChanges, Notes: a.Notes - b.Notes}
}

func TestReversePaymentPutsPaidOrderBackOnHold(t *testing.T) {
	tests := []struct {
		paidStatus string
		was        string
	}{
		{"processing", "processing"},
		{"completed", "completed"},
	}
	for _, tt := range tests {
		t.Run(tt.was, func(t *testing.T) {
			shop := newShop(t, map[string]any{"paid_status": tt.paidStatus})
			m := mutation("3ykVJxnwYkN", sdk.Amount(15012300))
			o := shop.paidOrder(t, m, fakewoo.Order{Number: "TB-1042"})
			before, requests := shop.fake.Ledger(o.ID), len(shop.fake.Requests())
			rev := reversalOf("rVx81Lk0", m)

			r, err := shop.reverse(o, m, rev)
			if err != nil {
				t.Fatalf("ReversePayment: %v", err)
			}
			if r.Outcome != sdk.OutcomeReversed || r.Status != "on-hold" || !strings.Contains(r.Reason, `from "`+tt.was+`" to on-hold`) {
				t.Fatalf("got %+v, want reversed, on-hold, with a reason naming the old status", r)
			}
			got := shop.order(t, o.ID)
			if got.Status != "on-hold" || got.MetaValue("_lunas_reversed") != rev.ID {
				t.Errorf("order %q with reversal marker %q, want on-hold marked %s", got.Status, got.MetaValue("_lunas_reversed"), rev.ID)
			}
			// WooCommerce never clears the paid date; the payment's own
			// records stay as they were.
			if !got.DatePaid.Equal(o.DatePaid) || got.DatePaid.IsZero() {
				t.Errorf("date_paid %v, want it kept at %v", got.DatePaid, o.DatePaid)
			}
			if got.MetaValue("_lunas_mutation") != m.ID || got.TransactionID != m.ID {
				t.Errorf("payment marker %q, transaction_id %q, want both still %s", got.MetaValue("_lunas_mutation"), got.TransactionID, m.ID)
			}
			if d := sub(shop.fake.Ledger(o.ID), before); d != (fakewoo.Ledger{Writes: 1, StatusChanges: 1, Notes: 1}) {
				t.Errorf("reversal did %+v, want one write, one status change, one note", d)
			}
			want := []string{"GET /wp-json/wc/v3/orders/" + strconv.FormatInt(o.ID, 10), "PUT /wp-json/wc/v3/orders/" + strconv.FormatInt(o.ID, 10),
				"POST /wp-json/wc/v3/orders/" + strconv.FormatInt(o.ID, 10) + "/notes"}
			if sent := shop.fake.Requests()[requests:]; strings.Join(sent, ",") != strings.Join(want, ",") {
				t.Errorf("requests %v, want %v", sent, want)
			}
			notes := shop.userNotes(o.ID)
			if len(notes) != 2 {
				t.Fatalf("%d notes from Lunas, want the payment note and one reversal note: %+v", len(notes), notes)
			}
			note := "Pembayaran Rp 150.123 via BCA dibatalkan oleh bank (reversal rVx81Lk0 atas mutasi Moota 3ykVJxnwYkN). " +
				"Pesanan dikembalikan ke on-hold; periksa sebelum mengirim."
			if notes[1].Note != note || notes[1].CustomerNote {
				t.Errorf("reversal note %q (customer %v), want private note %q", notes[1].Note, notes[1].CustomerNote, note)
			}
		})
	}
}

func TestReversePaymentNoteIsPrivateAndConfigurable(t *testing.T) {
	shop := newShop(t, map[string]any{"customer_note": true,
		"reversal_note_template": "Dana {amount_raw} ditarik bank: {reversal_id} ({reversal_date}) untuk {order_number}"})
	m := mutation("mut-cfg", sdk.Rupiah(99000))
	o := shop.paidOrder(t, m, fakewoo.Order{Number: "TB-7"})
	if r, err := shop.reverse(o, m, reversalOf("rev-cfg", m)); err != nil || r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("ReversePayment: %+v, %v", r, err)
	}
	notes := shop.userNotes(o.ID)
	if len(notes) != 2 || !notes[0].CustomerNote {
		t.Fatalf("notes %+v, want a customer payment note and a reversal note", notes)
	}
	if want := "Dana 99000 ditarik bank: rev-cfg (2025-06-04 18:20) untuk TB-7"; notes[1].Note != want || notes[1].CustomerNote {
		t.Errorf("reversal note %q (customer %v), want private %q: customer_note applies to payment notes only", notes[1].Note, notes[1].CustomerNote, want)
	}
}

func TestReversePaymentReplayWritesNothing(t *testing.T) {
	shop := newShop(t, nil)
	m := mutation("mut-1", sdk.Rupiah(250017))
	o := shop.paidOrder(t, m, fakewoo.Order{})
	rev := reversalOf("rev-1", m)
	if r, err := shop.reverse(o, m, rev); err != nil || r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("first ReversePayment: %+v, %v", r, err)
	}
	before, requests := shop.fake.Ledger(o.ID), len(shop.fake.Requests())

	for i := range 3 {
		r, err := shop.reverse(o, m, rev)
		if err != nil || r.Outcome != sdk.OutcomeAlreadyReversed || r.Status != "on-hold" {
			t.Fatalf("replay %d: %+v, %v; want already_reversed, on-hold", i, r, err)
		}
	}
	if after := shop.fake.Ledger(o.ID); after != before {
		t.Errorf("replays changed the ledger: %+v -> %+v", before, after)
	}
	for _, req := range shop.fake.Requests()[requests:] {
		if !strings.HasPrefix(req, "GET ") {
			t.Errorf("a replay sent %s", req)
		}
	}
}

func TestReversePaymentCompletesAMissingNoteOnce(t *testing.T) {
	tests := []struct {
		name    string
		applied bool // the failed note post was stored anyway (answer lost)
	}{
		{"note post failed", false},
		{"note stored but answer lost", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop := newShop(t, nil)
			m := mutation("mut-note", sdk.Rupiah(99123))
			o := shop.paidOrder(t, m, fakewoo.Order{})
			rev := reversalOf("rev-note", m)
			shop.fake.FailNotePosts(1, 503, tt.applied)

			_, err := shop.reverse(o, m, rev)
			if err == nil || sdk.IsPermanent(err) || !strings.Contains(err.Error(), "a retry adds it") {
				t.Fatalf("ReversePayment with a failing note post: err = %v, want a retryable error", err)
			}
			if got := shop.order(t, o.ID); got.Status != "on-hold" || got.MetaValue("_lunas_reversed") != rev.ID {
				t.Fatalf("order after the failed note: %q, marker %q; want on-hold with the marker", got.Status, got.MetaValue("_lunas_reversed"))
			}
			for i := range 2 {
				r, err := shop.reverse(o, m, rev)
				if err != nil || r.Outcome != sdk.OutcomeAlreadyReversed {
					t.Fatalf("retry %d: %+v, %v; want already_reversed", i, r, err)
				}
			}
			reversalNotes := 0
			for _, n := range shop.userNotes(o.ID) {
				if strings.Contains(n.Note, rev.ID) {
					reversalNotes++
				}
			}
			if reversalNotes != 1 {
				t.Errorf("%d reversal notes after the retries, want exactly 1", reversalNotes)
			}
			if l := shop.fake.Ledger(o.ID); l.Writes != 2 {
				t.Errorf("order written %d times, want twice (payment, reversal)", l.Writes)
			}
		})
	}
}

func TestReversePaymentLostUpdateAnswerIsNotRepeated(t *testing.T) {
	shop := newShop(t, map[string]any{"timeout": "200ms"})
	m := mutation("mut-slow", sdk.Rupiah(175050))
	o := shop.paidOrder(t, m, fakewoo.Order{})
	rev := reversalOf("rev-slow", m)
	// The PUT lands after the client has given up waiting for its answer.
	shop.fake.FailNext(1, fakewoo.Fault{Method: "PUT", Delay: 5 * time.Second})

	_, err := shop.reverse(o, m, rev)
	if err == nil || sdk.IsPermanent(err) {
		t.Fatalf("ReversePayment with an unanswered PUT: err = %v, want a retryable error", err)
	}
	waitFor(t, "the fake to apply the abandoned PUT", func() bool { return shop.fake.Ledger(o.ID).Writes == 2 })

	r, err := shop.reverse(o, m, rev)
	if err != nil || r.Outcome != sdk.OutcomeAlreadyReversed {
		t.Fatalf("retry: %+v, %v; want already_reversed", r, err)
	}
	if l := shop.fake.Ledger(o.ID); l != (fakewoo.Ledger{Writes: 2, StatusChanges: 2, Notes: 2}) {
		t.Errorf("ledger %+v, want two writes, two status changes and two notes (payment, reversal)", l)
	}
}

func TestReversePaymentRefusals(t *testing.T) {
	amt := sdk.Rupiah(150123)
	m := mutation("mut-paid", amt)
	rev := reversalOf("rev-1", m)
	credit := rev
	credit.Type = "CR"
	partial := rev
	partial.Amount = amt - sdk.Rupiah(1)
	self := rev
	self.ID = m.ID
	tests := []struct {
		name    string
		prepare func(t *testing.T, shop *testShop) fakewoo.Order // the order, as it is before the call
		rev     sdk.Mutation
		reason  string
	}{
		{"paid by another mutation", func(t *testing.T, shop *testShop) fakewoo.Order {
			return shop.paidOrder(t, mutation("mut-other", amt), fakewoo.Order{})
		}, rev, "was paid by mutation mut-other, not by mut-paid"},
		{"paid outside Lunas", func(t *testing.T, shop *testShop) fakewoo.Order {
			return shop.seed(amt, fakewoo.Order{Status: "processing", DatePaid: time.Now(), TransactionID: "pi_1"})
		}, rev, "no payment recorded by Lunas"},
		{"never paid", func(t *testing.T, shop *testShop) fakewoo.Order {
			return shop.seed(amt, fakewoo.Order{})
		}, rev, "no payment recorded by Lunas"},
		{"cancelled after payment", func(t *testing.T, shop *testShop) fakewoo.Order {
			o := shop.paidOrder(t, m, fakewoo.Order{})
			shop.fake.SetStatus(o.ID, "cancelled")
			return shop.order(t, o.ID)
		}, rev, `is "cancelled"`},
		{"refunded after payment", func(t *testing.T, shop *testShop) fakewoo.Order {
			o := shop.paidOrder(t, m, fakewoo.Order{})
			shop.fake.SetStatus(o.ID, "refunded")
			return shop.order(t, o.ID)
		}, rev, `is "refunded"`},
		{"reversed before by another debit", func(t *testing.T, shop *testShop) fakewoo.Order {
			o := shop.paidOrder(t, m, fakewoo.Order{})
			if r, err := shop.reverse(o, m, reversalOf("rev-0", m)); err != nil || r.Outcome != sdk.OutcomeReversed {
				t.Fatalf("first reversal: %+v, %v", r, err)
			}
			return shop.order(t, o.ID)
		}, rev, "already reversed by mutation rev-0"},
		{"reversal is a credit", func(t *testing.T, shop *testShop) fakewoo.Order {
			return shop.paidOrder(t, m, fakewoo.Order{})
		}, credit, "not a debit"},
		{"partial reversal", func(t *testing.T, shop *testShop) fakewoo.Order {
			return shop.paidOrder(t, m, fakewoo.Order{})
		}, partial, "partial reversal is left to a person"},
		{"reversal is the payment", func(t *testing.T, shop *testShop) fakewoo.Order {
			return shop.paidOrder(t, m, fakewoo.Order{})
		}, self, "the same mutation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop := newShop(t, nil)
			o := tt.prepare(t, shop)
			before, notes := shop.fake.Ledger(o.ID), len(shop.fake.Notes(o.ID))

			r, err := shop.reverse(o, m, tt.rev)
			if err != nil {
				t.Fatalf("ReversePayment: %v", err)
			}
			if r.Outcome != sdk.OutcomeRefused || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("outcome %q reason %q, want refused mentioning %q", r.Outcome, r.Reason, tt.reason)
			}
			got := shop.order(t, o.ID)
			if after := shop.fake.Ledger(o.ID); after != before || len(shop.fake.Notes(o.ID)) != notes {
				t.Errorf("a refused reversal wrote: %+v -> %+v", before, after)
			}
			if got.Status != o.Status || got.MetaValue("_lunas_reversed") != o.MetaValue("_lunas_reversed") {
				t.Errorf("order changed: %q -> %q, reversal marker %q -> %q", o.Status, got.Status, o.MetaValue("_lunas_reversed"), got.MetaValue("_lunas_reversed"))
			}
		})
	}
}

func TestReversePaymentUnknownOrder(t *testing.T) {
	shop := newShop(t, nil)
	m := mutation("mut-ghost", sdk.Rupiah(10000))
	tests := []struct {
		name   string
		order  fakewoo.Order
		reason string
	}{
		{"no such order", fakewoo.Order{ID: 999999001, Number: "999999001"}, "no longer exists"},
		{"not a WooCommerce id", fakewoo.Order{ID: -4}, "not a WooCommerce order id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := shop.reverse(tt.order, m, reversalOf("rev-ghost", m))
			if err != nil || r.Outcome != sdk.OutcomeRefused || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("got %+v, %v; want refused mentioning %q", r, err, tt.reason)
			}
		})
	}
	for _, req := range shop.fake.Requests() {
		if !strings.HasPrefix(req, "GET ") {
			t.Errorf("an unknown order led to %s", req)
		}
	}
}

// A plugin on the store that moves the order elsewhere on save must not
// let Lunas report a reversal WooCommerce did not keep.
func TestReversePaymentReportsAStatusItDidNotGet(t *testing.T) {
	shop := newShop(t, nil)
	m := mutation("mut-hook", sdk.Rupiah(64000))
	o := shop.paidOrder(t, m, fakewoo.Order{})
	shop.fake.AfterUpdate(func(o *fakewoo.Order) {
		if o.Status == "on-hold" && !o.DatePaid.IsZero() {
			o.Status = "processing"
		}
	})
	_, err := shop.reverse(o, m, reversalOf("rev-hook", m))
	if err == nil || !sdk.IsPermanent(err) || !strings.Contains(err.Error(), `asked WooCommerce for status "on-hold" but the order is "processing"`) {
		t.Fatalf("err = %v, want a permanent error naming both statuses", err)
	}
	if n := len(shop.userNotes(o.ID)); n != 1 {
		t.Errorf("%d Lunas notes, want only the payment note", n)
	}
}

func TestReversePaymentConcurrentCallsWriteOnce(t *testing.T) {
	shop := newShop(t, nil)
	m := mutation("mut-race", sdk.Rupiah(333333))
	o := shop.paidOrder(t, m, fakewoo.Order{})
	rev := reversalOf("rev-race", m)
	const n = 8
	outcomes := make(chan sdk.Outcome, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			r, err := shop.reverse(o, m, rev)
			if err != nil {
				t.Errorf("ReversePayment: %v", err)
				return
			}
			outcomes <- r.Outcome
		})
	}
	wg.Wait()
	close(outcomes)
	reversed := 0
	for oc := range outcomes {
		if oc == sdk.OutcomeReversed {
			reversed++
		} else if oc != sdk.OutcomeAlreadyReversed {
			t.Errorf("outcome %q", oc)
		}
	}
	if reversed != 1 {
		t.Errorf("%d calls reported reversed, want 1", reversed)
	}
	if l := shop.fake.Ledger(o.ID); l.Writes != 2 || l.Notes != 2 {
		t.Errorf("ledger %+v, want two writes and two notes (payment, reversal)", l)
	}
}

// After a reversal the order is unpaid but keeps its payment history: the
// original mutation replayed is still already_paid, and a new transfer is
// for a person to confirm.
func TestApplyPaymentAfterReversal(t *testing.T) {
	shop := newShop(t, nil)
	m := mutation("mut-first", sdk.Rupiah(120000))
	o := shop.paidOrder(t, m, fakewoo.Order{})
	if r, err := shop.reverse(o, m, reversalOf("rev-first", m)); err != nil || r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("ReversePayment: %+v, %v", r, err)
	}
	before := shop.fake.Ledger(o.ID)
	tests := []struct {
		name    string
		m       sdk.Mutation
		outcome sdk.Outcome
		reason  string
	}{
		{"the reversed payment replayed", m, sdk.OutcomeAlreadyPaid, "since reversed (mutation rev-first)"},
		{"a new transfer", mutation("mut-second", sdk.Rupiah(120000)), sdk.OutcomeRefused, "which the bank reversed (mutation rev-first): confirm a new payment by hand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := shop.apply(o, tt.m)
			if err != nil || r.Outcome != tt.outcome || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("got %+v, %v; want %s mentioning %q", r, err, tt.outcome, tt.reason)
			}
		})
	}
	if after := shop.fake.Ledger(o.ID); after != before {
		t.Errorf("payments on a reversed order wrote: %+v -> %+v", before, after)
	}
}
