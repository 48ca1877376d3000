package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// ErrNotReplicated is returned for a write that fewer replicas than asked
// acknowledged in time. The write may be on the master; it is not yet safe
// from a failover, so the caller must not report it stored.
var ErrNotReplicated = errors.New("too few Redis replicas acknowledged the write")

// ReplicaAck is how many replicas must acknowledge a write (Redis WAIT on
// the connection that made it) and for how long to wait. Redis replication
// is asynchronous: a write the master acknowledged but had not yet sent to
// a replica is lost when Sentinel promotes that replica. The zero value
// waits for nothing.
type ReplicaAck struct {
	Replicas int
	Timeout  time.Duration
}

// Enabled reports whether writes wait for replicas.
func (a ReplicaAck) Enabled() bool { return a.Replicas > 0 }

// fenceKey is the counter every confirmation increments: a write on the
// connection right before WAIT. Replication is one ordered stream, so once
// the fence reached the replicas so did everything the master took before
// it, including a write another request made (a duplicate delivery finds
// its task there but cannot know whether it was replicated).
const fenceKey = "lunas:replication:fence"

// Confirm writes the fence and waits for a.Replicas replicas to have it,
// both on one connection (a pipeline never spans two).
func (a ReplicaAck) Confirm(ctx context.Context, rdb goredis.Cmdable) error {
	var wait *goredis.Cmd
	_, err := rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.Incr(ctx, fenceKey)
		wait = a.wait(ctx, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("wait for replicas: %w", err)
	}
	return a.check(wait)
}

// wait queues WAIT on the pipeline.
func (a ReplicaAck) wait(ctx context.Context, p goredis.Pipeliner) *goredis.Cmd {
	return p.Do(ctx, "WAIT", a.Replicas, a.Timeout.Milliseconds())
}

// check reads WAIT's answer: how many replicas have the writes.
func (a ReplicaAck) check(wait *goredis.Cmd) error {
	n, err := wait.Int64()
	if err != nil {
		return fmt.Errorf("wait for replicas: %w", err)
	}
	if n < int64(a.Replicas) {
		return fmt.Errorf("%w: %d of %d within %s", ErrNotReplicated, n, a.Replicas, a.Timeout)
	}
	return nil
}

// SetAcked sets key on one connection and waits for a.Replicas replicas
// to acknowledge it.
func (a ReplicaAck) SetAcked(ctx context.Context, rdb goredis.Cmdable, key string, value []byte, ttl time.Duration) error {
	if !a.Enabled() {
		return rdb.Set(ctx, key, value, ttl).Err()
	}
	var wait *goredis.Cmd
	_, err := rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.Set(ctx, key, value, ttl)
		wait = a.wait(ctx, p)
		return nil
	})
	if err != nil {
		return err
	}
	return a.check(wait)
}
