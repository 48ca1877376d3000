package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// PaymentRecord is a credit that paid an order, kept so that a later bank
// reversal of that credit can find the order again.
type PaymentRecord struct {
	TaskID   string       `json:"task_id"`
	Store    string       `json:"store"`
	Order    sdk.Order    `json:"order"`
	Mutation sdk.Mutation `json:"mutation"`
	PaidAt   time.Time    `json:"paid_at"`
}

// Payments remembers which credit paid which order, per bank account and
// amount, for the reversal window. It is safe for concurrent use.
type Payments struct {
	rdb redis.UniversalClient
}

// NewPayments returns a Payments on rdb.
func NewPayments(rdb redis.UniversalClient) *Payments { return &Payments{rdb: rdb} }

func paidKey(bankID string, amount sdk.Amount) string {
	return "lunas:paid:" + bankID + ":" + amount.String()
}

func reversedKey(taskID string) string { return "lunas:reversed:" + taskID }

// Record notes that m paid order in store. Recording twice is harmless.
func (p *Payments) Record(ctx context.Context, m *core.Mutation, store string, order sdk.Order, window time.Duration) error {
	rec := PaymentRecord{TaskID: m.TaskID(), Store: store, Order: order, Mutation: m.Mutation, PaidAt: time.Now().UTC()}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	key := paidKey(m.BankID, m.Amount)
	now := time.Now()
	_, err = p.rdb.TxPipelined(ctx, func(pl redis.Pipeliner) error {
		// One entry per credit: drop an earlier record of the same task first.
		pl.ZRemRangeByScore(ctx, key, "-inf", strconv.FormatInt(now.Add(-window).UnixMilli(), 10))
		pl.ZAdd(ctx, key, redis.Z{Score: float64(now.UnixMilli()), Member: b})
		pl.Expire(ctx, key, window+24*time.Hour)
		return nil
	})
	return err
}

// Reversible returns the credits of amount into bankID that paid an order
// within window, newest first.
func (p *Payments) Reversible(ctx context.Context, bankID string, amount sdk.Amount, window time.Duration) ([]PaymentRecord, error) {
	min := strconv.FormatInt(time.Now().Add(-window).UnixMilli(), 10)
	vals, err := p.rdb.ZRevRangeByScore(ctx, paidKey(bankID, amount), &redis.ZRangeBy{Min: min, Max: "+inf"}).Result()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []PaymentRecord
	for _, v := range vals {
		var rec PaymentRecord
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
func (p *Payments) ReversedBy(ctx context.Context, creditTaskID string) (string, error) {
	v, err := p.rdb.Get(ctx, reversedKey(creditTaskID)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return v, err
}

// ClaimReversal marks the credit as reversed by reversalID. It reports false
// when another debit claimed it first.
func (p *Payments) ClaimReversal(ctx context.Context, creditTaskID, reversalID string, window time.Duration) (bool, error) {
	ok, err := p.rdb.SetNX(ctx, reversedKey(creditTaskID), reversalID, window+24*time.Hour).Result()
	if err != nil || ok {
		return ok, err
	}
	by, err := p.ReversedBy(ctx, creditTaskID)
	return by == reversalID, err
}
