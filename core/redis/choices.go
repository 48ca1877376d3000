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
	var o sdk.Order
	if err := json.Unmarshal(b, &o); err != nil {
		return sdk.Order{}, false, err
	}
	return o, true, nil
}

// Choose records order as taskID's choice, acknowledged by c.Ack's replicas.
func (c *Choices) Choose(ctx context.Context, taskID string, order sdk.Order) error {
	b, err := json.Marshal(order)
	if err != nil {
		return err
	}
	return c.Ack.SetAcked(ctx, c.RDB, matchKey(taskID), b, c.TTL)
}
