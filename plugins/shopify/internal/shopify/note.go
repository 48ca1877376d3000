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

// DefaultReversalNoteTemplate is the line appended to an order's note when
// the bank reverses its payment (in Indonesian: "the payment was cancelled
// by the bank, reversal ... on ...; the money did not arrive: do not ship,
// refund or void the payment in Shopify admin").
const DefaultReversalNoteTemplate = "Lunas: pembayaran Rp{amount} via transfer {bank} (mutasi Moota {mutation_id}) dibatalkan oleh bank " +
	"(reversal {reversal_id} pada {reversal_date}). Dana tidak diterima: jangan kirim pesanan; refund atau void pembayarannya di admin Shopify."

// Placeholders a note template may use, all describing the payment:
//
//	{amount}      the amount paid, Indonesian style: 150.123 or 150.123,50
//	{bank}        the bank as Moota names it (bca, mandiriBisnisV2, ...)
//	{account}     the receiving account number
//	{date}        the bank date in WIB: 2025-06-03 14:05 WIB
//	{mutation_id} the Moota mutation id (also kept in the lunas.mutation metafield)
//	{order}       the order name, #1042
var placeholders = []string{"amount", "bank", "account", "date", "mutation_id", "order"}

// reversalPlaceholders are those of a reversal note template: the payment's,
// and the reversal's mutation id and bank date (in WIB).
var reversalPlaceholders = append(slices.Clip(placeholders), "reversal_id", "reversal_date")

var placeholderPattern = regexp.MustCompile(`\{[^{}\s]*\}`)

// wib is Western Indonesian Time, which has no daylight saving.
var wib = time.FixedZone("WIB", 7*60*60)

// noteTemplate renders a note line. An empty template renders nothing: no
// note is written.
type noteTemplate struct{ text string }

// newNoteTemplate parses a note_template.
func newNoteTemplate(text string) (noteTemplate, error) { return newTemplate(text, placeholders) }

// newReversalTemplate parses a reversal_note_template.
func newReversalTemplate(text string) (noteTemplate, error) {
	return newTemplate(text, reversalPlaceholders)
}

func newTemplate(text string, known []string) (noteTemplate, error) {
	if strings.ContainsAny(text, "\r\n") {
		return noteTemplate{}, fmt.Errorf("must be a single line")
	}
	for _, p := range placeholderPattern.FindAllString(text, -1) {
		if !slices.Contains(known, strings.Trim(p, "{}")) {
			return noteTemplate{}, fmt.Errorf("unknown placeholder %s (known: {%s})", p, strings.Join(known, "}, {"))
		}
	}
	return noteTemplate{text: text}, nil
}

func (n noteTemplate) enabled() bool { return n.text != "" }

// render fills a payment note line.
func (n noteTemplate) render(orderName string, m sdk.Mutation) string {
	return strings.NewReplacer(paymentValues(orderName, m)...).Replace(n.text)
}

// renderReversal fills a reversal note line: orig is the payment, rev the
// debit that returned it.
func (n noteTemplate) renderReversal(orderName string, orig, rev sdk.Mutation) string {
	values := append(paymentValues(orderName, orig), "{reversal_id}", rev.ID, "{reversal_date}", wibDate(rev.Date))
	return strings.NewReplacer(values...).Replace(n.text)
}

// paymentValues pairs each payment placeholder with its text.
func paymentValues(orderName string, m sdk.Mutation) []string {
	return []string{
		"{amount}", rupiah(m.Amount), "{bank}", m.BankType, "{account}", m.AccountNumber,
		"{date}", wibDate(m.Date), "{mutation_id}", m.ID, "{order}", orderName,
	}
}

func wibDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(wib).Format("2006-01-02 15:04 WIB")
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
