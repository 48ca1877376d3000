package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
)

// Producer enqueues mutations: one task per mutation, TaskID
// moota:{bank_id}:{mutation_id}, in the queue of the store that owns the
// bank account. It implements core.Queue and is safe for concurrent use.
type Producer struct {
	client *asynq.Client
	route  func(bankID string) (queue string)
	retry  int
	insp   *asynq.Inspector
	seen   *Seen
	// With NewAckedProducer: the connections, and the replicas to wait for.
	lanes chan *lane
	ack   Acknowledger
}

var _ core.Queue = (*Producer)(nil)

// ProducerConfig configures a Producer.
type ProducerConfig struct {
	// Route names the queue for a bank id; nil or "" sends everything to UnroutedQueue.
	Route func(bankID string) string
	// Inspector reads the task a duplicate delivery collides with, so that a
	// mutation id arriving again with another amount or type is recorded as
	// a conflict for review instead of taken for a duplicate. Nil: every
	// collision counts as a duplicate.
	Inspector *asynq.Inspector
	// Seen is the record of the mutations taken in over Retention, checked
	// before the enqueue: a finished task is kept only TaskRetention. Nil:
	// duplicates are recognised only while their task is kept.
	Seen *Seen
	// MaxRetry is how often a task is retried before it is archived; default
	// 25 (about ten hours with RetryDelay's backoff when a store stays down).
	MaxRetry int
}

// NewProducer returns a Producer on client. The caller closes the client.
func NewProducer(client *asynq.Client, cfg ProducerConfig) *Producer {
	if cfg.MaxRetry == 0 {
		cfg.MaxRetry = 25
	}
	return &Producer{client: client, route: cfg.Route, retry: cfg.MaxRetry, insp: cfg.Inspector, seen: cfg.Seen}
}

// EnqueueMutation stores m durably. A mutation Seen within Retention, or a
// TaskID conflict, means Lunas has the mutation already: a duplicate, not
// an error, unless the record or the stored task holds another amount or
// type: then a conflict task is stored for review (and the delivery is not
// counted a duplicate).
func (p *Producer) EnqueueMutation(ctx context.Context, webhook string, m *core.Mutation) (bool, error) {
	now := time.Now()
	queue := p.queueOf(m.BankID)
	if p.seen != nil && !fresh(m, now) {
		first, err := p.seen.Lookup(ctx, m.BankID, m.ID, now)
		if err != nil {
			return false, err
		}
		if first != nil {
			return p.collided(ctx, webhook, m, first, queue, now)
		}
	}
	body, err := encodePayload(webhook, m, now)
	if err != nil {
		return false, err
	}
	dup, err := p.enqueue(ctx, asynq.NewTask(TypeMutation, body), m.TaskID(), queue)
	if err != nil || !dup || p.insp == nil {
		return dup, err
	}
	first, err := p.stored(queue, m.TaskID())
	if err != nil || first == nil {
		// A task that finished and expired between the enqueue and this
		// read: a duplicate (its Seen record outlives it).
		return true, err
	}
	return p.collided(ctx, webhook, m, first, queue, now)
}

// freshMargin is how far Moota's clock may be from ours.
const freshMargin = 10 * time.Minute

// fresh reports whether Moota recorded m (its created_at, which the
// signature covers) so recently that it cannot have been delivered more
// than TaskRetention ago: then a task stored for it is still kept, the
// TaskID alone recognises a re-delivery, and the Seen lookup, a Redis round
// trip, can be skipped. That is nearly every delivery: Moota sends its
// webhook seconds after recording the mutation. A created_at missing, old
// or in the future is not fresh.
func fresh(m *core.Mutation, now time.Time) bool {
	c := m.CreatedAt
	return !c.IsZero() && c.After(now.Add(-TaskRetention+freshMargin)) && !c.After(now.Add(freshMargin))
}

// collided answers a mutation whose id Lunas holds already as first: a
// duplicate when it reads the same, else a conflict task for review.
func (p *Producer) collided(ctx context.Context, webhook string, m, first *core.Mutation, queue string, now time.Time) (bool, error) {
	if first.Amount == m.Amount && first.Type == m.Type {
		return true, nil
	}
	body, err := encodeConflict(webhook, m, first, now)
	if err != nil {
		return false, err
	}
	if _, err := p.enqueue(ctx, asynq.NewTask(TypeMutation, body), ConflictTaskID(m), queue); err != nil {
		return false, err
	}
	return false, nil
}

func (p *Producer) queueOf(bankID string) string {
	queue := ""
	if p.route != nil {
		queue = p.route(bankID)
	}
	if queue == "" {
		queue = UnroutedQueue
	}
	return queue
}

// enqueue stores one task under id; a TaskID conflict reports dup.
func (p *Producer) enqueue(ctx context.Context, task *asynq.Task, id, queue string) (dup bool, err error) {
	opts := []asynq.Option{asynq.TaskID(id), asynq.Queue(queue), asynq.Retention(TaskRetention), asynq.MaxRetry(p.retry)}
	if p.lanes != nil {
		return p.enqueueAcked(ctx, task, opts)
	}
	_, err = p.client.EnqueueContext(ctx, task, opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return true, nil
	}
	return false, err
}

// stored reads the mutation of the task id in queue, or nil when the task
// is gone.
func (p *Producer) stored(queue, id string) (*core.Mutation, error) {
	info, err := p.insp.GetTaskInfo(queue, id)
	if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the stored task %s: %w", id, err)
	}
	_, m, err := decodePayload(info.Payload)
	if err != nil {
		return nil, err
	}
	return &m, nil
}
