package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/sdk"
)

// Handler adapts mutation tasks to the money path: it decodes the task and
// hands the mutation to payment.Service, and turns the service's answer
// into Asynq's terms (nil done, SkipRetry archived, else retried). It is an
// asynq.Handler and safe for concurrent use.
type Handler struct {
	Payments *payment.Service // required
	// Seen records each mutation when its task starts, before it can
	// finish, so the record takes over from the TaskID once the finished
	// task expires (see Seen). Nil records nothing.
	Seen *Seen
}

var _ asynq.Handler = (*Handler)(nil)

// ProcessTask handles one mutation task. A permanent failure (already in
// the review inbox) is wrapped with asynq.SkipRetry so the task is archived
// with the reason; a retryable one is returned as it is and retried with
// RetryDelay.
func (h *Handler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	if t.Type() != TypeMutation {
		return fmt.Errorf("%w: unknown task type %q", asynq.SkipRetry, t.Type())
	}
	p, m, err := decodePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	if len(p.ConflictWith) > 0 {
		first, err := core.ParseMutation(p.ConflictWith)
		if err != nil {
			return fmt.Errorf("%w: conflict task: %v", asynq.SkipRetry, err)
		}
		id, _ := asynq.GetTaskID(ctx)
		return h.Payments.Conflict(ctx, id, &m, &first)
	}
	if h.Seen != nil {
		if err := h.Seen.Record(ctx, &m, time.Now()); err != nil {
			return err
		}
	}
	retry, _ := asynq.GetRetryCount(ctx)
	err = h.Payments.Process(ctx, &m, payment.Attempt{ReceivedAt: p.ReceivedAt, Retry: retry})
	if err != nil && sdk.IsPermanent(err) {
		return fmt.Errorf("%w: %w", asynq.SkipRetry, err)
	}
	return err
}

// MaxRetryDelay caps Asynq's exponential backoff between two attempts of a
// payment whose store gave no delay: with the producer's 25 retries, a
// store that stays down is retried for about ten hours (not Asynq's three
// weeks) before the task is archived; its payments are in review as "store
// unreachable" long before (payment.DefaultUnreachableAfter).
const MaxRetryDelay = 30 * time.Minute

// RetryDelay is the Asynq RetryDelayFunc: the store's suggested delay when
// it gave one (a Retry-After, a throttle budget, a recheck), else Asynq's
// exponential backoff, at most MaxRetryDelay.
func RetryDelay(n int, err error, t *asynq.Task) time.Duration {
	if errors.Is(err, asynq.ErrLeaseExpired) {
		// The worker that held the task died (or a failover lost its state):
		// nothing failed, the payment just waits. Retry at once; applying it
		// is idempotent.
		return time.Second
	}
	if _, d := sdk.ClassOf(err); d > 0 {
		// Asynq keeps retry times in whole seconds (rounded down), which
		// could run a retry up to a second before the store asked: add one.
		return d + time.Second
	}
	return min(asynq.DefaultRetryDelayFunc(n, err, t), MaxRetryDelay)
}

// IsFailure tells Asynq which errors count as failures in its statistics:
// waiting for a late order is not one.
func IsFailure(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, payment.ErrRecheck)
}
