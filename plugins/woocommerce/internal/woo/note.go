package woo

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lunas-dev/lunas/sdk"
)

// noteTemplate is a parsed note_template. Placeholders are written in
// braces:
//
//	{amount}        the amount in Indonesian notation: 150.123 or 150.123,50
//	{amount_raw}    the amount as a plain decimal: 150123 or 150123.50
//	{bank}          the receiving bank as Moota names it (BCA, mandiriBisnisV2, ...)
//	{account}       the receiving bank account number
//	{mutation_id}   Moota's mutation id (required: Lunas finds its own note by it)
//	{order_number}  the order number the customer sees
//	{date}          the bank date of the mutation, 2006-01-02 15:04
//
// Other text, and a brace that is not closed, is copied as written; an
// unknown {name} is a configuration error.
type noteTemplate struct {
	parts []notePart
}

type notePart struct {
	text        string // literal text, when placeholder is ""
	placeholder string // a key of notePlaceholders
}

// noteData is what a note is rendered from.
type noteData struct {
	Mutation    sdk.Mutation
	OrderNumber string
}

var notePlaceholders = map[string]func(noteData) string{
	"amount":       func(d noteData) string { return formatRupiah(d.Mutation.Amount) },
	"amount_raw":   func(d noteData) string { return d.Mutation.Amount.String() },
	"bank":         func(d noteData) string { return bankName(d.Mutation) },
	"account":      func(d noteData) string { return d.Mutation.AccountNumber },
	"mutation_id":  func(d noteData) string { return d.Mutation.ID },
	"order_number": func(d noteData) string { return d.OrderNumber },
	"date":         func(d noteData) string { return formatDate(d.Mutation) },
}

const maxNoteLen = 2000

func parseNoteTemplate(s string) (*noteTemplate, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("must not be empty")
	}
	if len(s) > maxNoteLen {
		return nil, fmt.Errorf("is %d bytes long, at most %d are allowed", len(s), maxNoteLen)
	}
	t := &noteTemplate{}
	rest := s
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			t.parts = append(t.parts, notePart{text: rest})
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			t.parts = append(t.parts, notePart{text: rest})
			break
		}
		name := rest[open+1 : open+end]
		if open > 0 {
			t.parts = append(t.parts, notePart{text: rest[:open]})
		}
		if _, ok := notePlaceholders[name]; !ok {
			return nil, fmt.Errorf("unknown placeholder {%s}; known placeholders are %s", name, knownPlaceholders())
		}
		t.parts = append(t.parts, notePart{placeholder: name})
		rest = rest[open+end+1:]
	}
	if !slices.ContainsFunc(t.parts, func(p notePart) bool { return p.placeholder == "mutation_id" }) {
		return nil, errors.New("must contain {mutation_id}: after a crash Lunas finds the note it already wrote by the mutation id")
	}
	return t, nil
}

func knownPlaceholders() string {
	names := make([]string, 0, len(notePlaceholders))
	for n := range notePlaceholders {
		names = append(names, "{"+n+"}")
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// render fills the template.
func (t *noteTemplate) render(d noteData) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.placeholder == "" {
			b.WriteString(p.text)
			continue
		}
		b.WriteString(notePlaceholders[p.placeholder](d))
	}
	return b.String()
}

// formatRupiah writes an amount the Indonesian way: dots group thousands,
// a comma starts the cents, which appear only when there are any.
func formatRupiah(a sdk.Amount) string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	whole := strconv.FormatInt(int64(a/100), 10)
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if cents := int64(a % 100); cents != 0 {
		fmt.Fprintf(&b, ",%02d", cents)
	}
	return b.String()
}

// bankName turns Moota's bank_type into what a merchant recognises: short
// codes ("bca", "bri") in capitals, longer names as Moota writes them.
func bankName(m sdk.Mutation) string {
	t := m.BankType
	if t == "" {
		return "transfer bank"
	}
	if len(t) <= 4 && strings.ToLower(t) == t {
		return strings.ToUpper(t)
	}
	return t
}

func formatDate(m sdk.Mutation) string {
	if m.Date.IsZero() {
		return ""
	}
	return m.Date.Format("2006-01-02 15:04")
}
