package redis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// The credits that paid an order, kept for the reversal window, live in one
// hash per bank account and UTC day of payment, lunas:credits:{bank_id}:
// {yyyymmdd}: field the amount, value one compact JSON line per credit of
// that amount paid that day (creditEntry). The hash expires as a whole a
// window and a day after its day. A reversal reads the window's days for
// its amount. Where the earlier layout took a sorted set per account and
// amount (a key each, with a member too long for Redis' compact encoding:
// about 1.4 KB per credit), this takes about 200 bytes.
func creditsKey(bankID string, day time.Time) string {
	return "lunas:credits:" + bankID + ":" + day.UTC().Format("20060102")
}

// creditEntry is one credit in a credits hash: the Record, with what the
// key and field say already (bank, amount, task id) left out and times as
// integers. Empty fields are omitted.
type creditEntry struct {
	PaidAt int64  `json:"at"` // unix milliseconds
	Store  string `json:"s"`
	TaskID string `json:"tid,omitempty"` // when not moota:{bank_id}:{mutation_id}
	// The mutation.
	ID            string `json:"m"`
	AccountNumber string `json:"acct,omitempty"`
	Type          string `json:"t,omitempty"`
	Description   string `json:"d,omitempty"`
	Note          string `json:"n,omitempty"`
	Date          int64  `json:"dt,omitempty"` // unix seconds, shown in Asia/Jakarta
	BankType      string `json:"bt,omitempty"`
	// The order it paid.
	Order compactOrder `json:"o"`
}

// compactOrder is an sdk.Order with short names, empty fields omitted and
// its amount only when it differs from the credit's.
type compactOrder struct {
	ID         string      `json:"id,omitempty"`
	Number     string      `json:"n,omitempty"`
	Status     string      `json:"st,omitempty"`
	Amount     *sdk.Amount `json:"a,omitempty"`
	Currency   string      `json:"c,omitempty"`
	CreatedAt  int64       `json:"at,omitempty"` // unix nanoseconds
	PaidBy     string      `json:"pb,omitempty"`
	BankID     string      `json:"b,omitempty"`
	VANumber   string      `json:"va,omitempty"`
	PaymentRef string      `json:"ref,omitempty"`
}

func compactOf(o sdk.Order, amount sdk.Amount) compactOrder {
	c := compactOrder{ID: o.ID, Number: o.Number, Status: o.Status, Currency: o.Currency, PaidBy: o.PaidBy,
		BankID: o.BankID, VANumber: o.VANumber, PaymentRef: o.PaymentRef}
	if o.Amount != amount {
		a := o.Amount
		c.Amount = &a
	}
	if !o.CreatedAt.IsZero() {
		c.CreatedAt = o.CreatedAt.UnixNano()
	}
	return c
}

func (c compactOrder) order(amount sdk.Amount) sdk.Order {
	o := sdk.Order{ID: c.ID, Number: c.Number, Status: c.Status, Amount: amount, Currency: c.Currency, PaidBy: c.PaidBy,
		BankID: c.BankID, VANumber: c.VANumber, PaymentRef: c.PaymentRef}
	if c.Amount != nil {
		o.Amount = *c.Amount
	}
	if c.CreatedAt != 0 {
		o.CreatedAt = time.Unix(0, c.CreatedAt).UTC()
	}
	return o
}

func encodeCredit(rec payment.Record) ([]byte, error) {
	m := rec.Mutation
	e := creditEntry{PaidAt: rec.PaidAt.UnixMilli(), Store: rec.Store, ID: m.ID, AccountNumber: m.AccountNumber,
		Type: m.Type, Description: m.Description, Note: m.Note, BankType: m.BankType, Order: compactOf(rec.Order, m.Amount)}
	if rec.TaskID != "moota:"+m.BankID+":"+m.ID {
		e.TaskID = rec.TaskID
	}
	if !m.Date.IsZero() {
		e.Date = m.Date.Unix()
	}
	return json.Marshal(e)
}

// decodeCredits reads the credits of one field (amount of bankID).
func decodeCredits(bankID string, amount sdk.Amount, v []byte) ([]payment.Record, error) {
	var out []payment.Record
	for line := range bytes.SplitSeq(v, []byte{'\n'}) {
		var e creditEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("decode payment record: %w", err)
		}
		m := sdk.Mutation{ID: e.ID, BankID: bankID, AccountNumber: e.AccountNumber, Type: e.Type, Amount: amount,
			Description: e.Description, Note: e.Note, BankType: e.BankType}
		if e.Date != 0 {
			m.Date = time.Unix(e.Date, 0).In(core.Jakarta)
		}
		rec := payment.Record{TaskID: e.TaskID, Store: e.Store, Order: e.Order.order(amount), Mutation: m,
			PaidAt: time.UnixMilli(e.PaidAt).UTC()}
		if rec.TaskID == "" {
			rec.TaskID = "moota:" + bankID + ":" + e.ID
		}
		out = append(out, rec)
	}
	return out, nil
}

// recordCredit appends ARGV[2] to field ARGV[1] of the credits hash
// KEYS[1] (a line per credit), expires the hash at ARGV[3], and sets
// field ARGV[4] of the permanent applied hash KEYS[2] to ARGV[5] unless
// it is set: the first order a mutation paid stays its record.
var recordCredit = goredis.NewScript(`
local cur = redis.call("HGET", KEYS[1], ARGV[1])
if cur then
  redis.call("HSET", KEYS[1], ARGV[1], cur .. "\n" .. ARGV[2])
else
  redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
end
redis.call("EXPIREAT", KEYS[1], ARGV[3])
redis.call("HSETNX", KEYS[2], ARGV[4], ARGV[5])
return 1`)

// readCredits returns field ARGV[1] of each hash in KEYS (false where none).
var readCredits = goredis.NewScript(`
local out = {}
for i = 1, #KEYS do
  out[i] = redis.call("HGET", KEYS[i], ARGV[1])
end
return out`)
