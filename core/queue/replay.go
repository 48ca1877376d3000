package queue

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
)

// Replayer runs archived (or retrying) tasks again, for an operator who
// fixed what made them fail. Replaying is safe: every payment is applied
// with the mutation's idempotency key.
type Replayer struct {
	Inspector *asynq.Inspector
}

// Replay runs one task (req.TaskID) or every task of req.Queue in
// req.State now, and returns how many.
func (r *Replayer) Replay(ctx context.Context, req core.ReplayRequest) (int, error) {
	if req.Queue == "" {
		return 0, fmt.Errorf("queue is required (e.g. %q): %w", StoreQueue("toko-budi"), core.ErrInvalid)
	}
	if req.TaskID != "" {
		err := r.Inspector.RunTask(req.Queue, req.TaskID)
		switch {
		case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
			return 0, fmt.Errorf("task %s in queue %s: %w", req.TaskID, req.Queue, core.ErrNotFound)
		case err != nil && !errors.Is(err, asynq.ErrTaskNotFound):
			return 0, fmt.Errorf("task %s cannot be run now (%v): %w", req.TaskID, err, core.ErrConflict)
		}
		return 1, nil
	}
	var (
		n   int
		err error
	)
	switch req.State {
	case "", "archived":
		n, err = r.Inspector.RunAllArchivedTasks(req.Queue)
	case "retry":
		n, err = r.Inspector.RunAllRetryTasks(req.Queue)
	case "scheduled":
		n, err = r.Inspector.RunAllScheduledTasks(req.Queue)
	default:
		return 0, fmt.Errorf("state must be archived, retry or scheduled, not %q: %w", req.State, core.ErrInvalid)
	}
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return 0, fmt.Errorf("queue %s: %w", req.Queue, core.ErrNotFound)
	}
	return n, err
}
