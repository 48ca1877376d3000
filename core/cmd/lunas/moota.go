package main

import (
	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core/queue"
)

// mootaHandlers wires Moota's API (reconciliation, write-back) when the
// config has a moota block.
func (a *App) mootaHandlers(mux *asynq.ServeMux, wcfg *queue.WorkerConfig, extra *[]string) {
}
