package core

import (
	"context"
	"encoding/json"
	"time"
)

// MootaAPI is what Lunas uses of Moota's REST API v2: listing mutations
// to catch webhooks Moota never delivered (reconciliation), and tagging and
// annotating a mutation once it paid an order (write-back). Errors are
// classified with sdk.Retryable / sdk.Permanent. Implementations are safe
// for concurrent use and never put the API token in an error.
type MootaAPI interface {
	// BankIDs lists the bank accounts of the Moota user.
	BankIDs(ctx context.Context) ([]string, error)
	// Mutations calls each for every credit mutation of bankID dated from
	// from to to (inclusive dates, Asia/Jakarta), page by page, with the
	// mutation object as Moota sent it.
	Mutations(ctx context.Context, bankID string, from, to time.Time, each func(raw json.RawMessage) error) error
	// AddNote sets the note of a mutation.
	AddNote(ctx context.Context, mutationID, note string) error
	// Tag adds tags to a mutation.
	Tag(ctx context.Context, mutationID string, tags []string) error
}
