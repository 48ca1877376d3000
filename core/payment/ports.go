package payment

import (
	"context"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// Route is a store as the money path sees it.
type Route struct {
	Name   string        // the store's name in lunas.hcl
	Store  sdk.Store     // the plugin; it may also implement sdk.Reverser
	Window time.Duration // how long before a payment an order may have been created; default DefaultWindow
	// Slack is how long after the end of the mutation's bank date (Asia/Jakarta)
	// an order may have been created and still be paid by it: bank dates
	// are often date-only. Default DefaultSlack; never negative.
	Slack   time.Duration
	Timeout time.Duration // per plugin call; default DefaultTimeout
}

// Routes finds the store that owns a bank account.
type Routes interface {
	ForBank(bankID string) (Route, bool)
}

// Choices remembers which order was chosen for a mutation, before the store
// is asked to apply it: if ApplyPayment half-succeeds (status changed, note
// failed), the retry must go to the same order, which is no longer listed
// as open. Implementations are safe for concurrent use.
type Choices interface {
	// Chosen returns the order chosen for the mutation with this task id.
	Chosen(ctx context.Context, taskID string) (order sdk.Order, ok bool, err error)
	// Choose records the choice durably (replicated, where the store can).
	Choose(ctx context.Context, taskID string, order sdk.Order) error
	// Settle says the payment of taskID is applied and recorded in the
	// Ledger: from now on the choice matters only to a rerun of the same
	// task (a worker that died before the queue marked it done), so it need
	// not be kept the whole window. A rerun that finds it gone recognises
	// its own payment by the Ledger's record (see task.pay).
	Settle(ctx context.Context, taskID string) error
}

// Record is a credit that paid an order, kept so that a later bank reversal
// of that credit can find the order again.
type Record struct {
	TaskID   string       `json:"task_id"`
	Store    string       `json:"store"`
	Order    sdk.Order    `json:"order"`
	Mutation sdk.Mutation `json:"mutation"`
	PaidAt   time.Time    `json:"paid_at"`
	// ReceivedAt is when the webhook took the delivery that paid (zero when
	// a person paid from the review inbox, or unknown).
	ReceivedAt time.Time `json:"received_at,omitzero"`
}

// Applied is what the ledger keeps, for good, of a mutation that paid an
// order: enough to recognise a replay of it after every other record
// expired.
type Applied struct {
	Store       string
	OrderID     string // the store's id of the order (the number in records of earlier versions)
	OrderNumber string
	Amount      sdk.Amount
	Type        string
	At          time.Time
	// ReceivedAt is when the delivery that paid was received, to the
	// millisecond (zero when unknown): a rerun of the same task carries the
	// same time, a replay a later one.
	ReceivedAt time.Time
}

// Ledger keeps the credits that paid orders: per bank account and amount
// for the reversal window, and a compact record per mutation that never
// expires. Implementations are safe for concurrent use.
type Ledger interface {
	// Record notes a payment, in both forms; recording the same task twice
	// keeps one entry.
	Record(ctx context.Context, rec Record, window time.Duration) error
	// Applied returns the permanent record of the mutation, if it paid an order.
	Applied(ctx context.Context, bankID, mutationID string) (Applied, bool, error)
	// Reversible returns the credits of amount into bankID paid within
	// window before now, newest first.
	Reversible(ctx context.Context, bankID string, amount sdk.Amount, now time.Time, window time.Duration) ([]Record, error)
	// ReversedBy returns the id of the debit that reversed the credit, or "".
	ReversedBy(ctx context.Context, creditTaskID string) (string, error)
	// ClaimReversal marks the credit reversed by reversalID. It reports
	// false when another debit claimed it first.
	ClaimReversal(ctx context.Context, creditTaskID, reversalID string, window time.Duration) (bool, error)
}

// Rechecks counts how often an unmatched payment was looked at again.
type Rechecks interface {
	// Next increments the mutation's count and returns it (1 the first
	// time); the count is forgotten after ttl.
	Next(ctx context.Context, taskID string, ttl time.Duration) (int, error)
}

// Metrics receives what the money path counts. Implementations are safe for
// concurrent use; nil in Config means none.
type Metrics interface {
	// Outcome counts a processed mutation by store and outcome.
	Outcome(store, outcome string)
	// ReviewCreated counts a new review item.
	ReviewCreated(reason string)
	// Call times one plugin call.
	Call(store, method string, d time.Duration)
	// Paid observes the time from webhook received to order paid.
	Paid(d time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) Outcome(string, string)             {}
func (nopMetrics) ReviewCreated(string)               {}
func (nopMetrics) Call(string, string, time.Duration) {}
func (nopMetrics) Paid(time.Duration)                 {}

// Verifier confirms a credit with the bank's side before it pays anything
// (Moota's API: the account lists a mutation with the same id, amount and
// token). An error is an outage to retry (or, when sdk.IsPermanent, a
// failure for review), never a verdict.
type Verifier interface {
	Verify(ctx context.Context, m *core.Mutation) (core.Verification, error)
}
