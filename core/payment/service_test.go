package payment_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/core/payment/mock"
	"github.com/lunas-dev/lunas/sdk"
)

// now is the fixed clock of every test.
var now = time.Date(2026, 11, 30, 10, 0, 0, 0, core.Jakarta)

const bank = "bank-bca"

// mutation parses a Moota mutation as the webhook would.
func mutation(t *testing.T, id, typ string, amount int64, description string) *core.Mutation {
	t.Helper()
	raw := fmt.Sprintf(`{"mutation_id":%q,"bank_id":%q,"type":%q,"amount":%d,"description":%q,"date":"2026-11-30 09:58:00"}`,
		id, bank, typ, amount, description)
	m, err := core.ParseMutation([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return &m
}

func order(number string, amount int64) sdk.Order {
	return sdk.Order{ID: "id-" + number, Number: number, Status: "on-hold", Amount: sdk.Rupiah(amount), Currency: "IDR", CreatedAt: now.Add(-time.Hour)}
}

// rig is a Service over in-memory fakes, with a store whose open orders and
// answers a test sets.
type rig struct {
	svc      *payment.Service
	store    *mock.ReversingStore
	review   *mock.ReviewStore
	choices  *mock.Choices
	ledger   *mock.Ledger
	rechecks *mock.Rechecks
	orders   []sdk.Order
	applied  []*sdk.ApplyPaymentRequest
	finds    int
	paidHook []string
}

type option func(*payment.Config)

func newRig(t *testing.T, opts ...option) *rig {
	t.Helper()
	r := &rig{review: &mock.ReviewStore{}, choices: &mock.Choices{}, ledger: &mock.Ledger{}, rechecks: &mock.Rechecks{}}
	r.store = &mock.ReversingStore{Store: mock.Store{
		FindOpenOrdersFn: func(_ context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
			r.finds++
			if req.BankID != bank {
				t.Errorf("FindOpenOrders for bank %q, want %q", req.BankID, bank)
			}
			return &sdk.FindOpenOrdersResponse{Orders: r.orders}, nil
		},
		ApplyPaymentFn: func(_ context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
			r.applied = append(r.applied, req)
			return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomePaid, Status: "processing"}, nil
		},
	}}
	cfg := payment.Config{
		Routes:   mock.Routes{bank: {Name: "shop", Store: r.store}},
		Review:   r.review,
		Choices:  r.choices,
		Ledger:   r.ledger,
		Rechecks: r.rechecks,
		Now:      func() time.Time { return now },
		OnPaid: func(_ context.Context, m *core.Mutation, store string, o sdk.Order) error {
			r.paidHook = append(r.paidHook, m.ID+"->"+store+"/"+o.Number)
			return nil
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	svc, err := payment.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.svc = svc
	return r
}

func (r *rig) item(t *testing.T, id string) core.ReviewItem {
	t.Helper()
	item, err := r.review.GetReview(context.Background(), id)
	if err != nil {
		t.Fatalf("review item %s: %v", id, err)
	}
	return item
}

func (r *rig) noItem(t *testing.T, id string) {
	t.Helper()
	if item, err := r.review.GetReview(context.Background(), id); err == nil {
		t.Fatalf("unexpected review item %+v", item)
	}
}

func TestProcessCredit(t *testing.T) {
	tests := []struct {
		name        string
		orders      []sdk.Order
		description string
		apply       func(*sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error)
		wantPaid    string            // order number the store was asked to pay, "" none
		wantReview  core.ReviewReason // review item expected, "" none
		wantErr     func(error) bool  // nil: no error
		wantLedger  int               // payments recorded for reversals
	}{
		{
			name: "one open order of the amount is paid", orders: []sdk.Order{order("1042", 150123), order("1043", 99000)},
			wantPaid: "1042", wantLedger: 1,
		},
		{
			name: "already paid by this mutation counts as paid", orders: []sdk.Order{order("1042", 150123)},
			apply: func(*sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
				return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid, Status: "processing"}, nil
			},
			wantPaid: "1042", wantLedger: 1,
		},
		{
			name: "a refusal goes to review with the store's reason", orders: []sdk.Order{order("1042", 150123)},
			apply: func(*sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
				return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeRefused, Reason: "order is cancelled"}, nil
			},
			wantPaid: "1042", wantReview: core.ReviewRefused,
		},
		{
			name: "two orders of the amount are ambiguous", orders: []sdk.Order{order("1042", 150123), order("1044", 150123)},
			description: "TRSF BUDI", wantReview: core.ReviewAmbiguous,
		},
		{
			name: "a tie is broken by the order number in the description", orders: []sdk.Order{order("1042", 150123), order("1044", 150123)},
			description: "TRSF INV-1044 BUDI", wantPaid: "1044", wantLedger: 1,
		},
		{
			name: "an order paid by another mutation is no candidate", orders: []sdk.Order{{Number: "1042", Amount: sdk.Rupiah(150123), PaidBy: "other", CreatedAt: now}},
			wantReview: core.ReviewUnmatched,
		},
		{
			name: "an order older than the window is no candidate", orders: []sdk.Order{{Number: "1042", Amount: sdk.Rupiah(150123), CreatedAt: now.Add(-8 * 24 * time.Hour)}},
			wantReview: core.ReviewUnmatched,
		},
		{
			name: "no open order goes to review", orders: []sdk.Order{order("1043", 99000)},
			wantReview: core.ReviewUnmatched,
		},
		{
			name: "a retryable store error is retried, nothing recorded", orders: []sdk.Order{order("1042", 150123)},
			apply: func(*sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
				return nil, sdk.Retryable(errors.New("503 from the shop"), 30*time.Second)
			},
			wantPaid: "1042",
			wantErr: func(err error) bool {
				class, d := sdk.ClassOf(err)
				return class == sdk.ClassRetryable && d == 30*time.Second && !sdk.IsPermanent(err)
			},
		},
		{
			name: "a permanent store error goes to review and is not retried", orders: []sdk.Order{order("1042", 150123)},
			apply: func(*sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
				return nil, sdk.Permanentf("401: consumer key revoked")
			},
			wantPaid: "1042", wantReview: core.ReviewFailed, wantErr: sdk.IsPermanent,
		},
		{
			name: "an unknown outcome from the plugin is a permanent failure", orders: []sdk.Order{order("1042", 150123)},
			apply: func(*sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
				return &sdk.ApplyPaymentResponse{Outcome: "maybe"}, nil
			},
			wantPaid: "1042", wantReview: core.ReviewFailed, wantErr: sdk.IsPermanent,
		},
		{
			name: "no answer at all from the plugin is a permanent failure", orders: []sdk.Order{order("1042", 150123)},
			apply:    func(*sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) { return nil, nil },
			wantPaid: "1042", wantReview: core.ReviewFailed, wantErr: sdk.IsPermanent,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.orders = tt.orders
			if tt.apply != nil {
				r.store.ApplyPaymentFn = func(_ context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
					r.applied = append(r.applied, req)
					return tt.apply(req)
				}
			}
			m := mutation(t, "mut-1", core.Credit, 150123, tt.description)
			err := r.svc.Process(context.Background(), m, payment.Attempt{ReceivedAt: now.Add(-time.Second)})
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Process: %v", err)
			case tt.wantErr != nil && (err == nil || !tt.wantErr(err)):
				t.Fatalf("Process error = %v, not the kind wanted", err)
			}
			switch {
			case tt.wantPaid == "" && len(r.applied) > 0:
				t.Fatalf("store asked to pay %s, want nothing paid", r.applied[0].Order.Number)
			case tt.wantPaid != "" && (len(r.applied) != 1 || r.applied[0].Order.Number != tt.wantPaid):
				t.Fatalf("store asked to pay %v, want once order %s", r.applied, tt.wantPaid)
			case tt.wantPaid != "" && r.applied[0].IdempotencyKey != m.TaskID():
				t.Fatalf("idempotency key %q, want the task id %q", r.applied[0].IdempotencyKey, m.TaskID())
			}
			if tt.wantReview == "" {
				r.noItem(t, m.TaskID())
			} else if item := r.item(t, m.TaskID()); item.Reason != tt.wantReview || item.Store != "shop" {
				t.Fatalf("review item %s in %q, want %s in shop (detail %q)", item.Reason, item.Store, tt.wantReview, item.Detail)
			}
			if got := len(r.ledger.Records()); got != tt.wantLedger {
				t.Fatalf("%d payments recorded, want %d", got, tt.wantLedger)
			}
			if len(r.paidHook) != tt.wantLedger {
				t.Fatalf("OnPaid ran %d times, want %d", len(r.paidHook), tt.wantLedger)
			}
		})
	}
}

func TestAmbiguousItemListsTheCandidates(t *testing.T) {
	r := newRig(t)
	r.orders = []sdk.Order{order("1042", 150123), order("1044", 150123)}
	m := mutation(t, "mut-1", core.Credit, 150123, "TRSF")
	if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	item := r.item(t, m.TaskID())
	if len(item.Candidates) != 2 || item.Candidates[0].Number != "1042" || item.Candidates[1].Number != "1044" {
		t.Fatalf("candidates %+v", item.Candidates)
	}
	if !strings.Contains(item.Detail, "2 open orders") {
		t.Fatalf("detail %q", item.Detail)
	}
}

func TestUnroutedGoesToReview(t *testing.T) {
	r := newRig(t)
	raw := `{"mutation_id":"m9","bank_id":"bank-unknown","type":"CR","amount":1000}`
	m, err := core.ParseMutation([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Process(context.Background(), &m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if item := r.item(t, m.TaskID()); item.Reason != core.ReviewUnrouted || item.Store != "" {
		t.Fatalf("item %+v", item)
	}
	if r.finds != 0 {
		t.Fatal("an unrouted mutation asked a store")
	}
}

func TestDebitNeverPays(t *testing.T) {
	r := newRig(t, func(c *payment.Config) { c.ReversalPatterns = []*regexp.Regexp{regexp.MustCompile(`(?i)revers`)} })
	r.orders = []sdk.Order{order("1042", 150123)}
	for i, desc := range []string{"BIAYA ADM", "REVERSAL TRSF"} {
		m := mutation(t, fmt.Sprint("db-", i), core.Debit, 150123, desc)
		if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
			t.Fatal(err)
		}
		r.noItem(t, m.TaskID())
	}
	if len(r.applied) != 0 || r.finds != 0 {
		t.Fatalf("a debit reached the store: %d finds, %d applies", r.finds, len(r.applied))
	}
}

func TestUnmatchedIsRecheckedThenReviewed(t *testing.T) {
	schedule := []time.Duration{5 * time.Minute, 30 * time.Minute}
	r := newRig(t, func(c *payment.Config) { c.Recheck = schedule })
	m := mutation(t, "mut-1", core.Credit, 150123, "")
	for i, want := range schedule {
		err := r.svc.Process(context.Background(), m, payment.Attempt{})
		if !errors.Is(err, payment.ErrRecheck) {
			t.Fatalf("look %d: %v, want ErrRecheck", i+1, err)
		}
		if _, d := sdk.ClassOf(err); d != want {
			t.Fatalf("look %d: again in %s, want %s", i+1, d, want)
		}
		r.noItem(t, m.TaskID())
	}
	if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if item := r.item(t, m.TaskID()); item.Reason != core.ReviewUnmatched {
		t.Fatalf("item %+v", item)
	}
	// An order that arrives during the re-checks is paid.
	m2 := mutation(t, "mut-2", core.Credit, 150123, "")
	if err := r.svc.Process(context.Background(), m2, payment.Attempt{}); !errors.Is(err, payment.ErrRecheck) {
		t.Fatal(err)
	}
	r.orders = []sdk.Order{order("1042", 150123)}
	if err := r.svc.Process(context.Background(), m2, payment.Attempt{}); err != nil || len(r.applied) != 1 {
		t.Fatalf("late order: err %v, %d applied", err, len(r.applied))
	}
}

func TestRecheckCounterFailureIsRetryable(t *testing.T) {
	r := newRig(t, func(c *payment.Config) { c.Recheck = []time.Duration{time.Minute} })
	r.rechecks.Err = errors.New("redis down")
	err := r.svc.Process(context.Background(), mutation(t, "mut-1", core.Credit, 150123, ""), payment.Attempt{})
	if err == nil || sdk.IsPermanent(err) || errors.Is(err, payment.ErrRecheck) {
		t.Fatalf("err = %v, want a retryable failure", err)
	}
}

// A crash between choosing the order and applying it (here: the store's
// answer is lost) retries on the same order, although the store no longer
// lists it as open.
func TestRetryAfterAHalfAppliedPaymentGoesToTheSameOrder(t *testing.T) {
	r := newRig(t)
	r.orders = []sdk.Order{order("1042", 150123)}
	lost := true
	r.store.ApplyPaymentFn = func(_ context.Context, req *sdk.ApplyPaymentRequest) (*sdk.ApplyPaymentResponse, error) {
		r.applied = append(r.applied, req)
		if lost {
			return nil, sdk.Retryable(errors.New("connection reset"), 0)
		}
		return &sdk.ApplyPaymentResponse{Outcome: sdk.OutcomeAlreadyPaid}, nil
	}
	m := mutation(t, "mut-1", core.Credit, 150123, "")
	if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err == nil {
		t.Fatal("want the lost answer retried")
	}
	lost = false
	r.orders = []sdk.Order{order("1050", 150123)} // 1042 is paid now; another order of the amount appeared
	if err := r.svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if len(r.applied) != 2 || r.applied[1].Order.Number != "1042" {
		t.Fatalf("retry paid %+v, want order 1042 again", r.applied[len(r.applied)-1].Order)
	}
	if r.finds != 1 {
		t.Fatalf("the retry looked for orders again (%d finds)", r.finds)
	}
	r.noItem(t, m.TaskID())
}

func TestFailuresToRecordAreRetryable(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*rig)
	}{
		{"choices unreadable", func(r *rig) { r.choices.Err = errors.New("redis down") }},
		{"ledger unwritable", func(r *rig) { r.ledger.Err = errors.New("redis down") }},
		{"find fails", func(r *rig) {
			r.store.FindOpenOrdersFn = func(context.Context, *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
				return nil, errors.New("dial tcp: connection refused")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.orders = []sdk.Order{order("1042", 150123)}
			tt.setup(r)
			m := mutation(t, "mut-1", core.Credit, 150123, "")
			err := r.svc.Process(context.Background(), m, payment.Attempt{})
			if err == nil || sdk.IsPermanent(err) {
				t.Fatalf("err = %v, want retryable", err)
			}
			r.noItem(t, m.TaskID())
		})
	}
}

func TestOnPaidFailureRetriesWithoutPayingTwice(t *testing.T) {
	r := newRig(t)
	r.orders = []sdk.Order{order("1042", 150123)}
	fail := true
	svc, err := payment.New(payment.Config{
		Routes: mock.Routes{bank: {Name: "shop", Store: r.store}}, Review: r.review, Choices: r.choices,
		OnPaid: func(context.Context, *core.Mutation, string, sdk.Order) error {
			if fail {
				return errors.New("queue write-back: redis down")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := mutation(t, "mut-1", core.Credit, 150123, "")
	if err := svc.Process(context.Background(), m, payment.Attempt{}); err == nil || sdk.IsPermanent(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
	fail = false
	if err := svc.Process(context.Background(), m, payment.Attempt{}); err != nil {
		t.Fatal(err)
	}
	for _, a := range r.applied {
		if a.Order.Number != "1042" || a.IdempotencyKey != m.TaskID() {
			t.Fatalf("applied %+v", a)
		}
	}
}

func TestReviewStoreFailureIsRetryable(t *testing.T) {
	r := newRig(t)
	r.review.PutErr = errors.New("redis down")
	err := r.svc.Process(context.Background(), mutation(t, "mut-1", core.Credit, 150123, ""), payment.Attempt{})
	if err == nil || sdk.IsPermanent(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
}

func TestNewRequiresItsParts(t *testing.T) {
	for _, cfg := range []payment.Config{
		{Review: &mock.ReviewStore{}, Choices: &mock.Choices{}},
		{Routes: mock.Routes{}, Choices: &mock.Choices{}},
		{Routes: mock.Routes{}, Review: &mock.ReviewStore{}},
	} {
		if _, err := payment.New(cfg); err == nil {
			t.Fatalf("New(%+v) accepted a config missing a part", cfg)
		}
	}
}
