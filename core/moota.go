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
	// Tag adds tags to a mutation, creating those Moota does not have yet.
	Tag(ctx context.Context, mutationID string, tags []string) error
	// Verify asks Moota whether the mutation m, as a webhook delivered it,
	// is one Moota recorded. An error means Moota could not be asked (a
	// retryable one when it is down), never that m is forged.
	Verify(ctx context.Context, m *Mutation) (Verification, error)
}

// Verdict is what Moota's API says of a delivered mutation.
type Verdict string

// Verdicts of MootaAPI.Verify.
const (
	// Verified: the account lists a mutation with the same id, amount and token.
	Verified Verdict = "verified"
	// NotFound: the account lists no credit with that id around its date:
	// Moota never recorded it (a forged webhook), or not yet.
	NotFound Verdict = "not_found"
	// Mismatch: the account lists the id, with another amount, token or bank.
	Mismatch Verdict = "mismatch"
)

// Verification is the answer of MootaAPI.Verify. Reason says, for people,
// what was not found or differed; it is empty when Verified.
type Verification struct {
	Verdict Verdict
	Reason  string
}
