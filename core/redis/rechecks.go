package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core/payment"
)

// Rechecks counts the re-checks of unmatched payments
// (lunas:recheck:{task id}). It implements payment.Rechecks and is safe for
// concurrent use.
type Rechecks struct {
	RDB goredis.UniversalClient
}

var _ payment.Rechecks = (*Rechecks)(nil)

func recheckKey(taskID string) string { return "lunas:recheck:" + taskID }

// Next increments taskID's count, keeps it for ttl, and returns it.
func (r *Rechecks) Next(ctx context.Context, taskID string, ttl time.Duration) (int, error) {
	var incr *goredis.IntCmd
	_, err := r.RDB.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		incr = p.Incr(ctx, recheckKey(taskID))
		p.Expire(ctx, recheckKey(taskID), ttl)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(incr.Val()), nil
}
