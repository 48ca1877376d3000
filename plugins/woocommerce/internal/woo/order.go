package woo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// markerKey is the order meta key holding the id of the mutation that paid
// the order: Lunas's idempotency marker, written in the same request as the
// status change.
const markerKey = "_lunas_mutation"

// reversedKey is the order meta key holding the id of the debit that
// reversed the payment: the idempotency marker of ReversePayment, written
// in the same request as the return to on-hold.
const reversedKey = "_lunas_reversed"

// orderFields limits list and read answers to what Lunas uses (_fields).
const orderFields = "id,number,status,currency,total,date_created_gmt,payment_method,transaction_id,date_paid_gmt,needs_processing,meta_data"

// gmtLayout is how WooCommerce writes *_gmt dates: UTC without a zone.
const gmtLayout = "2006-01-02T15:04:05"

// wcOrder is the part of a WooCommerce order Lunas reads.
type wcOrder struct {
	ID              int64      `json:"id"`
	Number          flexString `json:"number"`
	Status          string     `json:"status"`
	Currency        string     `json:"currency"`
	Total           flexString `json:"total"`
	DateCreatedGMT  string     `json:"date_created_gmt"`
	PaymentMethod   string     `json:"payment_method"`
	TransactionID   string     `json:"transaction_id"`
	DatePaidGMT     *string    `json:"date_paid_gmt"`
	NeedsProcessing *bool      `json:"needs_processing"` // absent in older WooCommerce versions
	MetaData        []wcMeta   `json:"meta_data"`
}

// wcMeta is one meta_data entry. Values may be any JSON.
type wcMeta struct {
	ID    int64           `json:"id,omitempty"`
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// flexString accepts a JSON string or number (plugins that renumber orders
// or reformat totals are not consistent about it) and null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("want a string or a number, got %s", b)
		}
		*f = flexString(n)
	}
	return nil
}

// marker returns the mutation id in the _lunas_mutation meta, or "".
func (o *wcOrder) marker() string { return o.metaString(markerKey) }

// reversal returns the reversal's mutation id in the _lunas_reversed meta, or "".
func (o *wcOrder) reversal() string { return o.metaString(reversedKey) }

// metaString returns the first meta value under key as text, or "".
func (o *wcOrder) metaString(key string) string {
	for _, m := range o.MetaData {
		if m.Key != key {
			continue
		}
		var s flexString
		if json.Unmarshal(m.Value, &s) == nil {
			return string(s)
		}
	}
	return ""
}

// paymentRecorded reports whether WooCommerce already holds a payment for
// the order: a paid date or a gateway transaction id.
func (o *wcOrder) paymentRecorded() bool {
	return o.datePaid() != "" || o.TransactionID != ""
}

func (o *wcOrder) datePaid() string {
	if o.DatePaidGMT == nil {
		return ""
	}
	return *o.DatePaidGMT
}

func (o *wcOrder) number() string {
	if o.Number != "" {
		return string(o.Number)
	}
	return strconv.FormatInt(o.ID, 10)
}

// label names the order for people: its number, and its id when they differ.
func (o *wcOrder) label() string {
	if n := o.number(); n != strconv.FormatInt(o.ID, 10) {
		return fmt.Sprintf("#%s (id %d)", n, o.ID)
	}
	return fmt.Sprintf("#%d", o.ID)
}

func (o *wcOrder) amount() (sdk.Amount, error) {
	a, err := sdk.ParseAmount(string(o.Total))
	if err != nil {
		return 0, fmt.Errorf("order %d: total: %w", o.ID, err)
	}
	return a, nil
}

// toSDK converts the order for the core. The amount due is the total:
// WooCommerce has no partial payments for manual gateways. An order placed
// through Moota's official plugin carries the account, VA number and
// checkout reference that plugin recorded (mootaFacts).
func (o *wcOrder) toSDK() (sdk.Order, error) {
	amt, err := o.amount()
	if err != nil {
		return sdk.Order{}, err
	}
	created, err := time.ParseInLocation(gmtLayout, o.DateCreatedGMT, time.UTC)
	if err != nil {
		return sdk.Order{}, fmt.Errorf("order %d: date_created_gmt %q: %w", o.ID, o.DateCreatedGMT, err)
	}
	bankID, va, ref := o.mootaFacts()
	return sdk.Order{
		ID: strconv.FormatInt(o.ID, 10), Number: o.number(), Status: o.Status, Amount: amt,
		Currency: o.Currency, CreatedAt: created, PaidBy: o.marker(),
		BankID: bankID, VANumber: va, PaymentRef: ref,
	}, nil
}
