package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// The JSON bodies of the contract in openapi.yaml. Amounts travel as exact
// decimal strings; times as RFC 3339.

// openOrdersRequest is the body of POST /lunas/open-orders.
type openOrdersRequest struct {
	Amount string   `json:"amount"`
	Since  string   `json:"since"`
	Hints  []string `json:"hints"`
	BankID string   `json:"bank_id"`
}

// openOrdersResponse is the 200 answer of POST /lunas/open-orders.
type openOrdersResponse struct {
	Orders []wireOrder `json:"orders"`
}

// wireOrder is an order as the store lists it. Ids and numbers may come as
// JSON numbers too, as many stores keep them in integer columns.
type wireOrder struct {
	ID        looseString `json:"id"`
	Number    looseString `json:"number"`
	Status    string      `json:"status"`
	Amount    *sdk.Amount `json:"amount"`
	Currency  string      `json:"currency"`
	CreatedAt string      `json:"created_at"`
	PaidBy    string      `json:"paid_by"`
	// The optional payment facts (see sdk.Order); empty: not known.
	BankID     looseString `json:"bank_id"`
	VANumber   looseString `json:"va_number"`
	PaymentRef looseString `json:"payment_ref"`
}

// sentOrder is an order as Lunas sends it back in a payment request.
type sentOrder struct {
	ID         string `json:"id"`
	Number     string `json:"number"`
	Status     string `json:"status"`
	Amount     string `json:"amount"`
	Currency   string `json:"currency"`
	CreatedAt  string `json:"created_at,omitempty"`
	PaidBy     string `json:"paid_by,omitempty"`
	BankID     string `json:"bank_id,omitempty"`
	VANumber   string `json:"va_number,omitempty"`
	PaymentRef string `json:"payment_ref,omitempty"`
}

// sentMutation is the bank mutation in a payment request.
type sentMutation struct {
	ID            string `json:"id"`
	BankID        string `json:"bank_id"`
	AccountNumber string `json:"account_number"`
	Type          string `json:"type"`
	Amount        string `json:"amount"`
	Description   string `json:"description"`
	Note          string `json:"note,omitempty"`
	Date          string `json:"date,omitempty"`
	BankType      string `json:"bank_type,omitempty"`
}

// paymentRequest is the body of POST /lunas/payments.
type paymentRequest struct {
	Order          sentOrder    `json:"order"`
	Mutation       sentMutation `json:"mutation"`
	IdempotencyKey string       `json:"idempotency_key"`
}

// paymentResponse is the answer of POST /lunas/payments (200, 409 or 422).
type paymentResponse struct {
	Outcome string `json:"outcome"`
	Status  string `json:"status"`
	Reason  string `json:"reason"`
}

// looseString accepts a JSON string or number and keeps its text.
type looseString string

func (s *looseString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*s = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = looseString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or a number, got %s", b)
	}
	*s = looseString(n.String())
	return nil
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func toSentOrder(o sdk.Order) sentOrder {
	return sentOrder{ID: o.ID, Number: o.Number, Status: o.Status, Amount: o.Amount.String(),
		Currency: o.Currency, CreatedAt: timeText(o.CreatedAt), PaidBy: o.PaidBy,
		BankID: o.BankID, VANumber: o.VANumber, PaymentRef: o.PaymentRef}
}

func toSentMutation(m sdk.Mutation) sentMutation {
	return sentMutation{ID: m.ID, BankID: m.BankID, AccountNumber: m.AccountNumber, Type: m.Type,
		Amount: m.Amount.String(), Description: m.Description, Note: m.Note, Date: timeText(m.Date), BankType: m.BankType}
}

// defaultCurrency is used for orders the store lists without a currency.
const defaultCurrency = "IDR"

// toOrder checks a listed order and converts it. A store that breaks the
// contract gets a permanent error naming the order and the field.
func (w wireOrder) toOrder() (sdk.Order, error) {
	id := strings.TrimSpace(string(w.ID))
	if id == "" {
		return sdk.Order{}, fmt.Errorf("an order has no id")
	}
	if w.Amount == nil {
		return sdk.Order{}, fmt.Errorf("order %s has no amount", id)
	}
	if w.CreatedAt == "" {
		return sdk.Order{}, fmt.Errorf("order %s has no created_at", id)
	}
	created, err := time.Parse(time.RFC3339, w.CreatedAt)
	if err != nil {
		return sdk.Order{}, fmt.Errorf("order %s: created_at %q is not RFC 3339 (e.g. 2024-06-10T09:30:00+07:00)", id, w.CreatedAt)
	}
	o := sdk.Order{ID: id, Number: strings.TrimSpace(string(w.Number)), Status: w.Status, Amount: *w.Amount,
		Currency: w.Currency, CreatedAt: created, PaidBy: w.PaidBy,
		BankID: strings.TrimSpace(string(w.BankID)), VANumber: strings.TrimSpace(string(w.VANumber)),
		PaymentRef: strings.TrimSpace(string(w.PaymentRef))}
	if o.Number == "" {
		o.Number = id
	}
	if o.Currency == "" {
		o.Currency = defaultCurrency
	}
	return o, nil
}
