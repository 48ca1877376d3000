package payment_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// ambiguous leaves an ambiguous review item for a credit of Rp 275.000
// with orders 2001 and 2002 open, and returns its inbox.
func ambiguous(t *testing.T) (*rig, *payment.Inbox, *core.Mutation) {
	t.Helper()
	r := newRig(t)
	r.orders = []sdk.Order{order("2001", 275000), order("2002", 275000)}
	m := mutation(t, "mut-amb", core.Credit, 275000, "TRSF")
	if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	return r, &payment.Inbox{Store: r.review, Payments: r.svc, Now: func() time.Time { return now }}, m
}

func TestResolvePaysTheChosenOrderOnce(t *testing.T) {
	r, in, m := ambiguous(t)
	ctx := context.Background()
	item, err := in.Resolve(ctx, m.TaskID(), "#2002", "budi")
	if err != nil {
		t.Fatal(err)
	}
	if item.Status != core.ReviewResolved || item.ResolvedOrder != "#2002" || item.ClaimedBy != "" {
		t.Fatalf("item %+v", item)
	}
	last := item.Actions[len(item.Actions)-1]
	if last.Actor != "budi" || last.Action != "resolve" || !strings.Contains(last.Detail, "paid") {
		t.Fatalf("action %+v", last)
	}
	if len(r.applied) != 1 || r.applied[0].Order.Number != "2002" || r.applied[0].IdempotencyKey != m.TaskID() {
		t.Fatalf("applied %+v", r.applied)
	}
	if len(r.ledger.Records()) != 1 {
		t.Fatal("a resolved payment was not recorded for reversals")
	}
	// A worker retrying the mutation now goes to the order the person chose.
	if err := r.svc.Process(ctx, m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if len(r.applied) != 2 || r.applied[1].Order.Number != "2002" {
		t.Fatalf("retry applied %+v", r.applied[len(r.applied)-1].Order)
	}
	// Resolving twice is refused, saying who closed it.
	_, err = in.Resolve(ctx, m.TaskID(), "2001", "sari")
	if !errors.Is(err, core.ErrConflict) || !strings.Contains(err.Error(), "budi") {
		t.Fatalf("second resolve: %v", err)
	}
	if _, err := in.Dismiss(ctx, m.TaskID(), "refunded", "sari"); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("dismiss after resolve: %v", err)
	}
}

func TestResolveConcurrentlyPaysOnce(t *testing.T) {
	r, in, m := ambiguous(t)
	release := make(chan struct{})
	r.store.ApplyPaymentFn = func(_ context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
		<-release
		r.applied = append(r.applied, req)
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomePaid}, nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := in.Resolve(context.Background(), m.TaskID(), "2001", "budi")
		errs <- err
	}()
	// Wait until the first resolve holds the claim, then try a second one.
	for {
		item, _ := in.Get(context.Background(), m.TaskID())
		if item.ClaimedBy != "" {
			break
		}
		time.Sleep(time.Millisecond)
	}
	_, err := in.Resolve(context.Background(), m.TaskID(), "2002", "sari")
	close(release)
	wg.Wait()
	if !errors.Is(err, core.ErrConflict) || !strings.Contains(err.Error(), "being resolved by budi") {
		t.Fatalf("concurrent resolve: %v", err)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if len(r.applied) != 1 {
		t.Fatalf("%d payments applied", len(r.applied))
	}
}

func TestResolveRefusals(t *testing.T) {
	tests := []struct {
		name    string
		order   string
		setup   func(*rig, *payment.Inbox)
		wantErr error
		inText  string
	}{
		{name: "no order number", order: " ", wantErr: core.ErrInvalid},
		{name: "an order that is not open", order: "9999", wantErr: core.ErrNotFound, inText: "not an open order"},
		{name: "an order of another amount", order: "3001", setup: func(r *rig, _ *payment.Inbox) {
			r.orders = append(r.orders, order("3001", 1000))
		}, wantErr: core.ErrNotFound},
		{name: "the store refuses", order: "2001", setup: func(r *rig, _ *payment.Inbox) {
			r.store.ApplyPaymentFn = func(context.Context, *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
				return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "order is cancelled"}, nil
			}
		}, wantErr: core.ErrRefused, inText: "order is cancelled"},
		{name: "a receiver-only process cannot pay", order: "2001", setup: func(_ *rig, in *payment.Inbox) {
			in.Payments = nil
		}, wantErr: core.ErrConflict, inText: "--role receiver"},
		{name: "the store fails", order: "2001", setup: func(r *rig, _ *payment.Inbox) {
			r.store.ApplyPaymentFn = func(context.Context, *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
				return nil, sdk.Retryable(errors.New("503"), 0)
			}
		}, inText: "503"},
		{name: "the choice cannot be stored", order: "2001", setup: func(r *rig, _ *payment.Inbox) {
			r.choices.Err = errors.New("redis down")
		}, inText: "redis down"},
		{name: "the payment cannot be recorded", order: "2001", setup: func(r *rig, _ *payment.Inbox) {
			r.ledger.Err = errors.New("redis down")
		}, inText: "redis down"},
		{name: "the store cannot be asked", order: "2001", setup: func(r *rig, _ *payment.Inbox) {
			r.store.FindOpenOrdersFn = func(context.Context, *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
				return nil, errors.New("connection refused")
			}
		}, inText: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, in, m := ambiguous(t)
			if tt.setup != nil {
				tt.setup(r, in)
			}
			_, err := in.Resolve(context.Background(), m.TaskID(), tt.order, "budi")
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) || !strings.Contains(err.Error(), tt.inText) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.inText)
			}
			item, _ := in.Get(context.Background(), m.TaskID())
			if item.Status != core.ReviewOpen || item.ClaimedBy != "" {
				t.Fatalf("item left %s, claimed by %q", item.Status, item.ClaimedBy)
			}
		})
	}
}

func TestResolveItemsThatCannotPay(t *testing.T) {
	r := newRig(t)
	in := &payment.Inbox{Store: r.review, Payments: r.svc}
	ctx := context.Background()
	debit := mutation(t, "db-1", core.Debit, 150123, "")
	for id, item := range map[string]core.ReviewItem{
		"debit":       core.NewReviewItem(debit, "shop", core.ReviewFailed, "x", nil),
		"no-mutation": {ID: "no-mutation", Status: core.ReviewOpen},
		"garbled":     {ID: "garbled", Status: core.ReviewOpen, Mutation: []byte(`{"amount":"x"}`)},
	} {
		item.ID = id
		if _, err := r.review.PutReview(ctx, item); err != nil {
			t.Fatal(err)
		}
		if _, err := in.Resolve(ctx, id, "1042", "budi"); !errors.Is(err, core.ErrInvalid) {
			t.Fatalf("%s: %v, want ErrInvalid", id, err)
		}
	}
	if _, err := in.Resolve(ctx, "missing", "1042", "budi"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("missing item: %v", err)
	}
	unrouted, err := core.ParseMutation([]byte(`{"mutation_id":"u1","bank_id":"nobody","type":"CR","amount":5}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.PayOrder(ctx, &unrouted, "1042"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("unrouted: %v", err)
	}
}

func TestDismiss(t *testing.T) {
	r, in, m := ambiguous(t)
	ctx := context.Background()
	if _, err := in.Dismiss(ctx, m.TaskID(), "  ", "budi"); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("dismiss without a reason: %v", err)
	}
	item, err := in.Dismiss(ctx, m.TaskID(), "customer refunded by hand", "budi")
	if err != nil || item.Status != core.ReviewDismissed {
		t.Fatalf("dismiss: %+v, %v", item, err)
	}
	if _, err := in.Resolve(ctx, m.TaskID(), "2001", "sari"); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("resolve after dismiss: %v", err)
	}
	items, err := in.List(ctx, core.ReviewFilter{Status: core.ReviewDismissed})
	if err != nil || len(items) != 1 {
		t.Fatalf("list: %v, %v", items, err)
	}
	if len(r.applied) != 0 {
		t.Fatal("a dismissal paid something")
	}
	// A reprocessed mutation does not reopen what a person decided.
	if err := r.svc.Process(ctx, m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if item, _ := in.Get(ctx, m.TaskID()); item.Status != core.ReviewDismissed {
		t.Fatalf("reopened: %+v", item)
	}
}
