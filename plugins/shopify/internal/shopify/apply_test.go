package shopify

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/plugins/shopify/fakeshopify"
	"github.com/lunas-dev/lunas/sdk"
)

const wantLine = "Lunas: pembayaran Rp150.123 diterima via transfer bca pada 2025-06-03 09:05 WIB (mutasi Moota mut-1)."

func TestPaymentMarksPaidAndAnnotates(t *testing.T) {
	h := staticHarness(t, nil)
	o := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(150123), Note: "Tolong kirim sebelum jam 5", Tags: []string{"vip"}})

	resp := h.pay(t, o, mutation("mut-1", sdk.Rupiah(150123)))
	if resp.Outcome != sdk.OutcomePaid || resp.Status != "PAID" {
		t.Fatalf("outcome %q status %q (%s), want paid PAID", resp.Outcome, resp.Status, resp.Reason)
	}
	got := h.order(t, o.ID)
	if got.FinancialStatus != "PAID" || got.MarkPaidCalls != 1 {
		t.Errorf("order %s: status %s after %d mark-as-paid calls, want PAID after 1", got.Name, got.FinancialStatus, got.MarkPaidCalls)
	}
	if want := "Tolong kirim sebelum jam 5\n" + wantLine; got.Note != want {
		t.Errorf("note = %q\nwant  %q (old text kept, one line appended)", got.Note, want)
	}
	if !slices.Equal(got.Tags, []string{"vip", "lunas-paid"}) {
		t.Errorf("tags = %v, want the old tag and lunas-paid", got.Tags)
	}
	if mf := got.Metafields["lunas.mutation"]; mf.Value != "mut-1" || mf.Type != "single_line_text_field" {
		t.Errorf("marker = %+v, want mut-1 as single_line_text_field", mf)
	}
}

func TestReplayWritesNothing(t *testing.T) {
	h := staticHarness(t, nil)
	o := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(99000)})
	m := mutation("mut-replay", sdk.Rupiah(99000))
	if r := h.pay(t, o, m); r.Outcome != sdk.OutcomePaid {
		t.Fatalf("first payment: %q (%s)", r.Outcome, r.Reason)
	}
	before := h.order(t, o.ID)

	tests := map[string]sdk.Mutation{
		"same mutation again":          m,
		"another mutation same amount": mutation("mut-other", sdk.Rupiah(99000)),
	}
	for name, mut := range tests {
		t.Run(name, func(t *testing.T) {
			if r := h.pay(t, o, mut); r.Outcome != sdk.OutcomeAlreadyPaid {
				t.Fatalf("outcome %q (%s), want already_paid", r.Outcome, r.Reason)
			}
			after := h.order(t, o.ID)
			if writes(after) != writes(before) || after.Note != before.Note || after.Metafield("lunas", "mutation") != m.ID {
				t.Fatalf("replay wrote: ledger %v -> %v, note %q -> %q, marker %q",
					writes(before), writes(after), before.Note, after.Note, after.Metafield("lunas", "mutation"))
			}
		})
	}
}

func TestReplayFinishesIncompleteAnnotation(t *testing.T) {
	tests := map[string]func(h *harness, id string){
		"tag removed":    func(h *harness, id string) { h.fake.SetTags(id) },
		"marker missing": func(h *harness, id string) { h.fake.DeleteMetafield(id, "lunas", "mutation") },
	}
	for name, damage := range tests {
		t.Run(name, func(t *testing.T) {
			h := staticHarness(t, nil)
			o := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(150123), Note: "catatan"})
			m := mutation("mut-1", sdk.Rupiah(150123))
			h.pay(t, o, m)
			damage(h, o.ID)

			if r := h.pay(t, o, m); r.Outcome != sdk.OutcomeAlreadyPaid {
				t.Fatalf("replay outcome %q (%s), want already_paid", r.Outcome, r.Reason)
			}
			got := h.order(t, o.ID)
			if got.MarkPaidCalls != 1 || got.NoteWrites != 1 || got.Note != "catatan\n"+wantLine {
				t.Errorf("replay repaid or rewrote the note: %d marks, %d note writes, note %q", got.MarkPaidCalls, got.NoteWrites, got.Note)
			}
			if !slices.Contains(got.Tags, "lunas-paid") || got.Metafield("lunas", "mutation") != m.ID {
				t.Errorf("annotation not finished: tags %v, marker %q", got.Tags, got.Metafield("lunas", "mutation"))
			}
		})
	}
}

func TestCancelledOrderIsNeverTouched(t *testing.T) {
	h := staticHarness(t, nil)
	amount := sdk.Rupiah(275000)
	open := h.fake.AddOrder(fakeshopify.NewOrder{Amount: amount})
	cancelled := h.fake.AddOrder(fakeshopify.NewOrder{Amount: amount, Note: "dibatalkan pembeli"})
	// Shopify's search index lags: the order was cancelled a moment ago
	// and still matches financial_status:pending status:open.
	h.fake.SetIndexLag(true)
	h.fake.Cancel(cancelled.ID)

	orders := h.find(t, amount, time.Now().Add(-24*time.Hour))
	if len(orders) != 1 || orders[0].ID != open.ID {
		t.Fatalf("FindOpenOrders = %+v, want only the open order %s", orders, open.ID)
	}
	r := h.pay(t, cancelled, mutation("mut-c", amount))
	if r.Outcome != sdk.OutcomeRefused || !strings.Contains(r.Reason, "cancelled") {
		t.Fatalf("paying the cancelled order: %q (%s), want refused as cancelled", r.Outcome, r.Reason)
	}
	got := h.order(t, cancelled.ID)
	if writes(got) != [4]int{} || got.Note != "dibatalkan pembeli" || got.FinancialStatus != "PENDING" {
		t.Fatalf("cancelled order was touched: ledger %v, note %q, status %s", writes(got), got.Note, got.FinancialStatus)
	}
}

func TestApplyRefusals(t *testing.T) {
	tests := map[string]struct {
		seed   fakeshopify.NewOrder
		id     func(o fakeshopify.Order) string
		amount sdk.Amount
		want   string
	}{
		"amount differs":     {fakeshopify.NewOrder{Amount: sdk.Rupiah(50000)}, nil, sdk.Rupiah(50001), "is due 50000 IDR"},
		"unknown order":      {fakeshopify.NewOrder{Amount: sdk.Rupiah(50000)}, func(fakeshopify.Order) string { return "gid://shopify/Order/42" }, sdk.Rupiah(50000), "does not exist"},
		"not a shopify id":   {fakeshopify.NewOrder{Amount: sdk.Rupiah(50000)}, func(fakeshopify.Order) string { return "order-7" }, sdk.Rupiah(50000), "not a Shopify order id"},
		"refunded":           {fakeshopify.NewOrder{Amount: sdk.Rupiah(50000), FinancialStatus: "REFUNDED"}, nil, sdk.Rupiah(50000), "financial status REFUNDED"},
		"older than visible": {fakeshopify.NewOrder{Amount: sdk.Rupiah(50000), CreatedAt: time.Now().AddDate(0, 0, -61)}, nil, sdk.Rupiah(50000), "read_all_orders"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := staticHarness(t, nil)
			o := h.fake.AddOrder(tc.seed)
			target := o
			if tc.id != nil {
				target.ID = tc.id(o)
			}
			r := h.pay(t, target, mutation("mut-r", tc.amount))
			if r.Outcome != sdk.OutcomeRefused || !strings.Contains(r.Reason, tc.want) {
				t.Fatalf("outcome %q reason %q, want refused mentioning %q", r.Outcome, r.Reason, tc.want)
			}
			if got := h.order(t, o.ID); writes(got) != [4]int{} {
				t.Fatalf("refused order was written: %v", writes(got))
			}
		})
	}
}

func TestPaidWhileWeLookedIsAlreadyPaid(t *testing.T) {
	h := staticHarness(t, nil)
	st, _ := h.store.configured()
	o := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(80000)})
	stale, err := readOrderByID(testCtx(t), st, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.fake.MarkPaidByMerchant(o.ID) // between our read and our mark

	r, err := h.store.markPaid(testCtx(t), st, stale, mutation("mut-late", sdk.Rupiah(80000)))
	if err != nil || r.Outcome != sdk.OutcomeAlreadyPaid {
		t.Fatalf("markPaid on an order paid meanwhile: %+v, %v; want already_paid and no error", r, err)
	}
	if got := h.order(t, o.ID); writes(got) != [4]int{1, 0, 0, 0} || got.MarkPaidCalls != 0 {
		t.Fatalf("order paid by the merchant: ledger %v, %d payments by the API; want one refused try and no annotation", writes(got), got.MarkPaidCalls)
	}

	c := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(80000)})
	stale, _ = readOrderByID(testCtx(t), st, c.ID)
	h.fake.Cancel(c.ID)
	if r, err := h.store.markPaid(testCtx(t), st, stale, mutation("mut-late2", sdk.Rupiah(80000))); err != nil || r.Outcome != sdk.OutcomeRefused {
		t.Fatalf("markPaid on an order cancelled meanwhile: %+v, %v; want refused", r, err)
	}
}

func TestAnnotationRidesOutAPassingFault(t *testing.T) {
	h := staticHarness(t, nil)
	o := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(120000), Note: "lama"})
	h.fake.FailOperation("tagsAdd", 1, fakeshopify.Unavailable())

	r := h.pay(t, o, mutation("mut-f", sdk.Rupiah(120000)))
	if r.Outcome != sdk.OutcomePaid || r.Reason != "" {
		t.Fatalf("outcome %q reason %q, want paid with a complete annotation", r.Outcome, r.Reason)
	}
	got := h.order(t, o.ID)
	if got.MarkPaidCalls != 1 || strings.Count(got.Note, "mut-f") != 1 || got.Metafield("lunas", "mutation") != "mut-f" || !slices.Contains(got.Tags, "lunas-paid") {
		t.Fatalf("after a retried annotation: %+v", got)
	}
}

func TestNoteAndTagsCanBeSwitchedOff(t *testing.T) {
	h := staticHarness(t, map[string]any{"note_template": "", "tags": []string{}})
	o := h.fake.AddOrder(fakeshopify.NewOrder{Amount: sdk.Rupiah(1000), Note: "asli"})
	if r := h.pay(t, o, mutation("mut-q", sdk.Rupiah(1000))); r.Outcome != sdk.OutcomePaid {
		t.Fatalf("outcome %q (%s)", r.Outcome, r.Reason)
	}
	got := h.order(t, o.ID)
	if got.Note != "asli" || got.NoteWrites != 0 || got.TagWrites != 0 || got.Metafield("lunas", "mutation") != "mut-q" {
		t.Fatalf("with note and tags off: %+v", got)
	}
}
