package woo

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lunas-dev/lunas/sdk"
)

// noteTemplate is a parsed note template (note_template or
// reversal_note_template). Placeholders are written in braces; both kinds
// know these, which describe the payment:
//
//	{amount}        the amount in Indonesian notation: 150.123 or 150.123,50
//	{amount_raw}    the amount as a plain decimal: 150123 or 150123.50
//	{bank}          the receiving bank as Moota names it (BCA, mandiriBisnisV2, ...)
//	{account}       the receiving bank account number
//	{mutation_id}   Moota's mutation id of the payment
//	{order_number}  the order number the customer sees
//	{date}          the bank date of the payment, 2006-01-02 15:04
//
// A reversal note also knows {reversal_id} (the debit's mutation id) and
// {reversal_date} (its bank date). Other text, and a brace that is not
// closed, is copied as written; an unknown {name} is a configuration error.
type noteTemplate struct {
	parts []notePart
}

type notePart struct {
	text string                // literal text, when fill is nil
	fill func(noteData) string // a placeholder
}

// noteData is what a note is rendered from.
type noteData struct {
	Mutation    sdk.Mutation // the payment
	Reversal    sdk.Mutation // the debit that returned it (reversal notes only)
	OrderNumber string
}

// placeholders maps placeholder names to what they render.
type placeholders map[string]func(noteData) string

var notePlaceholders = placeholders{
	"amount":       func(d noteData) string { return formatRupiah(d.Mutation.Amount) },
	"amount_raw":   func(d noteData) string { return d.Mutation.Amount.String() },
	"bank":         func(d noteData) string { return bankName(d.Mutation) },
	"account":      func(d noteData) string { return d.Mutation.AccountNumber },
	"mutation_id":  func(d noteData) string { return d.Mutation.ID },
	"order_number": func(d noteData) string { return d.OrderNumber },
	"date":         func(d noteData) string { return formatDate(d.Mutation) },
}

var reversalPlaceholders = func() placeholders {
	p := maps.Clone(notePlaceholders)
	p["reversal_id"] = func(d noteData) string { return d.Reversal.ID }
	p["reversal_date"] = func(d noteData) string { return formatDate(d.Reversal) }
	return p
}()

const maxNoteLen = 2000

// parseNoteTemplate parses a note_template, which must name the mutation:
// after a crash Lunas finds the payment note it already wrote by its id.
func parseNoteTemplate(s string) (*noteTemplate, error) {
	return parseTemplate(s, notePlaceholders, "mutation_id",
		"after a crash Lunas finds the note it already wrote by the mutation id")
}

// parseReversalTemplate parses a reversal_note_template, which must name
// the reversal: the payment's id is in the payment note too, so only the
// reversal id tells Lunas that its reversal note is already there.
func parseReversalTemplate(s string) (*noteTemplate, error) {
	return parseTemplate(s, reversalPlaceholders, "reversal_id",
		"after a crash Lunas finds the reversal note it already wrote by the reversal id")
}

func parseTemplate(s string, known placeholders, required, why string) (*noteTemplate, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("must not be empty")
	}
	if len(s) > maxNoteLen {
		return nil, fmt.Errorf("is %d bytes long, at most %d are allowed", len(s), maxNoteLen)
	}
	t := &noteTemplate{}
	hasRequired := false
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
		fill, ok := known[name]
		if !ok {
			return nil, fmt.Errorf("unknown placeholder {%s}; known placeholders are %s", name, known.names())
		}
		t.parts = append(t.parts, notePart{fill: fill})
		hasRequired = hasRequired || name == required
		rest = rest[open+end+1:]
	}
	if !hasRequired {
		return nil, fmt.Errorf("must contain {%s}: %s", required, why)
	}
	return t, nil
}

func (p placeholders) names() string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, "{"+n+"}")
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// render fills the template.
func (t *noteTemplate) render(d noteData) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.fill == nil {
			b.WriteString(p.text)
			continue
		}
		b.WriteString(p.fill(d))
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
