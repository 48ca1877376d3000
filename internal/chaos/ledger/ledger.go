// Package ledger is the bookkeeping behind the chaos tests' store plugin:
// orders and a per-order payment ledger kept in a Redis of their own (never
// the queue's Redis, so restarting the queue does not wipe the evidence).
//
// Unlike a real store, the ledger does not refuse a second payment of an
// order under a different idempotency key: it books it, so that a double
// payment shows up in the ledger instead of being hidden by the store. A
// payment repeated under the same key is answered already_paid and books
// nothing; that is the idempotency the core relies on.
package ledger

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/sdk"
)

// Order is an order as the chaos tests seed it. Amounts are unique within a
// ledger, so an amount names exactly one order.
type Order struct {
	ID        string
	Number    string
	Amount    sdk.Amount
	CreatedAt time.Time
}

// Ledger reads and writes the orders and payments of one namespace. It is
// safe for concurrent use, also from several processes.
type Ledger struct {
	rdb redis.UniversalClient
	ns  string
}

// New returns the ledger of namespace ns in rdb.
func New(rdb redis.UniversalClient, ns string) *Ledger { return &Ledger{rdb: rdb, ns: ns} }

// The keys of a namespace.
func (l *Ledger) orderKey(id string) string   { return l.ns + ":order:" + id }
func (l *Ledger) entriesKey(id string) string { return l.ns + ":entries:" + id }
func (l *Ledger) byAmountKey() string         { return l.ns + ":by-amount" }
func (l *Ledger) idempotencyKey() string      { return l.ns + ":keys" }
func (l *Ledger) statsKey() string            { return l.ns + ":stats" }

// PaidStatus is the status of an order once a payment is booked.
const PaidStatus = "paid"

// openStatus is the status of a seeded order.
const openStatus = "pending"

// Seed adds orders; an order due an amount another order is due is an error.
func (l *Ledger) Seed(ctx context.Context, orders []Order) error {
	added := make([]*redis.BoolCmd, len(orders))
	_, err := l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, o := range orders {
			p.HSet(ctx, l.orderKey(o.ID), "id", o.ID, "number", o.Number, "amount", o.Amount.String(),
				"created_at", o.CreatedAt.UTC().Format(time.RFC3339Nano), "status", openStatus, "paid_by", "")
			added[i] = p.HSetNX(ctx, l.byAmountKey(), o.Amount.String(), o.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed ledger: %w", err)
	}
	for i, cmd := range added {
		if !cmd.Val() {
			return fmt.Errorf("seed ledger: order %s is due %s, like another order", orders[i].ID, orders[i].Amount)
		}
	}
	return nil
}

// Open returns the unpaid order due amount created at or after since, if any.
func (l *Ledger) Open(ctx context.Context, amount sdk.Amount, since time.Time) ([]sdk.Order, error) {
	id, err := l.rdb.HGet(ctx, l.byAmountKey(), amount.String()).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f, err := l.rdb.HGetAll(ctx, l.orderKey(id)).Result()
	if err != nil {
		return nil, err
	}
	o, err := toSDK(f)
	if err != nil {
		return nil, fmt.Errorf("order %s: %w", id, err)
	}
	if o.PaidBy != "" || (!since.IsZero() && o.CreatedAt.Before(since)) {
		return nil, nil
	}
	return []sdk.Order{o}, nil
}

func toSDK(f map[string]string) (sdk.Order, error) {
	amount, err := sdk.ParseAmount(f["amount"])
	if err != nil {
		return sdk.Order{}, err
	}
	created, err := time.Parse(time.RFC3339Nano, f["created_at"])
	if err != nil {
		return sdk.Order{}, err
	}
	return sdk.Order{ID: f["id"], Number: f["number"], Status: f["status"], Amount: amount,
		Currency: "IDR", CreatedAt: created, PaidBy: f["paid_by"]}, nil
}

// book applies one payment atomically. A key seen before books nothing;
// otherwise the key is appended to the order's entries, whatever the order's
// state, so a second payment under another key is visible as a double.
var book = redis.NewScript(`
local amount = redis.call('HGET', KEYS[1], 'amount')
if not amount then
  return {'refused', '', 'order ' .. ARGV[4] .. ' does not exist'}
end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[4], 'replays', 1)
  return {'already_paid', redis.call('HGET', KEYS[1], 'status'), ''}
end
if amount ~= ARGV[3] then
  return {'refused', redis.call('HGET', KEYS[1], 'status'), 'order ' .. ARGV[4] .. ' is due ' .. amount .. ', the payment is ' .. ARGV[3]}
end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[1], 'status', ARGV[5], 'paid_by', ARGV[2])
redis.call('HINCRBY', KEYS[4], 'writes', 1)
return {'paid', ARGV[5], ''}
`)

// Book records the payment of mutation (with its idempotency key) on the
// order, and reports the outcome as ApplyPayment answers it.
func (l *Ledger) Book(ctx context.Context, orderID, key string, m sdk.Mutation) (*sdk.ApplyPaymentResponse, error) {
	keys := []string{l.orderKey(orderID), l.entriesKey(orderID), l.idempotencyKey(), l.statsKey()}
	res, err := book.Run(ctx, l.rdb, keys, key, m.ID, m.Amount.String(), orderID, PaidStatus).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("book payment: %w", err)
	}
	if len(res) != 3 {
		return nil, fmt.Errorf("book payment: unexpected answer %q", res)
	}
	return &sdk.ApplyPaymentResponse{Outcome: sdk.Outcome(res[0]), Status: res[1], Reason: res[2]}, nil
}

// Entries returns, for each order id, the idempotency keys booked on it.
func (l *Ledger) Entries(ctx context.Context, ids []string) (map[string][]string, error) {
	cmds := make([]*redis.StringSliceCmd, len(ids))
	_, err := l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.LRange(ctx, l.entriesKey(id), 0, -1)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read ledger: %w", err)
	}
	out := make(map[string][]string, len(ids))
	for i, id := range ids {
		out[id] = cmds[i].Val()
	}
	return out, nil
}

// Count adds n to the named counter (crashes, storms, ...).
func (l *Ledger) Count(ctx context.Context, name string, n int64) error {
	return l.rdb.HIncrBy(ctx, l.statsKey(), name, n).Err()
}

// Stats returns every counter: writes (payments booked), replays (payments
// repeated under a known key) and whatever the plugin counted with Count.
func (l *Ledger) Stats(ctx context.Context) (map[string]int64, error) {
	all, err := l.rdb.HGetAll(ctx, l.statsKey()).Result()
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(all))
	for k, v := range all {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("counter %s: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}

// Attempt counts one more call of kind for the payment named by id and
// returns its number (1 for the first). Attempts live in the ledger's Redis,
// so they survive plugin restarts and are shared by every worker.
func (l *Ledger) Attempt(ctx context.Context, kind, id string) (int64, error) {
	return l.rdb.HIncrBy(ctx, l.ns+":attempts", kind+":"+id, 1).Result()
}

// Tick counts one more call of the whole store and returns its number.
func (l *Ledger) Tick(ctx context.Context) (int64, error) {
	return l.rdb.Incr(ctx, l.ns+":calls").Result()
}

// Crashes returns how many crashes were recorded for the payment id, after
// adding add (0 only reads).
func (l *Ledger) Crashes(ctx context.Context, id string, add int64) (int64, error) {
	return l.rdb.HIncrBy(ctx, l.ns+":crashes", id, add).Result()
}
