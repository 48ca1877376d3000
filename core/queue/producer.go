package queue

import (
	"context"
	"errors"
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
	// With NewAckedProducer: the connections, and the replicas to wait for.
	lanes chan *lane
	ack   Acknowledger
}

var _ core.Queue = (*Producer)(nil)

// ProducerConfig configures a Producer.
type ProducerConfig struct {
	// Route names the queue for a bank id; nil or "" sends everything to UnroutedQueue.
	Route func(bankID string) string
	// MaxRetry is how often a task is retried before it is archived; default 25
	// (about three weeks of backoff in Asynq's default schedule).
	MaxRetry int
}

// NewProducer returns a Producer on client. The caller closes the client.
func NewProducer(client *asynq.Client, cfg ProducerConfig) *Producer {
	if cfg.MaxRetry == 0 {
		cfg.MaxRetry = 25
	}
	return &Producer{client: client, route: cfg.Route, retry: cfg.MaxRetry}
}

// EnqueueMutation stores m durably. A TaskID conflict means Lunas has the
// mutation already: duplicate, not an error.
func (p *Producer) EnqueueMutation(ctx context.Context, webhook string, m *core.Mutation) (bool, error) {
	body, err := encodePayload(webhook, m, time.Now())
	if err != nil {
		return false, err
	}
	queue := ""
	if p.route != nil {
		queue = p.route(m.BankID)
	}
	if queue == "" {
		queue = UnroutedQueue
	}
	task := asynq.NewTask(TypeMutation, body)
	opts := []asynq.Option{asynq.TaskID(m.TaskID()), asynq.Queue(queue), asynq.Retention(Retention), asynq.MaxRetry(p.retry)}
	if p.lanes != nil {
		return p.enqueueAcked(ctx, task, opts)
	}
	_, err = p.client.EnqueueContext(ctx, task, opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return true, nil
	}
	return false, err
}
