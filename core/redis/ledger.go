package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// Ledger remembers which credit paid which order: for the reversal window
// in a hash per bank account and day of payment (see creditsKey), and for
// good in a compact hash per bank account. It implements payment.Ledger and is safe
// for concurrent use.
type Ledger struct {
	rdb goredis.UniversalClient
}

var _ payment.Ledger = (*Ledger)(nil)

// NewLedger returns a Ledger on rdb.
func NewLedger(rdb goredis.UniversalClient) *Ledger { return &Ledger{rdb: rdb} }

// paidKey is the sorted set per account and amount where versions before
// the credits hashes kept the reversal window's credits.
func paidKey(bankID string, amount sdk.Amount) string {
	return "lunas:paid:" + bankID + ":" + amount.String()
}

func reversedKey(taskID string) string { return "lunas:reversed:" + taskID }

// appliedKey is the hash of a bank account's applied mutations: field the
// mutation id, value the compact record of appliedValue. It never expires:
// about 100 bytes per mutation (a hash field and a short value).
func appliedKey(bankID string) string { return "lunas:applied:" + bankID }

// appliedSep separates the fields of an applied record; it cannot occur in
// an id, a store name or an order number a person would type.
const appliedSep = "\x1f"

// appliedValue is "type␟amount␟store␟order number␟unix seconds␟order
// id␟received", the order id left empty when it is the number, received
// the unix milliseconds at which the delivery that paid was received (empty
// when unknown). Records of earlier versions end at the time.
func appliedValue(rec payment.Record) string {
	id := rec.Order.ID
	if id == rec.Order.Number {
		id = ""
	}
	received := ""
	if !rec.ReceivedAt.IsZero() {
		received = strconv.FormatInt(rec.ReceivedAt.UnixMilli(), 10)
	}
	return strings.Join([]string{rec.Mutation.Type, rec.Mutation.Amount.String(), rec.Store, rec.Order.Number,
		strconv.FormatInt(rec.PaidAt.Unix(), 10), id, received}, appliedSep)
}

func parseApplied(v string) (payment.Applied, error) {
	f := strings.Split(v, appliedSep)
	if len(f) != 5 && len(f) != 7 {
		return payment.Applied{}, fmt.Errorf("applied-payment record has %d fields, want 7", len(f))
	}
	amount, err := sdk.ParseAmount(f[1])
	if err != nil {
		return payment.Applied{}, fmt.Errorf("applied-payment record: %w", err)
	}
	at, err := strconv.ParseInt(f[4], 10, 64)
	if err != nil {
		return payment.Applied{}, fmt.Errorf("applied-payment record: %w", err)
	}
	a := payment.Applied{Type: f[0], Amount: amount, Store: f[2], OrderNumber: f[3], OrderID: f[3], At: time.Unix(at, 0).UTC()}
	if len(f) == 7 {
		if f[5] != "" {
			a.OrderID = f[5]
		}
		if f[6] != "" {
			ms, err := strconv.ParseInt(f[6], 10, 64)
			if err != nil {
				return payment.Applied{}, fmt.Errorf("applied-payment record: %w", err)
			}
			a.ReceivedAt = time.UnixMilli(ms).UTC()
		}
	}
	return a, nil
}

// Applied returns the permanent record of the mutation, if it paid an order.
func (l *Ledger) Applied(ctx context.Context, bankID, mutationID string) (payment.Applied, bool, error) {
	v, err := l.rdb.HGet(ctx, appliedKey(bankID), mutationID).Result()
	if errors.Is(err, goredis.Nil) {
		return payment.Applied{}, false, nil
	}
	if err != nil {
		return payment.Applied{}, false, err
	}
	a, err := parseApplied(v)
	return a, err == nil, err
}

// Record notes that rec.Mutation paid rec.Order. Recording twice is harmless.
func (l *Ledger) Record(ctx context.Context, rec payment.Record, window time.Duration) error {
	day := rec.PaidAt.UTC().Truncate(24 * time.Hour)
	keys := []string{creditsKey(rec.Mutation.BankID, day), appliedKey(rec.Mutation.BankID), appliedLogKey}
	expireAt := day.Add(24*time.Hour + window + 24*time.Hour).Unix()
	// The recent-payments log the overview counts is two days long.
	at := rec.PaidAt.UnixMilli()
	return recordCredit.Run(ctx, l.rdb, keys, rec.Mutation.Amount.String(), rec.Mutation.ID, expireAt, appliedValue(rec),
		at, rec.TaskID+"|"+rec.Mutation.Amount.String(), at-appliedLogSpan.Milliseconds(), int64(appliedLogSpan/time.Second)).Err()
}

// Reversible returns the credits of amount into bankID that paid an order
// within window before now, newest first, one per credit. It reads the
// credits hashes of the window's days, and the sorted set per account and
// amount that versions before the credits hashes wrote.
func (l *Ledger) Reversible(ctx context.Context, bankID string, amount sdk.Amount, now time.Time, window time.Duration) ([]payment.Record, error) {
	since := now.Add(-window)
	var keys []string
	for day := now.UTC().Truncate(24 * time.Hour); !day.Before(since.UTC().Truncate(24 * time.Hour)); day = day.AddDate(0, 0, -1) {
		keys = append(keys, creditsKey(bankID, day))
	}
	keys = append(keys, appliedKey(bankID))
	vals, err := readCredits.Run(ctx, l.rdb, keys, amount.String()).Slice()
	if err != nil {
		return nil, err
	}
	var all []payment.Record
	for i := 0; i+1 < len(vals); i += 2 {
		line, _ := vals[i].(string)
		var rec payment.Record
		if v, ok := vals[i+1].(string); ok {
			rec, err = appliedCredit(bankID, amount, line, v)
		} else if strings.HasPrefix(line, "{") {
			rec, err = decodeCreditEntry(bankID, amount, []byte(line))
		} else {
			err = fmt.Errorf("credit %s of %s has no applied-payment record", line, amount)
		}
		if err != nil {
			return nil, err
		}
		all = append(all, rec)
	}
	legacy, err := l.legacyReversible(ctx, bankID, amount, since)
	if err != nil {
		return nil, err
	}
	all = append(all, legacy...)
	slices.SortStableFunc(all, func(a, b payment.Record) int { return b.PaidAt.Compare(a.PaidAt) })
	seen := map[string]bool{}
	var out []payment.Record
	for _, rec := range all {
		if rec.PaidAt.Before(since) || seen[rec.TaskID] {
			continue
		}
		seen[rec.TaskID] = true
		out = append(out, rec)
	}
	return out, nil
}

// legacyReversible reads the sorted set of an account and amount that
// versions before the credits hashes wrote (expired a window after them).
func (l *Ledger) legacyReversible(ctx context.Context, bankID string, amount sdk.Amount, since time.Time) ([]payment.Record, error) {
	min := strconv.FormatInt(since.UnixMilli(), 10)
	vals, err := l.rdb.ZRevRangeByScore(ctx, paidKey(bankID, amount), &goredis.ZRangeBy{Min: min, Max: "+inf"}).Result()
	if err != nil {
		return nil, err
	}
	out := make([]payment.Record, 0, len(vals))
	for _, v := range vals {
		var rec payment.Record
		if err := json.Unmarshal([]byte(v), &rec); err != nil {
			return nil, fmt.Errorf("decode payment record: %w", err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// ReversedBy returns the id of the debit that reversed the credit, or "".
func (l *Ledger) ReversedBy(ctx context.Context, creditTaskID string) (string, error) {
	v, err := l.rdb.Get(ctx, reversedKey(creditTaskID)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", nil
	}
	return v, err
}

// ClaimReversal marks the credit as reversed by reversalID. It reports false
// when another debit claimed it first.
func (l *Ledger) ClaimReversal(ctx context.Context, creditTaskID, reversalID string, window time.Duration) (bool, error) {
	ok, err := l.rdb.SetNX(ctx, reversedKey(creditTaskID), reversalID, window+24*time.Hour).Result()
	if err != nil || ok {
		return ok, err
	}
	by, err := l.ReversedBy(ctx, creditTaskID)
	return by == reversalID, err
}

// appliedLogKey is a sorted set of the payments applied in the last
// appliedLogSpan (member "{task id}|{amount}", scored by the time), for
// the console's counts of today and the last hour.
const (
	appliedLogKey  = "lunas:applied:log"
	appliedLogSpan = 48 * time.Hour
)

// Totals returns how many payments were applied at or after since (at most
// two days back) and their total amount.
func (l *Ledger) Totals(ctx context.Context, since time.Time) (int64, sdk.Amount, error) {
	vals, err := l.rdb.ZRangeByScore(ctx, appliedLogKey, &goredis.ZRangeBy{Min: strconv.FormatInt(since.UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return 0, 0, err
	}
	var total sdk.Amount
	for _, v := range vals {
		i := strings.LastIndexByte(v, '|')
		a, err := sdk.ParseAmount(v[i+1:])
		if err != nil {
			return 0, 0, fmt.Errorf("applied-payment log: %w", err)
		}
		total += a
	}
	return int64(len(vals)), total, nil
}
