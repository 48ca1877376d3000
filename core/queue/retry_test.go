package queue_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/sdk"
)

func TestRetryDelay(t *testing.T) {
	task := asynq.NewTask(queue.TypeMutation, nil)
	tests := []struct {
		name     string
		n        int
		err      error
		min, max time.Duration
	}{
		{"a dead worker's task comes back at once", 3, asynq.ErrLeaseExpired, time.Second, time.Second},
		{"a store's Retry-After, plus the second Asynq rounds away", 0, sdk.Retryable(errors.New("429"), 4*time.Second), 5 * time.Second, 5 * time.Second},
		{"anything else backs off as Asynq does", 0, errors.New("boom"), 15 * time.Second, 45 * time.Second},
		{"a store down for hours is retried at least every half hour", 20, errors.New("connection refused"), queue.MaxRetryDelay, queue.MaxRetryDelay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := queue.RetryDelay(tt.n, tt.err, task); d < tt.min || d > tt.max {
				t.Fatalf("RetryDelay = %s, want %s to %s", d, tt.min, tt.max)
			}
		})
	}
}
