package woo

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/woocommerce/fakewoo"
	"github.com/lunas-dev/lunas/sdk"
)

func TestApplyPaymentMarksOnHoldOrderPaid(t *testing.T) {
	shop := newShop(t, nil)
	amt := sdk.Amount(15012300)
	o := shop.seed(amt, fakewoo.Order{Number: "TB-1042", Status: "on-hold"})
	m := mutation("3ykVJxnwYkN", amt)

	r, err := shop.apply(o, m)
	if err != nil {
		t.Fatalf("ApplyPayment: %v", err)
	}
	if r.Outcome != sdk.OutcomePaid || r.Status != "processing" {
		t.Fatalf("outcome %q status %q (%s), want paid, processing", r.Outcome, r.Status, r.Reason)
	}
	got := shop.order(t, o.ID)
	if got.Status != "processing" || got.DatePaid.IsZero() {
		t.Errorf("order is %q with date_paid %v, want processing with a paid date", got.Status, got.DatePaid)
	}
	if got.TransactionID != m.ID || got.MetaValue("_lunas_mutation") != m.ID {
		t.Errorf("transaction_id %q, marker %q, want both %q", got.TransactionID, got.MetaValue("_lunas_mutation"), m.ID)
	}
	if l := shop.fake.Ledger(o.ID); l != (fakewoo.Ledger{Writes: 1, StatusChanges: 1, Notes: 1}) {
		t.Errorf("ledger %+v, want one write, one status change, one note", l)
	}
	notes := shop.userNotes(o.ID)
	if len(notes) != 1 {
		t.Fatalf("%d notes from Lunas, want exactly 1: %+v", len(notes), notes)
	}
	want := "Pembayaran Rp 150.123 diterima via BCA (mutasi Moota 3ykVJxnwYkN). Dikonfirmasi otomatis oleh Lunas."
	if notes[0].Note != want || notes[0].CustomerNote {
		t.Errorf("note %q (customer %v), want private note %q", notes[0].Note, notes[0].CustomerNote, want)
	}
}

func TestApplyPaymentReplayWritesNothing(t *testing.T) {
	shop := newShop(t, nil)
	amt := sdk.Rupiah(250017)
	o := shop.seed(amt, fakewoo.Order{})
	m := mutation("mut-replay", amt)
	if r, err := shop.apply(o, m); err != nil || r.Outcome != sdk.OutcomePaid {
		t.Fatalf("first ApplyPayment: %+v, %v", r, err)
	}
	before, requests := shop.fake.Ledger(o.ID), len(shop.fake.Requests())

	for i := range 3 {
		r, err := shop.apply(o, m)
		if err != nil || r.Outcome != sdk.OutcomeAlreadyPaid {
			t.Fatalf("replay %d: %+v, %v; want already_paid", i, r, err)
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
	other := mutation("mut-other", amt)
	r, err := shop.apply(o, other)
	if err != nil || r.Outcome != sdk.OutcomeAlreadyPaid || !strings.Contains(r.Reason, "mut-replay") {
		t.Fatalf("second mutation: %+v, %v; want already_paid naming mut-replay", r, err)
	}
	if got := shop.order(t, o.ID).MetaValue("_lunas_mutation"); got != "mut-replay" {
		t.Errorf("marker is %q after a second mutation, want mut-replay", got)
	}
}

func TestApplyPaymentCompletesAMissingNoteOnce(t *testing.T) {
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
			amt := sdk.Rupiah(99123)
			o := shop.seed(amt, fakewoo.Order{})
			m := mutation("mut-note", amt)
			shop.fake.FailNotePosts(1, 503, tt.applied)

			_, err := shop.apply(o, m)
			if err == nil || sdk.IsPermanent(err) {
				t.Fatalf("ApplyPayment with a failing note post: err = %v, want a retryable error", err)
			}
			if got := shop.order(t, o.ID); got.MetaValue("_lunas_mutation") != m.ID || got.Status != "processing" {
				t.Fatalf("order after the failed note: %q, marker %q; want processing with the marker", got.Status, got.MetaValue("_lunas_mutation"))
			}
			for i := range 2 {
				r, err := shop.apply(o, m)
				if err != nil || r.Outcome != sdk.OutcomeAlreadyPaid {
					t.Fatalf("retry %d: %+v, %v; want already_paid", i, r, err)
				}
			}
			if n := len(shop.userNotes(o.ID)); n != 1 {
				t.Errorf("%d Lunas notes after the retries, want exactly 1", n)
			}
			if l := shop.fake.Ledger(o.ID); l.Writes != 1 {
				t.Errorf("order written %d times, want once", l.Writes)
			}
		})
	}
}

func TestApplyPaymentLostUpdateAnswerIsNotRepeated(t *testing.T) {
	shop := newShop(t, map[string]any{"timeout": "200ms"})
	amt := sdk.Rupiah(175050)
	o := shop.seed(amt, fakewoo.Order{})
	m := mutation("mut-slow", amt)
	// The PUT lands after the client has given up waiting for its answer.
	shop.fake.FailNext(1, fakewoo.Fault{Method: "PUT", Delay: 5 * time.Second})

	_, err := shop.apply(o, m)
	if err == nil || sdk.IsPermanent(err) {
		t.Fatalf("ApplyPayment with an unanswered PUT: err = %v, want a retryable error", err)
	}
	waitFor(t, "the fake to apply the abandoned PUT", func() bool { return shop.fake.Ledger(o.ID).Writes == 1 })

	r, err := shop.apply(o, m)
	if err != nil || r.Outcome != sdk.OutcomeAlreadyPaid {
		t.Fatalf("retry: %+v, %v; want already_paid", r, err)
	}
	if l := shop.fake.Ledger(o.ID); l != (fakewoo.Ledger{Writes: 1, StatusChanges: 1, Notes: 1}) {
		t.Errorf("ledger %+v, want one write and one note", l)
	}
}

func TestApplyPaymentRefusesWhatIsNotPayable(t *testing.T) {
	amt := sdk.Rupiah(150123)
	paidAt := time.Now().Add(-time.Minute)
	tests := []struct {
		name   string
		order  fakewoo.Order
		amount sdk.Amount // of the mutation; amt when zero
		reason string
	}{
		{"cancelled with the same amount", fakewoo.Order{Status: "cancelled"}, 0, `"cancelled"`},
		{"refunded", fakewoo.Order{Status: "refunded"}, 0, `"refunded"`},
		{"failed", fakewoo.Order{Status: "failed"}, 0, `"failed"`},
		{"processing", fakewoo.Order{Status: "processing", DatePaid: paidAt}, 0, `"processing"`},
		{"completed", fakewoo.Order{Status: "completed", DatePaid: paidAt}, 0, `"completed"`},
		{"on-hold with a paid date", fakewoo.Order{Status: "on-hold", DatePaid: paidAt}, 0, "already has a payment"},
		{"pending with a transaction id", fakewoo.Order{Status: "pending", TransactionID: "pi_123"}, 0, "already has a payment"},
		{"another payment method", fakewoo.Order{PaymentMethod: "cod"}, 0, `"cod"`},
		{"total changed", fakewoo.Order{}, amt + sdk.Rupiah(1), "total is now IDR 150123, the transfer was 150124"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop := newShop(t, nil)
			o := shop.seed(amt, tt.order)
			m := mutation("mut-refused", amt)
			if tt.amount != 0 {
				m.Amount = tt.amount
			}
			r, err := shop.apply(o, m)
			if err != nil {
				t.Fatalf("ApplyPayment: %v", err)
			}
			if r.Outcome != sdk.OutcomeRefused || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("outcome %q reason %q, want refused mentioning %s", r.Outcome, r.Reason, tt.reason)
			}
			if l := shop.fake.Ledger(o.ID); l != (fakewoo.Ledger{}) {
				t.Errorf("a refused order was written to: %+v", l)
			}
			if got := shop.order(t, o.ID); got.Status != o.Status || got.MetaValue("_lunas_mutation") != "" {
				t.Errorf("order changed: %q -> %q, marker %q", o.Status, got.Status, got.MetaValue("_lunas_mutation"))
			}
		})
	}
}

func TestApplyPaymentRefusesBadRequests(t *testing.T) {
	shop := newShop(t, nil)
	amt := sdk.Rupiah(10000)
	o := shop.seed(amt, fakewoo.Order{})
	debit := mutation("mut-db", amt)
	debit.Type = "DB"
	tests := []struct {
		name   string
		order  fakewoo.Order
		m      sdk.Mutation
		reason string
	}{
		{"unknown order", fakewoo.Order{ID: 999999001, Number: "999999001"}, mutation("m1", amt), "no longer exists"},
		{"debit mutation", o, debit, "debit"},
		{"zero amount", o, mutation("m2", 0), "only a positive transfer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := shop.apply(tt.order, tt.m)
			if err != nil || r.Outcome != sdk.OutcomeRefused || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("got %+v, %v; want refused mentioning %q", r, err, tt.reason)
			}
		})
	}
	if l := shop.fake.Ledger(o.ID); l != (fakewoo.Ledger{}) {
		t.Errorf("order written to: %+v", l)
	}
}

func TestApplyPaymentPaidStatus(t *testing.T) {
	tests := []struct {
		setting string
		virtual bool
		want    string
	}{
		{"processing", false, "processing"},
		{"completed", false, "completed"},
		{"completed", true, "completed"},
		{"auto", false, "processing"},
		{"auto", true, "completed"},
	}
	for _, tt := range tests {
		t.Run(tt.setting, func(t *testing.T) {
			shop := newShop(t, map[string]any{"paid_status": tt.setting})
			amt := sdk.Rupiah(120500)
			o := shop.seed(amt, fakewoo.Order{Virtual: tt.virtual})
			r, err := shop.apply(o, mutation("mut-status", amt))
			if err != nil || r.Outcome != sdk.OutcomePaid || r.Status != tt.want {
				t.Fatalf("got %+v, %v; want paid, %s", r, err, tt.want)
			}
			if got := shop.order(t, o.ID); got.Status != tt.want || got.DatePaid.IsZero() {
				t.Errorf("order %q, date_paid %v; want %s with a paid date", got.Status, got.DatePaid, tt.want)
			}
		})
	}
}

// WooCommerce records no paid date when a virtual order moves to
// processing; the plugin says so and points to paid_status = "auto".
func TestApplyPaymentReportsMissingPaidDate(t *testing.T) {
	shop := newShop(t, map[string]any{"paid_status": "processing"})
	amt := sdk.Rupiah(50000)
	o := shop.seed(amt, fakewoo.Order{Virtual: true})
	_, err := shop.apply(o, mutation("mut-virtual", amt))
	if err == nil || !sdk.IsPermanent(err) || !strings.Contains(err.Error(), `paid_status = "auto"`) {
		t.Fatalf("err = %v, want a permanent error pointing to paid_status = \"auto\"", err)
	}
}

func TestApplyPaymentConcurrentCallsWriteOnce(t *testing.T) {
	shop := newShop(t, nil)
	amt := sdk.Rupiah(333333)
	o := shop.seed(amt, fakewoo.Order{Status: "pending"})
	m := mutation("mut-race", amt)
	const n = 8
	outcomes := make(chan sdk.Outcome, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			r, err := shop.apply(o, m)
			if err != nil {
				t.Errorf("ApplyPayment: %v", err)
				return
			}
			outcomes <- r.Outcome
		})
	}
	wg.Wait()
	close(outcomes)
	paid := 0
	for oc := range outcomes {
		if oc == sdk.OutcomePaid {
			paid++
		} else if oc != sdk.OutcomeAlreadyPaid {
			t.Errorf("outcome %q", oc)
		}
	}
	if paid != 1 {
		t.Errorf("%d calls reported paid, want 1", paid)
	}
	if l := shop.fake.Ledger(o.ID); l.Writes != 1 || l.Notes != 1 {
		t.Errorf("ledger %+v, want one write and one note", l)
	}
}
