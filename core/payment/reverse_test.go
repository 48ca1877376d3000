package payment_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/core/payment/mock"
	"github.com/lunas-dev/lunas/sdk"
)

var reversals = func(c *payment.Config) {
	c.ReversalPatterns = []*regexp.Regexp{regexp.MustCompile(`(?i)\brevers`)}
}

// paid runs a credit that pays order 1042 and returns it.
func paid(t *testing.T, r *rig) *core.Mutation {
	t.Helper()
	r.orders = []sdk.Order{order("1042", 150123)}
	credit := mutation(t, "cr-1", core.Credit, 150123, "TRSF BUDI")
	if err := r.svc.Process(context.Background(), credit, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	return credit
}

func TestReversalUndoesThePaymentOnce(t *testing.T) {
	r := newRig(t, reversals)
	credit := paid(t, r)
	var reversed []*sdk.ReversePaymentRequest
	r.store.ReversePaymentFn = func(_ context.Context, req *sdk.ReversePaymentRequest) (*sdk.ReversePaymentResponse, error) {
		reversed = append(reversed, req)
		return &sdk.ReversePaymentResponse{Outcome: sdk.OutcomeReversed, Status: "on-hold"}, nil
	}
	debit := mutation(t, "db-1", core.Debit, 150123, "REVERSAL TRSF")
	if err := r.svc.Process(context.Background(), debit, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if len(reversed) != 1 || reversed[0].Order.Number != "1042" || reversed[0].Original.ID != credit.ID || reversed[0].IdempotencyKey != debit.TaskID() {
		t.Fatalf("ReversePayment calls %+v", reversed)
	}
	item := r.item(t, debit.TaskID())
	if item.Reason != core.ReviewReversed || !strings.Contains(item.Detail, `back to "on-hold"`) || len(item.Candidates) != 1 {
		t.Fatalf("item %+v", item)
	}
	// The same debit again (a retry) may repeat the idempotent call; a
	// second debit of the amount finds the credit claimed and reverses nothing.
	if err := r.svc.Process(context.Background(), debit, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	second := mutation(t, "db-2", core.Debit, 150123, "REVERSAL TRSF")
	if err := r.svc.Process(context.Background(), second, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	for _, req := range reversed {
		if req.Reversal.ID != debit.ID {
			t.Fatalf("credit reversed by %s too", req.Reversal.ID)
		}
	}
	r.noItem(t, second.TaskID())
}

func TestReversalAnswers(t *testing.T) {
	tests := []struct {
		name       string
		plain      bool // the store cannot reverse at all
		reverse    func() (*sdk.ReversePaymentResponse, error)
		wantDetail string
		wantErr    func(error) bool
	}{
		{name: "store without Reverser", plain: true, wantDetail: "put the order back by hand"},
		{name: "plugin without the RPC", reverse: func() (*sdk.ReversePaymentResponse, error) { return nil, sdk.ErrUnimplemented }, wantDetail: "put the order back by hand"},
		{name: "already reversed", reverse: func() (*sdk.ReversePaymentResponse, error) {
			return &sdk.ReversePaymentResponse{Outcome: sdk.OutcomeAlreadyReversed, Status: "on-hold", Reason: "note exists"}, nil
		}, wantDetail: "(note exists)"},
		{name: "refused", reverse: func() (*sdk.ReversePaymentResponse, error) {
			return &sdk.ReversePaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "order shipped"}, nil
		}, wantDetail: "refused to undo it: order shipped"},
		{name: "retryable failure", reverse: func() (*sdk.ReversePaymentResponse, error) { return nil, errors.New("timeout") },
			wantErr: func(err error) bool { return err != nil && !sdk.IsPermanent(err) }},
		{name: "no answer", reverse: func() (*sdk.ReversePaymentResponse, error) { return nil, nil }, wantErr: sdk.IsPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, reversals)
			if tt.plain {
				svc, err := payment.New(payment.Config{
					Routes: mock.Routes{bank: {Name: "shop", Store: &r.store.Store}}, Review: r.review, Choices: r.choices,
					Ledger: r.ledger, ReversalPatterns: []*regexp.Regexp{regexp.MustCompile(`REVERSAL`)}, Now: func() time.Time { return now },
				})
				if err != nil {
					t.Fatal(err)
				}
				r.svc = svc
			}
			paid(t, r)
			r.store.ReversePaymentFn = func(context.Context, *sdk.ReversePaymentRequest) (*sdk.ReversePaymentResponse, error) {
				return tt.reverse()
			}
			debit := mutation(t, "db-1", core.Debit, 150123, "REVERSAL")
			err := r.svc.Process(context.Background(), debit, payment.Attempt{})
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if item := r.item(t, debit.TaskID()); !strings.Contains(item.Detail, tt.wantDetail) {
				t.Fatalf("detail %q, want %q in it", item.Detail, tt.wantDetail)
			}
		})
	}
}

func TestReversalOfAPaymentInAnotherStoreIsPermanent(t *testing.T) {
	r := newRig(t, reversals)
	paid(t, r)
	moved, err := payment.New(payment.Config{
		Routes: mock.Routes{bank: {Name: "other-shop", Store: r.store}}, Review: r.review, Choices: r.choices,
		Ledger: r.ledger, ReversalPatterns: []*regexp.Regexp{regexp.MustCompile(`REVERSAL`)}, Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	debit := mutation(t, "db-1", core.Debit, 150123, "REVERSAL")
	if err := moved.Process(context.Background(), debit, payment.Attempt{}); !sdk.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent", err)
	}
	if item := r.item(t, debit.TaskID()); item.Reason != core.ReviewFailed {
		t.Fatalf("item %+v", item)
	}
}

func TestReversalLedgerFailureIsRetryable(t *testing.T) {
	r := newRig(t, reversals)
	paid(t, r)
	r.ledger.Err = errors.New("redis down")
	err := r.svc.Process(context.Background(), mutation(t, "db-1", core.Debit, 150123, "REVERSAL"), payment.Attempt{})
	if err == nil || sdk.IsPermanent(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
}
