package main

import (
	"strings"

	"github.com/lunas-dev/lunas/core/ops"
)

// warnOrphanQueues logs a warning for each store queue that holds tasks but
// whose store is not in the config (a store block removed or renamed): no
// worker takes those payments until the block is back. The console's
// overview lists the same queues (ops.OrphanQueues).
func (a *App) warnOrphanQueues() {
	names := make([]string, 0, len(a.Config.Stores))
	for _, s := range a.Config.Stores {
		names = append(names, s.Name)
	}
	orphans, err := ops.OrphanQueues(a.insp, names)
	if err != nil {
		a.Logger.Warn("cannot look for orphan store queues", "error", err)
		return
	}
	for _, o := range orphans {
		i := o.Info
		if i.Size == 0 {
			continue
		}
		a.Logger.Warn("orphan queue: its store is not in the config, so no worker takes its tasks",
			"queue", o.Name, "store", o.Store, "tasks", i.Size,
			"pending", i.Pending, "active", i.Active, "scheduled", i.Scheduled, "retry", i.Retry, "archived", i.Archived,
			"to_drain", strings.Join(o.Commands, "\n"))
	}
}
