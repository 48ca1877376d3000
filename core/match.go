package core

import (
	"strings"
	"time"
	"unicode"

	"github.com/lunas-dev/lunas/sdk"
)

// MatchKind is the matcher's verdict.
type MatchKind string

// Verdicts of Match.
const (
	Matched   MatchKind = "matched"   // exactly one order: pay it
	Ambiguous MatchKind = "ambiguous" // several orders fit and the description does not single one out
	Unmatched MatchKind = "unmatched" // no open order fits
)

// Match is the matcher's verdict for one mutation.
type Match struct {
	Kind       MatchKind
	Order      sdk.Order   // the order to pay, when Kind is Matched
	Candidates []sdk.Order // every order whose amount fits
	ByNumber   bool        // the order was chosen by its number in the description
	// ByReference: the order was chosen by what the bank named: its VA
	// number, or the checkout reference in payment_detail.order_id.
	ByReference bool
}

// Window is when an order must have been created to be paid by a
// mutation: at or after Since and at or before Until. A zero bound is open.
// An order that does not say when it was created is inside.
type Window struct {
	Since, Until time.Time
}

// Contains reports whether an order created at t is inside the window.
func (w Window) Contains(t time.Time) bool {
	if t.IsZero() {
		return true
	}
	return (w.Since.IsZero() || !t.Before(w.Since)) && (w.Until.IsZero() || !t.After(w.Until))
}

// MatchOrders decides which of the store's open orders the credit m pays.
// The function is pure: it never calls a store. A candidate is an unpaid
// order created inside w whose amount due equals the mutation amount
// exactly, and that accepts the mutation's account:
//
//   - an order that names the Moota account it expects (BankID) is paid
//     only from that account, so a BRI transfer never pays a BCA order;
//   - a virtual-account mutation (IsVirtualAccount) pays only the order
//     holding its VA number (AccountNumber), or one that names no VA; an
//     order with a VA number is paid only through that VA;
//   - QRIS and transfers keep amount matching within their account.
//
// Among the candidates, the order the bank names decides: the one whose
// VA number is the mutation's, else the one whose payment reference is
// payment_detail.order_id, else exactly one whose order number appears
// as a whole token in the bank description (customers often type it).
// One candidate is the match; several left undecided are ambiguous.
func MatchOrders(m Mutation, orders []sdk.Order, w Window) Match {
	va := IsVirtualAccount(m.BankType)
	var cands []sdk.Order
	for _, o := range orders {
		if o.Amount != m.Amount || o.PaidBy != "" || !w.Contains(o.CreatedAt) {
			continue
		}
		if o.BankID != "" && o.BankID != m.BankID {
			continue
		}
		if o.VANumber != "" && (!va || o.VANumber != m.AccountNumber) {
			continue
		}
		cands = append(cands, o)
	}
	switch len(cands) {
	case 0:
		return Match{Kind: Unmatched}
	case 1:
		return Match{Kind: Matched, Order: cands[0], Candidates: cands}
	}
	for _, pick := range []func(sdk.Order) bool{
		func(o sdk.Order) bool { return va && o.VANumber != "" }, // the VA number is the mutation's (filtered above)
		func(o sdk.Order) bool { return m.PaymentOrderID != "" && o.PaymentRef == m.PaymentOrderID },
	} {
		if named := filter(cands, pick); len(named) == 1 {
			return Match{Kind: Matched, Order: named[0], Candidates: cands, ByReference: true}
		}
	}
	if named := filter(cands, func(o sdk.Order) bool { return mentionsNumber(m.Description, o.Number) }); len(named) == 1 {
		return Match{Kind: Matched, Order: named[0], Candidates: cands, ByNumber: true}
	}
	return Match{Kind: Ambiguous, Candidates: cands}
}

// IsVirtualAccount reports whether a Moota bank_type is a virtual account
// ("bniVA", "bcaVA", ...): the official plugins take a type ending in "va",
// in any case, for one.
func IsVirtualAccount(bankType string) bool {
	return strings.HasSuffix(strings.ToLower(strings.TrimSpace(bankType)), "va")
}

func filter(orders []sdk.Order, keep func(sdk.Order) bool) []sdk.Order {
	var out []sdk.Order
	for _, o := range orders {
		if keep(o) {
			out = append(out, o)
		}
	}
	return out
}

// mentionsNumber reports whether the order number appears in text as a
// whole token: not preceded or followed by a letter or digit. "#1042"
// matches "INV-1042" and "1042 BUDI" but not "10420" or "21042".
func mentionsNumber(text, number string) bool {
	number = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(number), "#"))
	if number == "" {
		return false
	}
	t, n := strings.ToUpper(text), strings.ToUpper(number)
	for i := 0; ; {
		j := strings.Index(t[i:], n)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(n)
		if !alnumAt(t, start-1) && !alnumAt(t, end) {
			return true
		}
		i = start + 1
	}
}

func alnumAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r := rune(s[i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Hints returns the tokens of a bank description that could be order
// numbers (runs of letters and digits holding at least one digit), for
// stores that can look orders up by number.
func Hints(description string) []string {
	fields := strings.FieldsFunc(description, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' })
	var out []string
	seen := map[string]bool{}
	for _, f := range fields {
		f = strings.Trim(f, "-")
		if len(f) < 3 || len(f) > 32 || !strings.ContainsAny(f, "0123456789") || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	return out
}
