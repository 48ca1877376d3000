package queue

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Acknowledger confirms that enough Redis replicas have what a connection
// wrote so far (lunas' redis.ReplicaAck: a fence write and WAIT on that
// connection). Confirm returns an error when they do not.
type Acknowledger interface {
	Confirm(ctx context.Context, conn redis.Cmdable) error
}

// errConnSwitched is returned when the connection that stored a write was
// replaced before its acknowledgement was confirmed: the new one may lead
// to another server, so its WAIT says nothing about the write.
var errConnSwitched = errors.New("the Redis connection was replaced while waiting for replicas")

// Dialer opens a Redis client with a pool of exactly one connection, used
// for pipelines too (go-redis PipelinePoolSize -1), that calls onConnect
// whenever that connection is (re)established, and whose read timeout
// outlasts a WAIT of the Acknowledger's timeout.
type Dialer func(onConnect func(context.Context, *redis.Conn) error) redis.UniversalClient

// lane is one connection of an acknowledging Producer, used by one
// request at a time so that its enqueue and its WAIT share a connection.
type lane struct {
	rdb    redis.UniversalClient
	client *asynq.Client
	conns  *atomic.Uint64 // connections opened so far
}

// NewAckedProducer returns a Producer whose enqueues return only once ack
// confirmed that enough replicas have them, over lanes connections made by
// dial (each serves one request at a time). Close closes them.
func NewAckedProducer(dial Dialer, lanes int, ack Acknowledger, cfg ProducerConfig) *Producer {
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
	default:
		// Every lane busy: wait for one, but not past laneWait (the caller's
		// context may have no deadline).
		wait := time.NewTimer(laneWait)
		defer wait.Stop()
		select {
		case l = <-p.lanes:
		case <-ctx.Done():
			return false, ctx.Err()
		case <-wait.C:
			return false, errNoLane
		}
	}
	defer func() { p.lanes <- l }()
	_, err = l.client.EnqueueContext(ctx, task, opts...)
	dup = errors.Is(err, asynq.ErrTaskIDConflict)
	if err != nil && !dup {
		return false, err
	}
	stored := l.conns.Load()
	if err := p.ack.Confirm(ctx, l.rdb); err != nil {
		return false, err
	}
	if l.conns.Load() != stored {
		return false, errConnSwitched
	}
	return dup, nil
}

// laneWait is the longest an enqueue waits for a free lane of an
// acknowledging Producer (a variable for tests).
var laneWait = 3 * time.Second

var errNoLane = errors.New("every connection to Redis is busy: no lane came free in time")

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
