package payment_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// credit parses a credit into bank with extra Moota fields, as the webhook would.
func credit(t *testing.T, fields map[string]any) *core.Mutation {
	t.Helper()
	w := map[string]any{"mutation_id": "mut-1", "bank_id": bank, "type": "CR", "amount": 250000,
		"date": "2026-11-30 09:58:00", "description": "TRSF"}
	for k, v := range fields {
		w[k] = v
	}
	raw, _ := json.Marshal(w)
	m, err := core.ParseMutation(raw)
	if err != nil {
		t.Fatal(err)
	}
	return &m
}

// The account and virtual-account rules of issue 13: the bank says which
// account received the money, and an order that says which account or VA
// it expects is paid only from there. Orders without these facts behave
// as before (amount within the account's store).
func TestOrdersAcceptOnlyTheirAccount(t *testing.T) {
	va := map[string]any{"bank": map[string]any{"bank_type": "bniVA"}, "account_number": "8808123456789"}
	withVA := func(f map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range va {
			out[k] = v
		}
		for k, v := range f {
			out[k] = v
		}
		return out
	}
	o := func(number, bankID, vaNumber, ref string) sdk.Order {
		x := order(number, 250000)
		x.BankID, x.VANumber, x.PaymentRef = bankID, vaNumber, ref
		return x
	}
	tests := []struct {
		name   string
		fields map[string]any
		orders []sdk.Order
		paid   string            // "" pays nothing
		review core.ReviewReason // when nothing is paid
	}{
		{name: "a VA payment pays the order holding its VA number", fields: va,
			orders: []sdk.Order{o("2001", "", "8808000000001", ""), o("2002", "", "8808123456789", "")}, paid: "2002"},
		{name: "a VA payment picks its VA order over plain orders of the amount", fields: va,
			orders: []sdk.Order{o("2001", "", "", ""), o("2002", "", "8808123456789", "")}, paid: "2002"},
		{name: "a VA payment never pays another VA's order", fields: va,
			orders: []sdk.Order{o("2001", "", "8808000000001", "")}, review: core.ReviewUnmatched},
		{name: "a transfer never pays an order waiting for its VA",
			orders: []sdk.Order{o("2001", "", "8808123456789", "")}, review: core.ReviewUnmatched},
		{name: "the amount stays exact for a VA", fields: withVA(map[string]any{"amount": 250001}),
			orders: []sdk.Order{o("2002", "", "8808123456789", "")}, review: core.ReviewUnmatched},
		{name: "a transfer into one account pays only the order expecting it",
			orders: []sdk.Order{o("2001", "bank-bri", "", ""), o("2002", bank, "", "")}, paid: "2002"},
		{name: "a transfer into another account pays nothing",
			orders: []sdk.Order{o("2001", "bank-bri", "", "")}, review: core.ReviewUnmatched},
		{name: "orders without an account are candidates, as before",
			orders: []sdk.Order{o("2001", "bank-bri", "", ""), o("2003", "", "", "")}, paid: "2003"},
		{name: "payment_detail.order_id selects the order it names",
			fields: map[string]any{"payment_detail": map[string]any{"order_id": "moota-qris#2002"}},
			orders: []sdk.Order{o("2001", "", "", "moota-qris#2001"), o("2002", "", "", "moota-qris#2002")}, paid: "2002"},
		{name: "payment_detail.order_id naming no candidate leaves them ambiguous",
			fields: map[string]any{"payment_detail": map[string]any{"order_id": 77}},
			orders: []sdk.Order{o("2001", "", "", "1"), o("2002", "", "", "2")}, review: core.ReviewAmbiguous},
		{name: "PHP's empty payment_detail is none",
			fields: map[string]any{"payment_detail": []any{}},
			orders: []sdk.Order{o("2001", "", "", ""), o("2002", "", "", "")}, review: core.ReviewAmbiguous},
		{name: "QRIS keeps amount matching within its account",
			fields: map[string]any{"bank": map[string]any{"bank_type": "qris"}},
			orders: []sdk.Order{o("2001", bank, "", "")}, paid: "2001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.orders = tt.orders
			m := credit(t, tt.fields)
			if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.paid == "" && len(r.applied) > 0:
				t.Fatalf("paid order %s, want none", r.applied[0].Order.Number)
			case tt.paid != "" && (len(r.applied) != 1 || r.applied[0].Order.Number != tt.paid):
				t.Fatalf("applied %v, want order %s", r.applied, tt.paid)
			case tt.paid == "":
				if item := r.item(t, m.TaskID()); item.Reason != tt.review {
					t.Fatalf("review %s, want %s", item.Reason, tt.review)
				}
			}
		})
	}
}

// verifier answers Verify from a function.
type verifier func(*core.Mutation) (core.Verification, error)

func (v verifier) Verify(_ context.Context, m *core.Mutation) (core.Verification, error) { return v(m) }

func TestVerifyPayments(t *testing.T) {
	tests := []struct {
		name    string
		answer  func(*core.Mutation) (core.Verification, error)
		paid    bool
		review  core.ReviewReason
		wantErr func(error) bool
	}{
		{name: "genuine", paid: true, answer: func(*core.Mutation) (core.Verification, error) {
			return core.Verification{Verdict: core.Verified}, nil
		}},
		{name: "forged: not in the API", review: core.ReviewUnverified, answer: func(*core.Mutation) (core.Verification, error) {
			return core.Verification{Verdict: core.NotFound, Reason: "no mutation mut-1 in account bank-bca"}, nil
		}},
		{name: "forged: another amount", review: core.ReviewUnverified, answer: func(*core.Mutation) (core.Verification, error) {
			return core.Verification{Verdict: core.Mismatch, Reason: "amount 25000 in the API"}, nil
		}},
		{name: "API down retries", answer: func(*core.Mutation) (core.Verification, error) {
			return core.Verification{}, sdk.Retryable(errors.New("moota: 503"), 10*time.Second)
		}, wantErr: func(err error) bool { _, d := sdk.ClassOf(err); return !sdk.IsPermanent(err) && d == 10*time.Second }},
		{name: "revoked token is permanent", review: core.ReviewFailed, answer: func(*core.Mutation) (core.Verification, error) {
			return core.Verification{}, sdk.Permanentf("moota: 401")
		}, wantErr: sdk.IsPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(c *payment.Config) { c.Verifier = verifier(tt.answer) })
			r.orders = []sdk.Order{order("2001", 250000)}
			m := credit(t, nil)
			err := r.svc.Process(context.Background(), m, payment.Attempt{})
			if (tt.wantErr == nil) != (err == nil) || (tt.wantErr != nil && !tt.wantErr(err)) {
				t.Fatalf("err = %v", err)
			}
			if got := len(r.applied) == 1; got != tt.paid {
				t.Fatalf("paid = %v, want %v", got, tt.paid)
			}
			if tt.review != "" {
				if item := r.item(t, m.TaskID()); item.Reason != tt.review {
					t.Fatalf("review %s, want %s", item.Reason, tt.review)
				}
			} else {
				r.noItem(t, m.TaskID())
			}
		})
	}
}
