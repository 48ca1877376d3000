package shopify

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// DefaultNoteTemplate is the line appended to a paid order's note (in
// Indonesian: "paid in full: a payment of Rp{amount} received by bank
// transfer {bank} on {date}, Moota mutation {mutation_id}").
const DefaultNoteTemplate = "Lunas: pembayaran Rp{amount} diterima via transfer {bank} pada {date} (mutasi Moota {mutation_id})."

// Placeholders a note template may use:
//
//	{amount}      the amount paid, Indonesian style: 150.123 or 150.123,50
//	{bank}        the bank as Moota names it (bca, mandiriBisnisV2, ...)
//	{account}     the receiving account number
//	{date}        the bank date in WIB: 2025-06-03 14:05 WIB
//	{mutation_id} the Moota mutation id (also kept in the lunas.mutation metafield)
//	{order}       the order name, #1042
var placeholders = []string{"amount", "bank", "account", "date", "mutation_id", "order"}

var placeholderPattern = regexp.MustCompile(`\{[^{}\s]*\}`)

// wib is Western Indonesian Time, which has no daylight saving.
var wib = time.FixedZone("WIB", 7*60*60)

// noteTemplate renders the note line for a payment. An empty template
// renders nothing: no note is written.
type noteTemplate struct{ text string }

func newNoteTemplate(text string) (noteTemplate, error) {
	if strings.ContainsAny(text, "\r\n") {
		return noteTemplate{}, fmt.Errorf("must be a single line")
	}
	for _, p := range placeholderPattern.FindAllString(text, -1) {
		if !slices.Contains(placeholders, strings.Trim(p, "{}")) {
			return noteTemplate{}, fmt.Errorf("unknown placeholder %s (known: {%s})", p, strings.Join(placeholders, "}, {"))
		}
	}
	return noteTemplate{text: text}, nil
}

func (n noteTemplate) enabled() bool { return n.text != "" }

func (n noteTemplate) render(orderName string, m sdk.Mutation) string {
	date := ""
	if !m.Date.IsZero() {
		date = m.Date.In(wib).Format("2006-01-02 15:04 WIB")
	}
	return strings.NewReplacer(
		"{amount}", rupiah(m.Amount), "{bank}", m.BankType, "{account}", m.AccountNumber,
		"{date}", date, "{mutation_id}", m.ID, "{order}", orderName,
	).Replace(n.text)
}

// rupiah formats an amount the Indonesian way: dots group thousands and a
// comma starts the cents, shown only when there are any.
func rupiah(a sdk.Amount) string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	whole, cents := int64(a/100), int64(a%100)
	digits := fmt.Sprint(whole)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	if cents != 0 {
		fmt.Fprintf(&b, ",%02d", cents)
	}
	return sign + b.String()
}

// appendLine adds line to note on a line of its own.
func appendLine(note, line string) string {
	if strings.TrimSpace(note) == "" {
		return line
	}
	return strings.TrimRight(note, "\n") + "\n" + line
}
