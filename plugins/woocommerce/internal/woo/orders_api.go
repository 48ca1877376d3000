package woo

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// getOrder reads one order.
func (c *client) getOrder(ctx context.Context, id int64) (*wcOrder, error) {
	var o wcOrder
	if _, err := c.do(ctx, "GET", fmt.Sprintf("/orders/%d", id), url.Values{"_fields": {orderFields}}, nil, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// paidUpdate is the PUT body that marks an order paid. An explicit status
// is required: set_paid does nothing on an on-hold order.
type paidUpdate struct {
	Status        string      `json:"status"`
	TransactionID string      `json:"transaction_id"`
	MetaData      []metaWrite `json:"meta_data"`
}

// metaWrite is a meta_data entry without id: WooCommerce updates the entry
// with the same key, or adds one.
type metaWrite struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// markPaid moves the order to status with the mutation id as transaction_id
// and marker, in one request, and returns the order as saved.
func (c *client) markPaid(ctx context.Context, id int64, status, mutationID string) (*wcOrder, error) {
	body := paidUpdate{Status: status, TransactionID: mutationID, MetaData: []metaWrite{{Key: markerKey, Value: mutationID}}}
	var o wcOrder
	if _, err := c.do(ctx, "PUT", fmt.Sprintf("/orders/%d", id), nil, body, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// reversalUpdate is the PUT body that puts an order back on-hold after a
// bank reversal. It leaves transaction_id and _lunas_mutation alone: they
// record the payment that was made, and the reversal marker says it was
// taken back.
type reversalUpdate struct {
	Status   string      `json:"status"`
	MetaData []metaWrite `json:"meta_data"`
}

// markReversed moves the order to on-hold with the reversal's mutation id
// as the _lunas_reversed meta, in one request, and returns the order as
// saved.
func (c *client) markReversed(ctx context.Context, id int64, reversalID string) (*wcOrder, error) {
	body := reversalUpdate{Status: statusOnHold, MetaData: []metaWrite{{Key: reversedKey, Value: reversalID}}}
	var o wcOrder
	if _, err := c.do(ctx, "PUT", fmt.Sprintf("/orders/%d", id), nil, body, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// wcNote is an order note as the notes endpoint lists it. Its author is
// not read: WooCommerce attributes a note created over REST to itself
// ("WooCommerce", or "system" in its docs), the same as its own notes,
// unless the request said added_by_user (includes/class-wc-order.php
// add_order_note), so the author cannot tell Lunas's notes apart.
type wcNote struct {
	ID           int64  `json:"id"`
	Note         string `json:"note"`
	CustomerNote bool   `json:"customer_note"`
}

// notes lists all notes of an order.
func (c *client) notes(ctx context.Context, id int64) ([]wcNote, error) {
	var notes []wcNote
	if _, err := c.do(ctx, "GET", fmt.Sprintf("/orders/%d/notes", id), url.Values{"type": {"any"}}, nil, &notes); err != nil {
		return nil, err
	}
	return notes, nil
}

// addNote adds one note. Notes are not idempotent: callers write one only
// after checking that none names the mutation.
func (c *client) addNote(ctx context.Context, id int64, text string, customer bool) error {
	body := map[string]any{"note": text, "customer_note": customer}
	_, err := c.do(ctx, "POST", fmt.Sprintf("/orders/%d/notes", id), nil, body, nil)
	return err
}

// hasNoteFor reports whether a note names the mutation id as a whole word,
// whoever WooCommerce says wrote it: Lunas's notes always name it (the note
// templates must hold {mutation_id} or {reversal_id}), and WooCommerce's
// own status notes never do. This is what keeps a note whose 201 was lost
// from being written twice.
func hasNoteFor(notes []wcNote, mutationID string) bool {
	for _, n := range notes {
		if containsWord(n.Note, mutationID) {
			return true
		}
	}
	return false
}

// containsWord reports whether word occurs in s as a whole word: no letter
// or digit directly before or after it, nor a digit group separator that
// continues a number, so mutation "123" is not found in "Rp 150.123".
func containsWord(s, word string) bool {
	if word == "" {
		return false
	}
	for from := 0; ; {
		i := strings.Index(s[from:], word)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(word)
		if !continuesWord(s, start-1, -1) && !continuesWord(s, end, +1) {
			return true
		}
		from = start + 1
	}
}

// continuesWord reports whether s[i] extends a word outwards (dir -1 before
// it, +1 after it): a letter or digit, or "." or "," followed in that
// direction by a digit.
func continuesWord(s string, i, dir int) bool {
	if isAlnum(s, i) {
		return true
	}
	return i >= 0 && i < len(s) && (s[i] == '.' || s[i] == ',') && isDigit(s, i+dir)
}

func isAlnum(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r := rune(s[i])
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isDigit(s string, i int) bool { return i >= 0 && i < len(s) && '0' <= s[i] && s[i] <= '9' }
