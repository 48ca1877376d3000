package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// TypeWriteback is the task that tags and annotates, in Moota, the
// mutation that paid an order.
const TypeWriteback = "moota:writeback"

// MootaQueue holds the tasks that call Moota's API (write-back,
// reconciliation), apart from the stores' queues: a Moota outage never
// holds up a payment.
const MootaQueue = "lunas:moota"

// maxNoteLen keeps a combined note within what a database string column
// usually holds.
const maxNoteLen = 255

// writebackPayload is what a write-back task carries.
type writebackPayload struct {
	Version     int    `json:"v"`
	MutationID  string `json:"mutation_id"`
	BankID      string `json:"bank_id"`
	Note        string `json:"note,omitempty"` // the mutation's note when it was paid: kept, not overwritten
	Store       string `json:"store"`
	OrderID     string `json:"order_id"`
	OrderNumber string `json:"order_number"`
}

// NewWritebackTask returns the write-back task for a mutation that paid
// order in store, once per mutation (TaskID writeback:{bank_id}:{mutation_id}),
// in MootaQueue, kept for Retention after it ran.
func NewWritebackTask(m *core.Mutation, store string, order sdk.Order) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(writebackPayload{
		Version: 1, MutationID: m.ID, BankID: m.BankID, Note: m.Note,
		Store: store, OrderID: order.ID, OrderNumber: order.Number,
	})
	return asynq.NewTask(TypeWriteback, b), []asynq.Option{
		asynq.TaskID("writeback:" + m.BankID + ":" + m.ID), asynq.Queue(MootaQueue),
		asynq.Retention(Retention), asynq.MaxRetry(20), asynq.Timeout(2 * time.Minute),
	}
}

// Writeback tags the paying mutation in Moota with the order number and
// the store's platform, and sets its note to say which order of which store
// it paid, as Moota's official WordPress plugin does (moota-co/moota-wordpress
// src/Contracts/MootaWebhook.php: attachTransactionId with the order, then
// attachPlatform with "WooCommerce"), so a merchant reading the bank
// statement in Moota sees it. The API creates a missing tag before
// attaching it. Both calls are idempotent in Moota (a tag is attached once;
// the note is replaced), so a retry repeats them safely. It is an
// asynq.Handler, safe for concurrent use.
type Writeback struct {
	API    core.MootaAPI // required
	Logger hclog.Logger
	// Platforms maps a store's name to the platform tag its mutations get
	// ("WooCommerce"; see PlatformTag). A store without one gets only the
	// order tag.
	Platforms map[string]string
}

// PlatformTag is the Moota tag naming the platform of a bundled store
// plugin, as Moota's own plugins name theirs ("WooCommerce"), or "" for a
// plugin that is not a known platform (custom, sql, one's own).
func PlatformTag(plugin string) string {
	switch plugin {
	case "woocommerce":
		return "WooCommerce"
	case "shopify":
		return "Shopify"
	}
	return ""
}

var _ asynq.Handler = (*Writeback)(nil)

// ProcessTask writes back one payment. A permanent failure (a revoked
// token, a mutation Moota does not know) is archived with SkipRetry; a
// retryable one is retried with the delay Moota asked for.
func (w *Writeback) ProcessTask(ctx context.Context, t *asynq.Task) error {
	if t.Type() != TypeWriteback {
		return fmt.Errorf("%w: unknown task type %q", asynq.SkipRetry, t.Type())
	}
	var p writebackPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.MutationID == "" {
		return fmt.Errorf("%w: write-back task payload is not readable", asynq.SkipRetry)
	}
	log := hclog.NewNullLogger()
	if w.Logger != nil {
		log = w.Logger.Named("writeback")
	}
	log = log.With("mutation_id", p.MutationID, "bank_id", p.BankID, "store", p.Store, "order", p.OrderNumber)
	number := p.OrderNumber
	if number == "" {
		number = p.OrderID
	}
	tags := []string{OrderTag(number)}
	if platform := w.Platforms[p.Store]; platform != "" {
		tags = append(tags, platform)
	}
	err := w.API.Tag(ctx, p.MutationID, tags)
	if err == nil {
		err = w.API.AddNote(ctx, p.MutationID, WritebackNote(p.Note, number, p.Store))
	}
	if err == nil {
		log.Debug("tagged and annotated the mutation in Moota")
		return nil
	}
	if sdk.IsPermanent(err) {
		log.Error("write-back to Moota failed for good; task archived", "error", err)
		return fmt.Errorf("%w: %w", asynq.SkipRetry, err)
	}
	_, delay := sdk.ClassOf(err)
	log.Warn("write-back to Moota failed; will retry", "retry_after", delay, "error", err)
	return err
}

// OrderTag is the Moota tag naming an order: its number without a leading
// '#' ("1042"), as Moota's official plugin tags a mutation with the order
// (src/Concerns/MootaPayment.php attachTransactionId), anything but
// letters, digits, '-' and '_' turned into '-'.
func OrderTag(number string) string {
	number = strings.TrimPrefix(strings.TrimSpace(number), "#")
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || (r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return r
		}
		return '-'
	}, number)
}

// WritebackNote is the mutation's note after the payment: "Lunas: membayar
// pesanan {number} di toko {store}", after the note the mutation already
// had (a merchant's note is kept). It is the same on every retry.
func WritebackNote(existing, number, store string) string {
	ours := fmt.Sprintf("Lunas: membayar pesanan %s di toko %s", number, store)
	existing = strings.TrimSpace(existing)
	switch {
	case existing == "":
		return ours
	case strings.Contains(existing, ours):
		return existing
	}
	room := maxNoteLen - len([]rune(ours)) - len(" | ")
	if r := []rune(existing); len(r) > room {
		if room <= 1 {
			return ours
		}
		existing = string(r[:room-1]) + "…"
	}
	return existing + " | " + ours
}
