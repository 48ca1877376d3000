package shopify

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/shopify/fakeshopify"
	"github.com/lunas-dev/lunas/sdk"
)

const wantReversalLine = "Lunas: pembayaran Rp150.123 via transfer bca (mutasi Moota mut-1) dibatalkan oleh bank " +
	"(reversal rev-1 pada 2025-06-04 11:05 WIB). Dana tidak diterima: jangan kirim pesanan; refund atau void pembayarannya di admin Shopify."

func (h *harness) reverse(t *testing.T, o fakeshopify.Order, orig, rev sdk.Mutation) (*sdk.ReversePaymentResponse, error) {
	t.Helper()
	return h.store.ReversePayment(testCtx(t), &sdk.ReversePaymentRequest{
		Order:    sdk.Order{ID: o.ID, Number: o.Name, Status: o.FinancialStatus, Currency: o.Currency},
		Original: orig, Reversal: rev, IdempotencyKey: "moota:" + rev.BankID + ":" + rev.ID,
	})
}

// paidOrder seeds an order due m.Amount and has Lunas pay it with m.
func (h *harness) paidOrder(t *testing.T, m sdk.Mutation, seed fakeshopify.NewOrder) fakeshopify.Order {
	t.Helper()
	seed.Amount = m.Amount
	o := h.fake.AddOrder(seed)
	if r := h.pay(t, o, m); r.Outcome != sdk.OutcomePaid || r.Reason != "" {
		t.Fatalf("payment: %q (%s)", r.Outcome, r.Reason)
	}
	return h.order(t, o.ID)
}

// reversalOf is the debit that returns m, a day and two hours later.
func reversalOf(id string, m sdk.Mutation) sdk.Mutation {
	rev := m
	rev.ID, rev.Type = id, "DB"
	rev.Description = "REVERSAL TRSF E-BANKING " + m.ID
	rev.Date = m.Date.Add(26 * time.Hour)
	return rev
}

// looks is what a merchant sees of an order, and its ledger.
type looks struct {
	note, status, mutation, reversed string
	tags                             string
	writes                           [4]int
}

func lookOf(o fakeshopify.Order) looks {
	return looks{note: o.Note, status: o.FinancialStatus, mutation: o.Metafield("lunas", "mutation"), reversed: o.Metafield("lunas", "reversed"),
		tags: strings.Join(o.Tags, ","), writes: writes(o)}
}

func TestReversalAnnotatesThePaidOrder(t *testing.T) {
	h := staticHarness(t, nil)
	m := mutation("mut-1", sdk.Rupiah(150123))
	o := h.paidOrder(t, m, fakeshopify.NewOrder{Note: "Tolong kirim sebelum jam 5", Tags: []string{"vip"}})
	requests := h.fake.Stats().Requests

	r, err := h.reverse(t, o, m, reversalOf("rev-1", m))
	if err != nil {
		t.Fatalf("ReversePayment: %v", err)
	}
	if r.Outcome != sdk.OutcomeReversed || r.Status != "PAID" || !strings.Contains(r.Reason, "refund or void the payment in Shopify admin") {
		t.Fatalf("got %+v, want reversed with status PAID and a reason telling the merchant to refund or void", r)
	}
	got := h.order(t, o.ID)
	if want := "Tolong kirim sebelum jam 5\n" + wantLine + "\n" + wantReversalLine; got.Note != want {
		t.Errorf("note = %q\nwant  %q (all kept, one line appended)", got.Note, want)
	}
	if !slices.Equal(got.Tags, []string{"vip", "lunas-paid", "lunas-reversed"}) {
		t.Errorf("tags = %v, want the old ones and lunas-reversed", got.Tags)
	}
	if mf := got.Metafields["lunas.reversed"]; mf.Value != "rev-1" || mf.Type != "single_line_text_field" {
		t.Errorf("reversal marker = %+v, want rev-1", mf)
	}
	if got.Metafield("lunas", "mutation") != m.ID || got.FinancialStatus != "PAID" {
		t.Errorf("payment marker %q, status %s: the payment's own records must stay", got.Metafield("lunas", "mutation"), got.FinancialStatus)
	}
	if d := writes(got); d != [4]int{o.MarkPaidTries, o.NoteWrites + 1, o.TagWrites + 1, o.MetafieldWrites + 1} {
		t.Errorf("ledger %v after %v, want one note, one tag and one metafield write", d, writes(o))
	}
	if n := h.fake.Stats().Requests - requests; n != 2 {
		t.Errorf("%d requests, want 2: read the order, then one annotation", n)
	}
}

func TestReversalReplayWritesNothing(t *testing.T) {
	h := staticHarness(t, nil)
	m := mutation("mut-1", sdk.Rupiah(150123))
	o := h.paidOrder(t, m, fakeshopify.NewOrder{})
	rev := reversalOf("rev-1", m)
	if r, err := h.reverse(t, o, m, rev); err != nil || r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("first reversal: %+v, %v", r, err)
	}
	before := lookOf(h.order(t, o.ID))
	for i := range 3 {
		r, err := h.reverse(t, o, m, rev)
		if err != nil || r.Outcome != sdk.OutcomeAlreadyReversed || r.Status != "PAID" {
			t.Fatalf("replay %d: %+v, %v; want already_reversed, PAID", i, r, err)
		}
	}
	if after := lookOf(h.order(t, o.ID)); after != before {
		t.Errorf("replays wrote:\n%+v\n%+v", before, after)
	}
}

func TestReversalReplayFinishesIncompleteAnnotation(t *testing.T) {
	tests := map[string]struct {
		damage func(h *harness, id string)
		writes [4]int // what finishing adds: tries, note, tag, metafield writes
	}{
		"tag removed":  {func(h *harness, id string) { h.fake.SetTags(id, "lunas-paid") }, [4]int{0, 0, 1, 0}},
		"line removed": {func(h *harness, id string) { h.fake.SetNote(id, "catatan\n"+wantLine) }, [4]int{0, 1, 0, 0}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := staticHarness(t, nil)
			m := mutation("mut-1", sdk.Rupiah(150123))
			o := h.paidOrder(t, m, fakeshopify.NewOrder{Note: "catatan"})
			rev := reversalOf("rev-1", m)
			if r, err := h.reverse(t, o, m, rev); err != nil || r.Outcome != sdk.OutcomeReversed {
				t.Fatalf("first reversal: %+v, %v", r, err)
			}
			tc.damage(h, o.ID)
			before := writes(h.order(t, o.ID))

			for range 2 {
				if r, err := h.reverse(t, o, m, rev); err != nil || r.Outcome != sdk.OutcomeAlreadyReversed {
					t.Fatalf("replay: %+v, %v; want already_reversed", r, err)
				}
			}
			got := h.order(t, o.ID)
			if d := writes(got); d != [4]int{before[0] + tc.writes[0], before[1] + tc.writes[1], before[2] + tc.writes[2], before[3] + tc.writes[3]} {
				t.Errorf("ledger %v -> %v, want only the missing part written, once", before, d)
			}
			if got.Note != "catatan\n"+wantLine+"\n"+wantReversalLine || !slices.Contains(got.Tags, "lunas-reversed") {
				t.Errorf("annotation not finished: note %q, tags %v", got.Note, got.Tags)
			}
		})
	}
}

// A failed annotation writes nothing that matters twice: the retry finds
// no marker and annotates once.
func TestReversalAnnotationFailureIsRetryable(t *testing.T) {
	h := staticHarness(t, nil)
	m := mutation("mut-1", sdk.Rupiah(150123))
	o := h.paidOrder(t, m, fakeshopify.NewOrder{})
	rev := reversalOf("rev-1", m)
	h.fake.FailOperation("metafieldsSet", annotateAttempts, fakeshopify.Unavailable())

	_, err := h.reverse(t, o, m, rev)
	if err == nil || sdk.IsPermanent(err) {
		t.Fatalf("ReversePayment while Shopify is unavailable: %v, want a retryable error", err)
	}
	if got := h.order(t, o.ID); lookOf(got) != lookOf(o) {
		t.Fatalf("a failed reversal changed the order: %+v", got)
	}
	if r, err := h.reverse(t, o, m, rev); err != nil || r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("retry: %+v, %v; want reversed", r, err)
	}
	if got := h.order(t, o.ID); strings.Count(got.Note, "rev-1") != 1 || got.Metafield("lunas", "reversed") != "rev-1" {
		t.Errorf("after the retry: note %q, marker %q", got.Note, got.Metafield("lunas", "reversed"))
	}
}

func TestReversalRefusals(t *testing.T) {
	amount := sdk.Rupiah(150123)
	m := mutation("mut-1", amount)
	rev := reversalOf("rev-1", m)
	credit := rev
	credit.Type = "CR"
	partial := rev
	partial.Amount = amount - sdk.Rupiah(1)
	self := rev
	self.ID = m.ID
	tests := map[string]struct {
		prepare func(t *testing.T, h *harness) fakeshopify.Order
		rev     sdk.Mutation
		want    string
	}{
		"paid by another mutation": {func(t *testing.T, h *harness) fakeshopify.Order {
			return h.paidOrder(t, mutation("mut-other", amount), fakeshopify.NewOrder{})
		}, rev, "was paid by mutation mut-other, not by mut-1"},
		"paid by the merchant": {func(t *testing.T, h *harness) fakeshopify.Order {
			o := h.fake.AddOrder(fakeshopify.NewOrder{Amount: amount})
			h.fake.MarkPaidByMerchant(o.ID)
			return h.order(t, o.ID)
		}, rev, "no payment recorded by Lunas"},
		"never paid": {func(t *testing.T, h *harness) fakeshopify.Order {
			return h.fake.AddOrder(fakeshopify.NewOrder{Amount: amount, Note: "belum bayar"})
		}, rev, "no payment recorded by Lunas"},
		"reversed before by another debit": {func(t *testing.T, h *harness) fakeshopify.Order {
			o := h.paidOrder(t, m, fakeshopify.NewOrder{})
			if r, err := h.reverse(t, o, m, reversalOf("rev-0", m)); err != nil || r.Outcome != sdk.OutcomeReversed {
				t.Fatalf("first reversal: %+v, %v", r, err)
			}
			return h.order(t, o.ID)
		}, rev, "already reversed by mutation rev-0"},
		"reversal is a credit": {func(t *testing.T, h *harness) fakeshopify.Order {
			return h.paidOrder(t, m, fakeshopify.NewOrder{})
		}, credit, "not a debit"},
		"partial reversal": {func(t *testing.T, h *harness) fakeshopify.Order {
			return h.paidOrder(t, m, fakeshopify.NewOrder{})
		}, partial, "partial reversal is left to a person"},
		"reversal is the payment": {func(t *testing.T, h *harness) fakeshopify.Order {
			return h.paidOrder(t, m, fakeshopify.NewOrder{})
		}, self, "the same mutation"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := staticHarness(t, nil)
			o := tc.prepare(t, h)
			before := lookOf(o)
			r, err := h.reverse(t, o, m, tc.rev)
			if err != nil || r.Outcome != sdk.OutcomeRefused || !strings.Contains(r.Reason, tc.want) {
				t.Fatalf("got %+v, %v; want refused mentioning %q", r, err, tc.want)
			}
			if after := lookOf(h.order(t, o.ID)); after != before {
				t.Errorf("a refused reversal touched the order:\n%+v\n%+v", before, after)
			}
		})
	}
}

func TestReversalUnknownOrder(t *testing.T) {
	h := staticHarness(t, nil)
	m := mutation("mut-1", sdk.Rupiah(1000))
	tests := map[string]struct{ id, want string }{
		"no such order":    {"gid://shopify/Order/42", "does not exist"},
		"not a shopify id": {"order-7", "not a Shopify order id"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := h.reverse(t, fakeshopify.Order{ID: tc.id, Name: "#42"}, m, reversalOf("rev-1", m))
			if err != nil || r.Outcome != sdk.OutcomeRefused || !strings.Contains(r.Reason, tc.want) {
				t.Fatalf("got %+v, %v; want refused mentioning %q", r, err, tc.want)
			}
		})
	}
}

// An order the merchant already refunded is still marked (the bank took
// the money back, so the customer may have been paid twice), and the
// reason says so.
func TestReversalOfARefundedOrderWarnsOfADoubleRefund(t *testing.T) {
	h := staticHarness(t, nil)
	m := mutation("mut-1", sdk.Rupiah(150123))
	o := h.paidOrder(t, m, fakeshopify.NewOrder{})
	h.fake.Refund(o.ID)
	r, err := h.reverse(t, o, m, reversalOf("rev-1", m))
	if err != nil || r.Outcome != sdk.OutcomeReversed || r.Status != "REFUNDED" || !strings.Contains(r.Reason, "not refunded as well") {
		t.Fatalf("got %+v, %v; want reversed, REFUNDED, warning of a double refund", r, err)
	}
	if got := h.order(t, o.ID); got.Metafield("lunas", "reversed") != "rev-1" || !strings.Contains(got.Note, wantReversalLine) {
		t.Errorf("refunded order not annotated: note %q", got.Note)
	}
}

func TestReversalNoteAndTagsAreConfigurable(t *testing.T) {
	h := staticHarness(t, map[string]any{"reversal_note_template": "", "reversal_tags": []string{"cek-bank", "jangan-kirim"}})
	m := mutation("mut-1", sdk.Rupiah(150123))
	o := h.paidOrder(t, m, fakeshopify.NewOrder{Note: "asli"})
	if r, err := h.reverse(t, o, m, reversalOf("rev-1", m)); err != nil || r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("ReversePayment: %+v, %v", r, err)
	}
	got := h.order(t, o.ID)
	if got.Note != o.Note || got.NoteWrites != o.NoteWrites || !slices.Equal(got.Tags, []string{"lunas-paid", "cek-bank", "jangan-kirim"}) ||
		got.Metafield("lunas", "reversed") != "rev-1" {
		t.Fatalf("with no reversal line and custom tags: note %q (%d writes), tags %v", got.Note, got.NoteWrites, got.Tags)
	}
}

func TestReversalConcurrentCallsAnnotateOnce(t *testing.T) {
	h := staticHarness(t, nil)
	m := mutation("mut-1", sdk.Rupiah(150123))
	o := h.paidOrder(t, m, fakeshopify.NewOrder{})
	rev := reversalOf("rev-1", m)
	const n = 6
	outcomes := make(chan sdk.Outcome, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			r, err := h.reverse(t, o, m, rev)
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
	if got := h.order(t, o.ID); writes(got) != [4]int{o.MarkPaidTries, o.NoteWrites + 1, o.TagWrites + 1, o.MetafieldWrites + 1} {
		t.Errorf("ledger %v after %v, want the reversal written once", writes(got), writes(o))
	}
}

// After a reversal the order is paid on paper only: the reversed payment
// replayed is still already_paid, and a new transfer is for a person.
func TestApplyPaymentAfterReversal(t *testing.T) {
	h := staticHarness(t, nil)
	m := mutation("mut-1", sdk.Rupiah(150123))
	o := h.paidOrder(t, m, fakeshopify.NewOrder{})
	if r, err := h.reverse(t, o, m, reversalOf("rev-1", m)); err != nil || r.Outcome != sdk.OutcomeReversed {
		t.Fatalf("ReversePayment: %+v, %v", r, err)
	}
	before := lookOf(h.order(t, o.ID))
	tests := map[string]struct {
		m       sdk.Mutation
		outcome sdk.Outcome
		want    string
	}{
		"the reversed payment replayed": {m, sdk.OutcomeAlreadyPaid, "since reversed (mutation rev-1)"},
		"a new transfer":                {mutation("mut-2", sdk.Rupiah(150123)), sdk.OutcomeRefused, "which the bank reversed (mutation rev-1)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if r := h.pay(t, o, tc.m); r.Outcome != tc.outcome || !strings.Contains(r.Reason, tc.want) {
				t.Fatalf("got %q (%s), want %s mentioning %q", r.Outcome, r.Reason, tc.outcome, tc.want)
			}
		})
	}
	if after := lookOf(h.order(t, o.ID)); after != before {
		t.Errorf("payments on a reversed order wrote:\n%+v\n%+v", before, after)
	}
}
