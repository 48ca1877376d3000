package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lunas-dev/lunas/sdk"
)

// Jakarta is Moota's time zone (WIB, UTC+7, no daylight saving since 1964).
var Jakarta = time.FixedZone("WIB", 7*60*60)

// Mutation types.
const (
	Credit = "CR" // money in: can pay an order
	Debit  = "DB" // money out: never pays an order
)

// Mutation is one Moota mutation as the core keeps it: the normalised
// fields plus the original JSON object with bank.meta removed.
type Mutation struct {
	sdk.Mutation
	// PaymentOrderID is payment_detail.order_id: the checkout reference a
	// store gave Moota for the order (Moota's own plugins set it for VA,
	// QRIS and transfer checkouts); "" when absent.
	PaymentOrderID string
	CreatedAt      time.Time       // when Moota recorded it
	Raw            json.RawMessage // the original object, minus bank.meta (it can hold banking session tokens)
}

// TaskID is the mutation's identity in the queue: "moota:{bank_id}:{mutation_id}".
// Enqueueing the same mutation twice conflicts on it, which is how duplicates are dropped.
func (m *Mutation) TaskID() string { return "moota:" + m.BankID + ":" + m.ID }

// ErrPayload is wrapped by every error ParseMutations returns for a bad body.
var ErrPayload = errors.New("bad payload")

// ParseMutations parses a Moota webhook body: a JSON array of mutation
// objects, or one lone object with a mutation_id. Amounts stay exact,
// account numbers become text, unknown fields are tolerated, missing bank,
// taggings and note are fine. Every error wraps ErrPayload and says where.
func ParseMutations(body []byte) ([]Mutation, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrPayload)
	}
	if body[0] != '[' && body[0] != '{' {
		return nil, fmt.Errorf("%w: expected a JSON array of mutations", ErrPayload)
	}
	if err := checkUTF8(body); err != nil {
		return nil, err
	}
	if !json.Valid(body) {
		var v any
		return nil, fmt.Errorf("%w: not a JSON array of mutations: %v", ErrPayload, jsonErr(json.Unmarshal(body, &v)))
	}
	if body[0] == '{' {
		m, err := parseMutation(body)
		if err != nil {
			return nil, err
		}
		return []Mutation{m}, nil
	}
	var out []Mutation
	err := elements(body, func(raw []byte) error {
		m, err := parseMutation(raw)
		if err != nil {
			return fmt.Errorf("mutation %d: %w", len(out), err)
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		if !errors.Is(err, ErrPayload) { // the scanner disagreed with json.Valid: a bug, but still a bad body
			err = fmt.Errorf("%w: %v", ErrPayload, err)
		}
		return nil, err
	}
	if out == nil {
		out = []Mutation{}
	}
	return out, nil
}

// wire is the subset of a Moota mutation the core reads.
type wire struct {
	MutationID    flexString      `json:"mutation_id"`
	BankID        flexString      `json:"bank_id"`
	AccountNumber flexString      `json:"account_number"`
	Type          string          `json:"type"`
	Amount        json.RawMessage `json:"amount"`
	Description   string          `json:"description"`
	Note          *string         `json:"note"`
	Date          string          `json:"date"`
	CreatedAt     string          `json:"created_at"`
	Bank          *wireBank       `json:"bank"`
	// PaymentDetail is Moota's checkout detail (payment_detail), kept raw:
	// PHP sends an empty one as [], and only its order_id is read.
	PaymentDetail json.RawMessage `json:"payment_detail"`
}

type wireBank struct {
	BankType string `json:"bank_type"`
}

// ParseMutation parses and normalises one mutation object.
func ParseMutation(raw json.RawMessage) (Mutation, error) {
	raw = bytes.TrimSpace(raw)
	if err := checkUTF8(raw); err != nil {
		return Mutation{}, err
	}
	if !json.Valid(raw) {
		var v any
		return Mutation{}, fmt.Errorf("%w: %v", ErrPayload, jsonErr(json.Unmarshal(raw, &v)))
	}
	return parseMutation(raw)
}

// parseMutation is ParseMutation for raw already known to be valid JSON
// with no space around it.
func parseMutation(raw []byte) (Mutation, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return Mutation{}, fmt.Errorf("%w: a mutation must be a JSON object", ErrPayload)
	}
	// Strip bank.meta first and decode from the cleaned bytes, so the fields
	// the worker re-parses later are exactly the ones decided here (duplicate
	// or differently-cased keys cannot make the two disagree).
	clean, err := withoutBankMeta(raw)
	if err != nil {
		return Mutation{}, fmt.Errorf("%w: %v", ErrPayload, jsonErr(err))
	}
	raw = clean
	w, err := decodeWire(raw)
	if err != nil {
		return Mutation{}, fmt.Errorf("%w: %v", ErrPayload, jsonErr(err))
	}
	m := Mutation{}
	m.ID = strings.TrimSpace(string(w.MutationID))
	if m.ID == "" {
		return Mutation{}, fmt.Errorf("%w: mutation_id is missing", ErrPayload)
	}
	m.BankID = strings.TrimSpace(string(w.BankID))
	if m.BankID == "" {
		return Mutation{}, fmt.Errorf("%w: mutation %s: bank_id is missing", ErrPayload, m.ID)
	}
	if !ValidID(m.ID) {
		return Mutation{}, fmt.Errorf("%w: %s", ErrPayload, idProblem("mutation_id", m.ID))
	}
	if !ValidID(m.BankID) {
		return Mutation{}, fmt.Errorf("%w: mutation %s: %s", ErrPayload, m.ID, idProblem("bank_id", m.BankID))
	}
	if len(w.Amount) == 0 || string(w.Amount) == "null" {
		return Mutation{}, fmt.Errorf("%w: mutation %s: amount is missing", ErrPayload, m.ID)
	}
	if err := m.Amount.UnmarshalJSON(w.Amount); err != nil {
		return Mutation{}, fmt.Errorf("%w: mutation %s: amount: %v", ErrPayload, m.ID, err)
	}
	switch t := strings.ToUpper(strings.TrimSpace(w.Type)); t {
	case Credit, Debit:
		m.Type = t
	default:
		return Mutation{}, fmt.Errorf("%w: mutation %s: type must be CR or DB, got %q", ErrPayload, m.ID, w.Type)
	}
	m.AccountNumber = string(w.AccountNumber)
	m.Description = w.Description
	if w.Note != nil {
		m.Note = *w.Note
	}
	if w.Bank != nil {
		m.BankType = w.Bank.BankType
	}
	m.PaymentOrderID = paymentOrderID(w.PaymentDetail)
	m.Date = parseMootaTime(w.Date)
	m.CreatedAt = parseMootaTime(w.CreatedAt)
	m.Raw = raw
	return m, nil
}

// checkUTF8 refuses a body that is not valid UTF-8 (JSON must be, RFC 8259
// section 8.1). encoding/json would quietly turn bad bytes into U+FFFD,
// so the stored text would differ from what was signed, and a strict JSON
// client reading the review inbox could fail on it.
func checkUTF8(b []byte) error {
	if utf8.Valid(b) {
		return nil
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrPayload, i)
		}
		i += n
	}
	return fmt.Errorf("%w: invalid UTF-8", ErrPayload)
}

// parseMootaTime reads "YYYY-MM-DD HH:MM:SS" in Asia/Jakarta. A missing or
// odd date is not worth rejecting a payment for: it yields the zero time.
func parseMootaTime(s string) time.Time {
	for _, layout := range []string{time.DateTime, time.DateOnly, time.RFC3339Nano} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), Jakarta); err == nil {
			return t
		}
	}
	return time.Time{}
}

// flexString accepts a JSON string or number (Moota sends account_number,
// and sometimes ids, as integers) and keeps the number's exact text.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		// Ids and account numbers are plain ASCII; only an escaped string
		// needs the full JSON decoder.
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 {
			*f = flexString(b[1 : len(b)-1])
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		if _, err := strconv.ParseFloat(string(b), 64); err != nil {
			return fmt.Errorf("bad number %s", b)
		}
		*f = flexString(b)
	default:
		return fmt.Errorf("expected a string or a number, got %s", truncate(string(b), 20))
	}
	return nil
}

func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("%s: expected %s, got %s", te.Field, te.Type, te.Value)
		}
		return fmt.Sprintf("expected %s, got %s", te.Type, te.Value)
	}
	return err.Error()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Queue takes mutations for durable processing. EnqueueMutation reports
// duplicate (and no error) when the same mutation was taken before; any
// error means the mutation is not stored.
type Queue interface {
	EnqueueMutation(ctx context.Context, webhook string, m *Mutation) (duplicate bool, err error)
}

// paymentOrderID reads order_id from a payment_detail object (a string or
// a number); anything else (absent, null, PHP's empty []) has none.
func paymentOrderID(detail json.RawMessage) string {
	if len(detail) == 0 || detail[0] != '{' {
		return ""
	}
	var id flexString
	_ = members(detail, func(_ int, key []byte, vs, ve int) {
		if nameIs(key, "order_id") {
			var v flexString
			if v.UnmarshalJSON(detail[vs:ve]) == nil {
				id = v
			}
		}
	})
	s := strings.TrimSpace(string(id))
	if len(s) > MaxIDLen || strings.IndexFunc(s, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return "" // it only selects among orders: a reference no store could hold selects none
	}
	return s
}
