package payment_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/core/payment/mock"
	"github.com/lunas-dev/lunas/sdk"
)

// dated parses a credit with a bank date, as Moota writes it.
func dated(t *testing.T, id string, amount int64, date string) *core.Mutation {
	t.Helper()
	raw := fmt.Sprintf(`{"mutation_id":%q,"bank_id":%q,"type":"CR","amount":%d,"date":%q}`, id, bank, amount, date)
	m, err := core.ParseMutation([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return &m
}

func at(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, core.Jakarta)
	if err != nil {
		panic(err)
	}
	return t
}

// Candidates must have existed when the money arrived: placed within the
// window before the mutation's own date, up to the end of that day plus
// the slack, never after.
func TestOrdersMustExistWhenTheMoneyArrived(t *testing.T) {
	tests := []struct {
		name    string
		date    string // the mutation's bank date
		created string // the order's creation time
		paid    bool
	}{
		{"placed an hour before", "2026-11-20 10:00:00", "2026-11-20 09:00:00", true},
		{"placed later the same day (bank times are loose)", "2026-11-20 10:00:00", "2026-11-20 18:00:00", true},
		{"date-only bank date, placed that afternoon", "2026-11-20", "2026-11-20 15:00:00", true},
		{"placed within the slack after that day", "2026-11-20 10:00:00", "2026-11-21 00:30:00", true},
		{"placed the day after", "2026-11-20 10:00:00", "2026-11-21 09:00:00", false},
		{"a 40-day-old credit and an order placed today", "2026-10-21 10:00:00", "2026-11-30 09:00:00", false},
		{"placed before the window", "2026-11-20 10:00:00", "2026-11-12 10:00:00", false},
		{"placed just inside the window", "2026-11-20 10:00:00", "2026-11-13 11:00:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.orders = []sdk.Order{{ID: "7", Number: "1042", Amount: sdk.Rupiah(150123), CreatedAt: at(tt.created)}}
			var since time.Time
			r.store.FindOpenOrdersFn = func(_ context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
				since = req.Since
				return &sdk.FindOpenOrdersResponse{Orders: r.orders}, nil
			}
			m := dated(t, "mut-1", 150123, tt.date)
			if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
				t.Fatal(err)
			}
			if got := len(r.applied) == 1; got != tt.paid {
				t.Fatalf("paid = %v, want %v", got, tt.paid)
			}
			if want := m.Date.Add(-payment.DefaultWindow); !since.Equal(want) {
				t.Fatalf("asked the store for orders since %s, want %s (the window before the bank date)", since, want)
			}
			if !tt.paid {
				if item := r.item(t, m.TaskID()); item.Reason != core.ReviewUnmatched || !strings.Contains(item.Detail, "WIB") {
					t.Fatalf("item %s %q", item.Reason, item.Detail)
				}
			}
		})
	}
}

func TestCreditOfNoAmountNeverPays(t *testing.T) {
	for _, amount := range []int64{0, -150123} {
		r := newRig(t)
		r.orders = []sdk.Order{order("1042", amount), order("1043", 0)}
		m := mutation(t, "mut-1", core.Credit, amount, "")
		if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
			t.Fatal(err)
		}
		if len(r.applied) != 0 || r.finds != 0 {
			t.Fatalf("a credit of %d reached the store", amount)
		}
		if item := r.item(t, m.TaskID()); item.Reason != core.ReviewInvalid {
			t.Fatalf("item %+v", item)
		}
		if _, err := r.svc.PayOrder(context.Background(), m, "1043"); !errors.Is(err, core.ErrInvalid) {
			t.Fatalf("PayOrder with a credit of %d: %v", amount, err)
		}
	}
}

// forget drops what expires with task retention: the task's chosen order.
func forget(r *rig) { *r.choices = mock.Choices{} }

// A replay after everything but the permanent record expired goes to review
// as a replay, although another open order of the amount is there to pay.
func TestReplayAfterRetentionPaysNothing(t *testing.T) {
	r := newRig(t)
	r.orders = []sdk.Order{order("1042", 150123)}
	m := mutation(t, "mut-1", core.Credit, 150123, "")
	if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil || len(r.applied) != 1 {
		t.Fatalf("first delivery: %v, %d applied", err, len(r.applied))
	}
	forget(r)
	r.orders = []sdk.Order{order("1077", 150123)}
	if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if len(r.applied) != 1 || r.finds != 1 {
		t.Fatalf("the replay reached the store: %d applied, %d finds", len(r.applied), r.finds)
	}
	item := r.item(t, m.TaskID())
	if item.Reason != core.ReviewReplay || !strings.Contains(item.Detail, "order 1042") || item.Candidates[0].Number != "1042" {
		t.Fatalf("item %s %q", item.Reason, item.Detail)
	}
	// Nor can a person pay the other order with it.
	inbox := &payment.Inbox{Store: r.review, Payments: r.svc}
	if _, err := inbox.Resolve(context.Background(), item.ID, "1077", "budi"); !errors.Is(err, core.ErrConflict) || !strings.Contains(err.Error(), "already paid order 1042") {
		t.Fatalf("resolve the replay to another order: %v", err)
	}
	if len(r.applied) != 1 {
		t.Fatal("a replay paid a second order")
	}
}

func TestReplayWithAnotherAmountIsAConflict(t *testing.T) {
	r := newRig(t)
	r.orders = []sdk.Order{order("1042", 150123), order("1043", 99000)}
	if err := r.svc.Process(context.Background(), mutation(t, "mut-1", core.Credit, 150123, ""), payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	forget(r)
	m := mutation(t, "mut-1", core.Credit, 99000, "")
	if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if item := r.item(t, m.TaskID()); item.Reason != core.ReviewConflict || !strings.Contains(item.Detail, "99000") {
		t.Fatalf("item %s %q", item.Reason, item.Detail)
	}
	if len(r.applied) != 1 {
		t.Fatal("the conflicting delivery paid an order")
	}
}

func TestConflictFromTheQueueIsRecorded(t *testing.T) {
	r := newRig(t)
	first := mutation(t, "mut-1", core.Credit, 150123, "")
	second := mutation(t, "mut-1", core.Debit, 150123, "")
	if err := r.svc.Conflict(context.Background(), "conflict:x", second, first); err != nil {
		t.Fatal(err)
	}
	item := r.item(t, "conflict:x")
	if item.Reason != core.ReviewConflict || item.Store != "shop" || !strings.Contains(item.Detail, "stored as CR") || !strings.Contains(item.Detail, "again as DB") {
		t.Fatalf("item %+v", item)
	}
	if err := r.svc.Conflict(context.Background(), "", second, first); err != nil {
		t.Fatal(err)
	}
	r.item(t, second.TaskID())
}

// Once a payment is applied and recorded its choice is settled (kept only
// briefly). A rerun of the same delivery after the settled choice expired
// (its worker died before the task was marked done) recognises its own
// payment by the permanent record: it neither reaches the store nor raises
// a replay. A delivery received after the payment is a replay, and one
// without a receive time goes to a person.
func TestRerunAfterTheChoiceWasSettled(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.orders = []sdk.Order{order("1042", 150123)}
	m := mutation(t, "mut-1", core.Credit, 150123, "")
	received := now.Add(-300 * time.Millisecond)
	if err := r.svc.Process(ctx, m, payment.Attempt{ReceivedAt: received}); err != nil || len(r.applied) != 1 {
		t.Fatalf("first run: %v, %d applied", err, len(r.applied))
	}
	if !r.choices.Settled(m.TaskID()) {
		t.Fatal("the choice of an applied payment was not settled")
	}
	r.choices.Forget(m.TaskID())
	r.orders = []sdk.Order{order("1077", 150123)}
	if err := r.svc.Process(ctx, m, payment.Attempt{ReceivedAt: received}); err != nil {
		t.Fatal(err)
	}
	if len(r.applied) != 1 || r.finds != 1 {
		t.Fatalf("the rerun reached the store: %d applied, %d finds", len(r.applied), r.finds)
	}
	r.noItem(t, m.TaskID())

	for _, a := range []payment.Attempt{{ReceivedAt: now.Add(time.Hour)}, {ReceivedAt: received.Add(50 * time.Millisecond)}, {}} {
		r.review = &mock.ReviewStore{}
		svc, err := payment.New(payment.Config{Routes: mock.Routes{bank: {Name: "shop", Store: r.store}}, Review: r.review,
			Choices: r.choices, Ledger: r.ledger, Now: func() time.Time { return now.Add(2 * time.Hour) }})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Process(ctx, m, a); err != nil {
			t.Fatal(err)
		}
		if item := r.item(t, m.TaskID()); item.Reason != core.ReviewReplay || len(r.applied) != 1 {
			t.Fatalf("received %v: item %s, %d applied", a.ReceivedAt, item.Reason, len(r.applied))
		}
	}
}

// A refused payment is not settled: its choice stays for a person's retry.
func TestRefusedPaymentKeepsItsChoice(t *testing.T) {
	r := newRig(t)
	r.orders = []sdk.Order{order("1042", 150123)}
	r.store.ApplyPaymentFn = func(context.Context, *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "cancelled"}, nil
	}
	m := mutation(t, "mut-1", core.Credit, 150123, "")
	if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if r.choices.Settled(m.TaskID()) {
		t.Fatal("a refused payment's choice was settled")
	}
}
