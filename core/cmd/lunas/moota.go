package main

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/moota"
	"github.com/lunas-dev/lunas/core/payment"
	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/sdk"
)

// mootaHandlers wires Moota's API when the config has a moota block:
// write-back after each payment, the reconciliation task, and its schedule.
func (a *App) mootaHandlers(mux *asynq.ServeMux, pcfg *payment.Config, extra *[]string) error {
	m := a.Config.Moota
	if m == nil {
		return nil
	}
	api := moota.New(moota.Config{BaseURL: m.BaseURL, Token: m.APIToken})
	*extra = append(*extra, queue.MootaQueue)
	if m.VerifyPayments {
		pcfg.Verifier = api
	}
	if m.Writeback {
		platforms := map[string]string{}
		for _, s := range a.Config.Stores {
			platforms[s.Name] = queue.PlatformTag(s.Plugin)
		}
		mux.Handle(queue.TypeWriteback, &queue.Writeback{API: api, Logger: a.Logger, Platforms: platforms})
		pcfg.OnPaid = func(ctx context.Context, mut *core.Mutation, store string, order sdk.Order) error {
			task, opts := queue.NewWritebackTask(mut, store, order)
			return a.enqueue(ctx, task, opts...)
		}
	}
	mux.Handle(queue.TypeReconcile, &queue.Reconciler{
		API: api, Queue: a.producer, BankIDs: reconcileBanks(a.Config), Lookback: m.Lookback, Logger: a.Logger,
	})
	if m.ReconcileEvery > 0 {
		a.scheduler = asynq.NewScheduler(a.redisOpt, &asynq.SchedulerOpts{Logger: queue.AsynqLogger(a.Logger.Named("scheduler")), LogLevel: asynq.WarnLevel})
		// Unique: with several workers each running the schedule, one run per period.
		if _, err := a.scheduler.Register(fmt.Sprintf("@every %s", m.ReconcileEvery), queue.NewReconcileTask(), asynq.Unique(m.ReconcileEvery/2)); err != nil {
			return fmt.Errorf("moota: reconcile_every: %w", err)
		}
		if err := a.scheduler.Start(); err != nil {
			return fmt.Errorf("start the reconciliation schedule: %w", err)
		}
	}
	return nil
}
