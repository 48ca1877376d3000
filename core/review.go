package core

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// ReviewReason says why a mutation needs a person.
type ReviewReason string

// Reasons for a review record.
const (
	ReviewAmbiguous   ReviewReason = "ambiguous"   // several open orders fit
	ReviewUnmatched   ReviewReason = "unmatched"   // no open order fits
	ReviewRefused     ReviewReason = "refused"     // the store would not apply the payment
	ReviewUnrouted    ReviewReason = "unrouted"    // no store claims the bank account
	ReviewFailed      ReviewReason = "failed"      // a permanent error stopped processing
	ReviewReversed    ReviewReason = "reversed"    // the bank reversed a credit that paid an order
	ReviewReplay      ReviewReason = "replay"      // a mutation that already paid an order arrived again
	ReviewConflict    ReviewReason = "conflict"    // a mutation id arrived again with another amount or type
	ReviewInvalid     ReviewReason = "invalid"     // a mutation that can pay nothing (a credit of Rp 0 or less)
	ReviewUnverified  ReviewReason = "unverified"  // Moota's API does not confirm the credit as delivered
	ReviewUnreachable ReviewReason = "unreachable" // the store's calls have failed too long; retries go on
)

// ReviewReasons lists every reason, in the order people are shown them.
var ReviewReasons = []ReviewReason{
	ReviewAmbiguous, ReviewUnmatched, ReviewRefused, ReviewUnreachable, ReviewUnrouted, ReviewFailed,
	ReviewReversed, ReviewReplay, ReviewConflict, ReviewInvalid, ReviewUnverified,
}

// ReviewStatus is where a review item stands.
type ReviewStatus string

// Statuses of a review item.
const (
	ReviewOpen      ReviewStatus = "open"      // waiting for a person
	ReviewResolved  ReviewStatus = "resolved"  // a person chose the order; the payment was applied
	ReviewDismissed ReviewStatus = "dismissed" // a person decided nothing is to be paid
)

// ReviewAction is one manual (or automatic) step taken on a review item:
// who did what, when.
type ReviewAction struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // "resolve", "resolve_refused", "dismiss", "reopen"
	Detail string    `json:"detail"`
}

// ReviewFilter selects review items. Zero fields match everything.
type ReviewFilter struct {
	Status ReviewStatus
	Reason ReviewReason
	Store  string
	Limit  int // default 100
}

// Match reports whether item passes the filter.
func (f ReviewFilter) Match(item ReviewItem) bool {
	return (f.Status == "" || item.Status == f.Status) &&
		(f.Reason == "" || item.Reason == f.Reason) &&
		(f.Store == "" || item.Store == f.Store)
}

// Errors of the review inbox, wrapped with details; check with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrRefused  = errors.New("refused by the store")
	ErrInvalid  = errors.New("invalid request")
)

// ReplayRequest selects tasks to run again: one task by ID, or every task
// of a queue in a state ("archived" by default, or "retry").
type ReplayRequest struct {
	Queue  string `json:"queue"`
	State  string `json:"state,omitempty"`
	TaskID string `json:"task_id,omitempty"`
}

// OrderRef is an order as shown in a review record.
type OrderRef struct {
	ID     string     `json:"id"`
	Number string     `json:"number"`
	Amount sdk.Amount `json:"amount"`
	Status string     `json:"status,omitempty"`
	// CreatedAt is when the order was placed, as the store said; zero when
	// the store did not say (records written before it was kept).
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// ReviewItem is a mutation a person must look at. Its ID is the mutation's
// task id, so processing the same mutation again updates the record instead
// of adding a second one.
type ReviewItem struct {
	ID          string       `json:"id"`
	Reason      ReviewReason `json:"reason"`
	Detail      string       `json:"detail"`
	Store       string       `json:"store,omitempty"`
	MutationID  string       `json:"mutation_id"`
	BankID      string       `json:"bank_id"`
	Type        string       `json:"type"`
	Amount      sdk.Amount   `json:"amount"`
	Description string       `json:"description"`
	Date        time.Time    `json:"date"`
	Candidates  []OrderRef   `json:"candidates,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`

	Status        ReviewStatus   `json:"status"`
	ClaimedBy     string         `json:"claimed_by,omitempty"` // someone is resolving it right now
	ClaimedAt     time.Time      `json:"claimed_at,omitzero"`
	ResolvedOrder string         `json:"resolved_order,omitempty"`
	Actions       []ReviewAction `json:"actions,omitempty"`
	// Mutation is the mutation as Moota sent it (minus bank.meta), so that
	// resolving the item can apply it exactly as the worker would.
	Mutation json.RawMessage `json:"mutation,omitempty"`
}

// NewReviewItem fills a review record from a mutation.
func NewReviewItem(m *Mutation, store string, reason ReviewReason, detail string, cands []sdk.Order) ReviewItem {
	now := time.Now().UTC()
	item := ReviewItem{
		ID: m.TaskID(), Reason: reason, Detail: detail, Store: store,
		MutationID: m.ID, BankID: m.BankID, Type: m.Type, Amount: m.Amount,
		Description: m.Description, Date: m.Date, CreatedAt: now, UpdatedAt: now,
		Status: ReviewOpen, Mutation: m.Raw,
	}
	for _, o := range cands {
		item.Candidates = append(item.Candidates, OrderRef{ID: o.ID, Number: o.Number, Amount: o.Amount, Status: o.Status, CreatedAt: o.CreatedAt})
	}
	return item
}

// ReviewStore keeps review records. Implementations are safe for concurrent use.
type ReviewStore interface {
	// PutReview adds the record. A record with the same ID that is still open
	// is updated (reason, detail, candidates); one a person already resolved
	// or dismissed is left alone. created reports whether the record is new.
	PutReview(ctx context.Context, item ReviewItem) (created bool, err error)
	// GetReview returns one record, or an error wrapping ErrNotFound.
	GetReview(ctx context.Context, id string) (ReviewItem, error)
	// ListReview returns the records passing f, newest first.
	ListReview(ctx context.Context, f ReviewFilter) ([]ReviewItem, error)
	// UpdateReview applies fn to the record under a lock, so two people
	// acting on one item at once cannot both succeed; fn's error aborts.
	UpdateReview(ctx context.Context, id string, fn func(*ReviewItem) error) (ReviewItem, error)
}
