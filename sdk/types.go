package sdk

import (
	"encoding/json"
	"fmt"
	"time"
)

// Order is a store order as the core sees it: enough to match a payment and
// to ask the plugin to apply it.
type Order struct {
	ID        string    // the store's own id (used in API calls)
	Number    string    // the number customers see and type ("1042", "#1042")
	Status    string    // the store's status word ("on-hold", "PENDING")
	Amount    Amount    // amount still due
	Currency  string    // ISO 4217, "IDR"
	CreatedAt time.Time // when the order was placed
	PaidBy    string    // idempotency marker: the mutation id that paid it, if any

	// The optional payment facts below come from the store's checkout (for
	// WooCommerce, the meta Moota's official plugin writes). Empty means
	// the store does not say, and the order is matched by amount alone.

	// BankID is the Moota bank_id of the account the customer was told to
	// pay into: only a mutation of that account can pay the order.
	BankID string
	// VANumber is the order's own virtual account number (a closed VA): a
	// VA mutation, whose account_number is the VA it was paid into, pays
	// only the order holding that number.
	VANumber string
	// PaymentRef is the store's reference for the payment where it has one
	// (a Moota checkout's payment_detail.order_id, a unique-code tag like
	// "{bank_id}.{amount}"): a mutation naming it selects this order.
	PaymentRef string
}

// Mutation is one bank statement line, normalised by the core.
type Mutation struct {
	ID            string    // Moota mutation_id
	BankID        string    // Moota bank_id (the account that received the money)
	AccountNumber string    // bank account number, always as text
	Type          string    // "CR" (money in) or "DB" (money out)
	Amount        Amount    // exact amount
	Description   string    // raw bank narrative
	Note          string    // merchant's note in Moota
	Date          time.Time // bank date (Asia/Jakarta)
	BankType      string    // "bca", "mandiriBisnisV2", ...
}

// Outcome is what ApplyPayment or ReversePayment did. It is data, not an error.
type Outcome string

// Outcomes of ApplyPayment and ReversePayment.
const (
	OutcomePaid            Outcome = "paid"             // this call marked the order paid
	OutcomeAlreadyPaid     Outcome = "already_paid"     // the order was paid before (by this mutation or another)
	OutcomeRefused         Outcome = "refused"          // the plugin would not apply it; Reason says why
	OutcomeReversed        Outcome = "reversed"         // ReversePayment undid the payment
	OutcomeAlreadyReversed Outcome = "already_reversed" // ReversePayment had already been applied
)

// ConfigureRequest carries the store's settings block from lunas.hcl, as JSON.
type ConfigureRequest struct {
	StoreName string          // the store's name in lunas.hcl
	Settings  json.RawMessage // the settings object; decode it with Decode
}

// Decode decodes the settings into v (a pointer to a struct with json tags),
// refusing unknown keys so that a misspelt setting is reported, not ignored.
func (r *ConfigureRequest) Decode(v any) error {
	if len(r.Settings) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytesReader(r.Settings))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Permanent(fmt.Errorf("settings: %w", settingsError(err)))
	}
	return nil
}

// ConfigureResponse is empty; a failed Configure returns an error.
type ConfigureResponse struct{}

// FindOpenOrdersRequest asks for orders that could be paid by a mutation.
type FindOpenOrdersRequest struct {
	Amount Amount    // the mutation amount; the plugin may filter by it or return a superset
	Since  time.Time // only orders created at or after this time
	Hints  []string  // tokens from the bank description that may be order numbers
	BankID string    // the Moota account that received the money
}

// FindOpenOrdersResponse lists candidate open (unpaid) orders. The core's
// matcher decides; returning extra orders is safe, missing one is not.
type FindOpenOrdersResponse struct {
	Orders []Order
}

// ApplyPaymentRequest asks the plugin to record a matched payment.
type ApplyPaymentRequest struct {
	Order          Order    // the order as returned by FindOpenOrders
	Mutation       Mutation // the payment
	IdempotencyKey string   // stable across retries: "moota:{bank_id}:{mutation_id}"
}

// ApplyPaymentResponse reports what happened to the order.
type ApplyPaymentResponse struct {
	Outcome Outcome
	Reason  string // for refused: why, in words an operator understands
	Status  string // the order's status after the call
}

// HealthRequest is empty.
type HealthRequest struct{}

// HealthResponse says whether the store is reachable with the configured credentials.
type HealthResponse struct {
	Status  string // "ok" or "degraded"
	Message string
	// Version is the plugin's version ("v1.4.0", a VCS revision). Left
	// empty, Serve fills it with the version given to WithVersion, or else
	// with the one recorded in the plugin binary's build info.
	Version string
}

// ReversePaymentRequest asks the plugin to undo a payment whose credit the bank reversed.
//
// Order and Original are what Lunas kept of the payment for the reversal
// window: the order's ID, Number and Amount, and the credit's ID, BankID,
// Type and Amount (its description and dates are not kept). Read anything
// else from the store.
type ReversePaymentRequest struct {
	Order          Order
	Original       Mutation // the credit that paid the order
	Reversal       Mutation // the debit that undid it
	IdempotencyKey string
}

// ReversePaymentResponse reports what happened.
type ReversePaymentResponse struct {
	Outcome Outcome
	Reason  string
	Status  string
}
