package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// Ledger remembers which credit paid which order, per bank account and
// amount, for the reversal window: a sorted set per account and amount,
// scored by the time of payment. It implements payment.Ledger and is safe
// for concurrent use.
type Ledger struct {
	rdb goredis.UniversalClient
}

var _ payment.Ledger = (*Ledger)(nil)

// NewLedger returns a Ledger on rdb.
func NewLedger(rdb goredis.UniversalClient) *Ledger { return &Ledger{rdb: rdb} }

func paidKey(bankID string, amount sdk.Amount) string {
	return "lunas:paid:" + bankID + ":" + amount.String()
}

func reversedKey(taskID string) string { return "lunas:reversed:" + taskID }

// Record notes that rec.Mutation paid rec.Order. Recording twice is harmless.
func (l *Ledger) Record(ctx context.Context, rec payment.Record, window time.Duration) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	key := paidKey(rec.Mutation.BankID, rec.Mutation.Amount)
	_, err = l.rdb.TxPipelined(ctx, func(pl goredis.Pipeliner) error {
		pl.ZRemRangeByScore(ctx, key, "-inf", strconv.FormatInt(rec.PaidAt.Add(-window).UnixMilli(), 10))
		pl.ZAdd(ctx, key, goredis.Z{Score: float64(rec.PaidAt.UnixMilli()), Member: b})
		pl.Expire(ctx, key, window+24*time.Hour)
		return nil
	})
	return err
}

// Reversible returns the credits of amount into bankID that paid an order
// within window before now, newest first, one per credit.
func (l *Ledger) Reversible(ctx context.Context, bankID string, amount sdk.Amount, now time.Time, window time.Duration) ([]payment.Record, error) {
	min := strconv.FormatInt(now.Add(-window).UnixMilli(), 10)
	vals, err := l.rdb.ZRevRangeByScore(ctx, paidKey(bankID, amount), &goredis.ZRangeBy{Min: min, Max: "+inf"}).Result()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []payment.Record
	for _, v := range vals {
		var rec payment.Record
		if err := json.Unmarshal([]byte(v), &rec); err != nil {
			return nil, fmt.Errorf("decode payment record: %w", err)
		}
		if !seen[rec.TaskID] {
			seen[rec.TaskID] = true
			out = append(out, rec)
		}
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
