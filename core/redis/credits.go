package redis

import (
	"encoding/json"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// The credits that paid an order, kept for the reversal window, are listed
// in one hash per bank account and UTC day of payment, lunas:credits:
// {bank_id}:{yyyymmdd}: field the amount, value the ids of the mutations of
// that amount that paid an order that day, one per line. The hash expires
// as a whole a window and a day after its day. What each credit paid is in
// the permanent applied-payment record (appliedKey), which a reversal reads
// with the ids: about 60 bytes a credit for the window, where a line with
// the whole record took 230 and a sorted set per account and amount 1,400.
//
// Lines of the earlier layout, a JSON creditEntry each, are still read.
func creditsKey(bankID string, day time.Time) string {
	return "lunas:credits:" + bankID + ":" + day.UTC().Format("20060102")
}

// creditEntry is a credit line of the earlier layout: the Record, with what
// the key and field say already (bank, amount, task id) left out and times
// as integers. Empty fields are omitted.
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

// decodeCreditEntry reads a credit line of the earlier layout.
func decodeCreditEntry(bankID string, amount sdk.Amount, line []byte) (payment.Record, error) {
	var e creditEntry
	if err := json.Unmarshal(line, &e); err != nil {
		return payment.Record{}, fmt.Errorf("decode payment record: %w", err)
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
	return rec, nil
}

// appliedCredit is the Record of a credit line that names its mutation:
// what its applied-payment record v keeps.
func appliedCredit(bankID string, amount sdk.Amount, id, v string) (payment.Record, error) {
	a, err := parseApplied(v)
	if err != nil {
		return payment.Record{}, err
	}
	orderID := a.OrderID
	if orderID == "" {
		orderID = a.OrderNumber
	}
	return payment.Record{TaskID: "moota:" + bankID + ":" + id, Store: a.Store, PaidAt: a.At, ReceivedAt: a.ReceivedAt,
		Order:    sdk.Order{ID: orderID, Number: a.OrderNumber, Amount: a.Amount},
		Mutation: sdk.Mutation{ID: id, BankID: bankID, Type: a.Type, Amount: amount}}, nil
}

// recordCredit adds the line ARGV[2] (a mutation id) to field ARGV[1] of
// the credits hash KEYS[1] unless it is there, expires the hash at ARGV[3],
// and sets field ARGV[2] of the permanent applied hash KEYS[2] to ARGV[4]
// unless it is set: the first order a mutation paid stays its record. Then
// it adds ARGV[6] at ARGV[5] to the recent-payments log KEYS[3], drops its
// entries before ARGV[7] and lets it expire ARGV[8] seconds after the last.
var recordCredit = goredis.NewScript(`
local cur = redis.call("HGET", KEYS[1], ARGV[1])
if not cur then
  redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
elseif not string.find("\n" .. cur .. "\n", "\n" .. ARGV[2] .. "\n", 1, true) then
  redis.call("HSET", KEYS[1], ARGV[1], cur .. "\n" .. ARGV[2])
end
redis.call("EXPIREAT", KEYS[1], ARGV[3])
redis.call("HSETNX", KEYS[2], ARGV[2], ARGV[4])
redis.call("ZADD", KEYS[3], ARGV[5], ARGV[6])
redis.call("ZREMRANGEBYSCORE", KEYS[3], "-inf", "(" .. ARGV[7])
redis.call("EXPIRE", KEYS[3], ARGV[8])
return 1`)

// readCredits returns, for field ARGV[1] of each credits hash in KEYS but
// the last, its lines, each followed by the field of that id in the
// applied hash (the last key), or false for a line of the earlier layout.
var readCredits = goredis.NewScript(`
local out = {}
local applied = KEYS[#KEYS]
for i = 1, #KEYS - 1 do
  local v = redis.call("HGET", KEYS[i], ARGV[1])
  if v then
    for line in string.gmatch(v, "[^\n]+") do
      out[#out + 1] = line
      if string.sub(line, 1, 1) == "{" then
        out[#out + 1] = false
      else
        out[#out + 1] = redis.call("HGET", applied, line)
      end
    end
  end
end
return out`)
