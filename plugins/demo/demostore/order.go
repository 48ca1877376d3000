// Package demostore is the demo store behind `lunas dev`: orders kept in a
// Redis hash, paid atomically (WATCH/MULTI), so the demo behaves like a real
// store under concurrent workers. It is also the reference for how small a
// correct Lunas store can be.
package demostore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/sdk"
)

// Order is a demo order as stored and as shown at GET /dev/orders.
type Order struct {
	ID        string     `json:"id"`
	Number    string     `json:"number"`
	Status    string     `json:"status"`
	Amount    sdk.Amount `json:"amount"`
	Currency  string     `json:"currency"`
	PaidBy    string     `json:"paid_by"`
	CreatedAt time.Time  `json:"created_at,omitempty"`
	PaidAt    *time.Time `json:"paid_at,omitempty"`
	Writes    int        `json:"-"`
}

type stored struct {
	Order
	Writes int `json:"writes"`
}

// Key is the Redis hash holding the orders of namespace ns.
func Key(ns string) string { return ns + ":orders" }

// amountKey indexes order ids by amount, as a real store's database would.
func amountKey(ns string, a sdk.Amount) string { return ns + ":amount:" + a.String() }

// Put writes o (replacing an order with the same ID).
func Put(ctx context.Context, rdb redis.UniversalClient, ns string, o Order) error {
	b, err := marshalStored(o)
	if err != nil {
		return err
	}
	_, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, Key(ns), o.ID, b)
		p.SAdd(ctx, amountKey(ns, o.Amount), o.ID)
		return nil
	})
	return err
}

// ByAmount returns the orders of exactly amount a (via the amount index).
func ByAmount(ctx context.Context, rdb redis.UniversalClient, ns string, a sdk.Amount) ([]Order, error) {
	ids, err := rdb.SMembers(ctx, amountKey(ns, a)).Result()
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	vals, err := rdb.HMGet(ctx, Key(ns), ids...).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Order, 0, len(vals))
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue
		}
		var st stored
		if err := json.Unmarshal([]byte(s), &st); err != nil {
			return nil, fmt.Errorf("order %s: %w", ids[i], err)
		}
		st.Order.Writes = st.Writes
		if st.Amount == a {
			out = append(out, st.Order)
		}
	}
	return out, nil
}

// Get reads one order; ok is false when it does not exist.
func Get(ctx context.Context, rdb redis.Cmdable, ns, id string) (Order, bool, error) {
	s, err := rdb.HGet(ctx, Key(ns), id).Result()
	if errors.Is(err, redis.Nil) {
		return Order{}, false, nil
	}
	if err != nil {
		return Order{}, false, err
	}
	var st stored
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return Order{}, false, fmt.Errorf("order %s: %w", id, err)
	}
	st.Order.Writes = st.Writes
	return st.Order, true, nil
}

// List returns every order, sorted by ID.
func List(ctx context.Context, rdb redis.UniversalClient, ns string) ([]Order, error) {
	all, err := rdb.HGetAll(ctx, Key(ns)).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Order, 0, len(all))
	for id, s := range all {
		var st stored
		if err := json.Unmarshal([]byte(s), &st); err != nil {
			return nil, fmt.Errorf("order %s: %w", id, err)
		}
		st.Order.Writes = st.Writes
		out = append(out, st.Order)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].ID) != len(out[j].ID) {
			return len(out[i].ID) < len(out[j].ID)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Seed loads orders from a JSON file (an array of Order) into ns, adding
// only orders that do not exist yet, so restarting the demo keeps payments.
// Orders without created_at are stamped now.
func Seed(ctx context.Context, rdb redis.UniversalClient, ns, file string) (int, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var orders []Order
	if err := json.Unmarshal(b, &orders); err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	added := 0
	for _, o := range orders {
		if o.ID == "" {
			return added, fmt.Errorf("%s: an order has no id", file)
		}
		if o.Number == "" {
			o.Number = o.ID
		}
		if o.Currency == "" {
			o.Currency = "IDR"
		}
		if o.CreatedAt.IsZero() {
			o.CreatedAt = time.Now().UTC()
		}
		raw, err := json.Marshal(stored{Order: o})
		if err != nil {
			return added, err
		}
		ok, err := rdb.HSetNX(ctx, Key(ns), o.ID, raw).Result()
		if err != nil {
			return added, err
		}
		if err := rdb.SAdd(ctx, amountKey(ns, o.Amount), o.ID).Err(); err != nil {
			return added, err
		}
		if ok {
			added++
		}
	}
	return added, nil
}

func marshalStored(o Order) ([]byte, error) { return json.Marshal(stored{Order: o, Writes: o.Writes}) }

var timeNow = func() time.Time { return time.Now().UTC() }
