package queue

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// ErrNotReplicated is returned for a write that fewer replicas than asked
// acknowledged in time. The write may be on the master; it is not yet safe
// from a failover, so the caller must not report it stored.
var ErrNotReplicated = errors.New("too few Redis replicas acknowledged the write")

// errConnSwitched is returned when the connection that stored a write was
// replaced before its acknowledgement was confirmed: the new one may lead
// to another server, so its WAIT says nothing about the write.
var errConnSwitched = errors.New("the Redis connection was replaced while waiting for replicas")

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

// confirm writes the fence and waits for a.Replicas replicas to have it,
// both on one connection (a pipeline never spans two).
func (a ReplicaAck) confirm(ctx context.Context, rdb redis.Cmdable) error {
	var wait *redis.Cmd
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
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
func (a ReplicaAck) wait(ctx context.Context, p redis.Pipeliner) *redis.Cmd {
	return p.Do(ctx, "WAIT", a.Replicas, a.Timeout.Milliseconds())
}

// check reads WAIT's answer: how many replicas have the writes.
func (a ReplicaAck) check(wait *redis.Cmd) error {
	n, err := wait.Int64()
	if err != nil {
		return fmt.Errorf("wait for replicas: %w", err)
	}
	if n < int64(a.Replicas) {
		return fmt.Errorf("%w: %d of %d within %s", ErrNotReplicated, n, a.Replicas, a.Timeout)
	}
	return nil
}

// setAcked sets key on one connection and waits for a.Replicas replicas
// to acknowledge it.
func (a ReplicaAck) setAcked(ctx context.Context, rdb redis.Cmdable, key string, value []byte, ttl time.Duration) error {
	if !a.Enabled() {
		return rdb.Set(ctx, key, value, ttl).Err()
	}
	var wait *redis.Cmd
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, key, value, ttl)
		wait = a.wait(ctx, p)
		return nil
	})
	if err != nil {
		return err
	}
	return a.check(wait)
}

// Dialer opens a Redis client with a pool of exactly one connection, used
// for pipelines too (go-redis PipelinePoolSize -1), that calls onConnect
// whenever that connection is (re)established, and whose read timeout
// outlasts a WAIT of the ReplicaAck's timeout.
type Dialer func(onConnect func(context.Context, *redis.Conn) error) redis.UniversalClient

// lane is one connection of an acknowledging Producer, used by one
// request at a time so that its enqueue and its WAIT share a connection.
type lane struct {
	rdb    redis.UniversalClient
	client *asynq.Client
	conns  *atomic.Uint64 // connections opened so far
}

// NewAckedProducer returns a Producer whose enqueues return only once
// ack.Replicas replicas acknowledged them, over lanes connections made by
// dial (each serves one request at a time). Close closes them.
func NewAckedProducer(dial Dialer, lanes int, ack ReplicaAck, cfg ProducerConfig) *Producer {
	if lanes <= 0 {
		lanes = 16
	}
	p := NewProducer(nil, cfg)
	p.ack = ack
	p.lanes = make(chan *lane, lanes)
	for range lanes {
		conns := new(atomic.Uint64)
		rdb := dial(func(context.Context, *redis.Conn) error {
			conns.Add(1)
			return nil
		})
		p.lanes <- &lane{rdb: rdb, client: asynq.NewClientFromRedisClient(rdb), conns: conns}
	}
	return p
}

// enqueueAcked enqueues on a free lane and confirms the replicas have the
// task (or, for a duplicate, the master's state that holds it).
func (p *Producer) enqueueAcked(ctx context.Context, task *asynq.Task, opts []asynq.Option) (dup bool, err error) {
	var l *lane
	select {
	case l = <-p.lanes:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { p.lanes <- l }()
	_, err = l.client.EnqueueContext(ctx, task, opts...)
	dup = errors.Is(err, asynq.ErrTaskIDConflict)
	if err != nil && !dup {
		return false, err
	}
	stored := l.conns.Load()
	if err := p.ack.confirm(ctx, l.rdb); err != nil {
		return false, err
	}
	if l.conns.Load() != stored {
		return false, errConnSwitched
	}
	return dup, nil
}

// Close closes the connections of an acknowledging Producer; a Producer
// made by NewProducer does not own its client and Close does nothing.
func (p *Producer) Close() error {
	if p.lanes == nil {
		return nil
	}
	var errs []error
	for range cap(p.lanes) {
		l := <-p.lanes
		errs = append(errs, l.rdb.Close()) // the asynq.Client shares it
	}
	return errors.Join(errs...)
}
