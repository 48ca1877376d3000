package redis

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// Choices keeps the order chosen for each mutation (lunas:match:{task id})
// for TTL. With Ack set, a choice counts as made only once that many
// replicas have it: after a failover that lost the choice, a retry would no
// longer find the (now paid) order open and would send the payment to
// review instead of confirming it. It implements payment.Choices and is
// safe for concurrent use.
type Choices struct {
	RDB goredis.UniversalClient // required
	TTL time.Duration           // how long a choice is kept; required
	Ack ReplicaAck
}

var _ payment.Choices = (*Choices)(nil)

func matchKey(taskID string) string { return "lunas:match:" + taskID }

// Chosen returns the order chosen for taskID, if any.
func (c *Choices) Chosen(ctx context.Context, taskID string) (sdk.Order, bool, error) {
	b, err := c.RDB.Get(ctx, matchKey(taskID)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return sdk.Order{}, false, nil
	}
	if err != nil {
		return sdk.Order{}, false, err
	}
	o, err := decodeChoice(b)
	return o, err == nil, err
}

// Choose records order as taskID's choice, acknowledged by c.Ack's replicas.
func (c *Choices) Choose(ctx context.Context, taskID string, order sdk.Order) error {
	b, err := encodeChoice(order)
	if err != nil {
		return err
	}
	return c.Ack.SetAcked(ctx, c.RDB, matchKey(taskID), b, c.TTL)
}

// SettledTTL is how long a choice stays once its payment is applied and
// recorded: long enough for Asynq to rerun a task whose worker died before
// marking it done (its lease runs out in a minute), a fraction of the
// window a choice is otherwise kept. Beyond it a rerun recognises its own
// payment by the applied-payment record.
const SettledTTL = time.Hour

// Settle shortens the choice of taskID to SettledTTL.
func (c *Choices) Settle(ctx context.Context, taskID string) error {
	return c.RDB.Expire(ctx, matchKey(taskID), SettledTTL).Err()
}

// choiceCompact marks a choice stored as a compactOrder (short names, no
// empty fields: about 80 bytes where sdk.Order's JSON took 200); without
// it, a choice is the sdk.Order JSON of earlier versions.
const choiceCompact = 'c'

func encodeChoice(o sdk.Order) ([]byte, error) {
	b, err := json.Marshal(compactOf(o, 0))
	if err != nil {
		return nil, err
	}
	return append([]byte{choiceCompact}, b...), nil
}

func decodeChoice(b []byte) (sdk.Order, error) {
	if len(b) > 0 && b[0] == choiceCompact {
		var c compactOrder
		if err := json.Unmarshal(b[1:], &c); err != nil {
			return sdk.Order{}, err
		}
		return c.order(0), nil
	}
	var o sdk.Order
	err := json.Unmarshal(b, &o)
	return o, err
}
