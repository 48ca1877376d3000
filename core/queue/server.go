package queue

import (
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"
)

// ServerConfig configures the Asynq server that runs the Worker.
type ServerConfig struct {
	Stores      []string // store names; each gets its queue (StoreQueue)
	Extra       []string // more queues to consume (OpsQueue, the Moota queue)
	Concurrency int      // default 10
	// PollInterval is how often an idle worker asks Redis for work; it bounds
	// the time a new payment waits in an empty queue. Default 5ms (Asynq's
	// own default of 1s would add up to a second to every payment). Measured
	// with make bench (200 payments/s through the demo plugin, 2-vCPU VM):
	// 20ms gave a p50 webhook-to-paid of 22.6ms and cost an idle Redis 2.5%
	// of a core, 5ms 9.0ms and 2.7%, 2ms 7.3ms and 4.7%.
	PollInterval time.Duration
	Logger       hclog.Logger
}

// NewServer returns an Asynq server consuming every store's queue and
// UnroutedQueue with equal weight, retrying with RetryDelay.
func NewServer(redis asynq.RedisConnOpt, cfg ServerConfig) *asynq.Server {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 10
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 5 * time.Millisecond
	}
	queues := map[string]int{UnroutedQueue: 1}
	for _, s := range cfg.Stores {
		queues[StoreQueue(s)] = 2
	}
	for _, q := range cfg.Extra {
		queues[q] = 1
	}
	log := cfg.Logger.Named("asynq")
	return asynq.NewServer(redis, asynq.Config{
		Concurrency:       cfg.Concurrency,
		TaskCheckInterval: cfg.PollInterval,
		// Retries and re-checks become due on the second, not up to 5s late.
		DelayedTaskCheckInterval: time.Second,
		Queues:                   queues,
		RetryDelayFunc:           RetryDelay,
		IsFailure:                IsFailure,
		Logger:                   asynqLogger{log},
		LogLevel:                 asynq.WarnLevel,
	})
}

// asynqLogger adapts hclog to asynq.Logger.
type asynqLogger struct{ l hclog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)); os.Exit(1) }

// AsynqLogger adapts an hclog logger for Asynq's scheduler and server.
func AsynqLogger(l hclog.Logger) asynq.Logger { return asynqLogger{l} }
