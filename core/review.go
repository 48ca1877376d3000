package core

import (
	"context"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// ReviewReason says why a mutation needs a person.
type ReviewReason string

// Reasons for a review record.
const (
	ReviewAmbiguous ReviewReason = "ambiguous" // several open orders fit
	ReviewUnmatched ReviewReason = "unmatched" // no open order fits
	ReviewRefused   ReviewReason = "refused"   // the store would not apply the payment
	ReviewUnrouted  ReviewReason = "unrouted"  // no store claims the bank account
	ReviewFailed    ReviewReason = "failed"    // a permanent error stopped processing
)

// OrderRef is an order as shown in a review record.
type OrderRef struct {
	ID     string     `json:"id"`
	Number string     `json:"number"`
	Amount sdk.Amount `json:"amount"`
	Status string     `json:"status,omitempty"`
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
}

// NewReviewItem fills a review record from a mutation.
func NewReviewItem(m *Mutation, store string, reason ReviewReason, detail string, cands []sdk.Order) ReviewItem {
	item := ReviewItem{
		ID: m.TaskID(), Reason: reason, Detail: detail, Store: store,
		MutationID: m.ID, BankID: m.BankID, Type: m.Type, Amount: m.Amount,
		Description: m.Description, Date: m.Date, CreatedAt: time.Now().UTC(),
	}
	for _, o := range cands {
		item.Candidates = append(item.Candidates, OrderRef{ID: o.ID, Number: o.Number, Amount: o.Amount, Status: o.Status})
	}
	return item
}

// ReviewStore keeps review records. Implementations are safe for concurrent use.
type ReviewStore interface {
	// PutReview adds the record, or replaces the one with the same ID.
	PutReview(ctx context.Context, item ReviewItem) error
	// ListReview returns up to limit records, newest first.
	ListReview(ctx context.Context, limit int) ([]ReviewItem, error)
}
