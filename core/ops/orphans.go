package ops

import (
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/hibiken/asynq"
)

// OrphanQueue is a store queue ("store:X") whose store X is not in the
// configuration: no worker takes its tasks, which are payments waiting for
// a store that was removed or renamed.
type OrphanQueue struct {
	// Name is the queue's name, "store:X"; Store is X.
	Name, Store string
	// Info is the queue's task counts, as Asynq last saw them.
	Info *asynq.QueueInfo
	// Commands say how to drain the queue, one line each ("#" lines explain).
	Commands []string
}

// OrphanQueues lists, by name, the store queues in Asynq whose store is not
// one of stores, with their task counts. The console's overview and serve's
// start-up warning both use it.
func OrphanQueues(insp *asynq.Inspector, stores []string) ([]OrphanQueue, error) {
	names, err := insp.Queues()
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []OrphanQueue
	for _, name := range names {
		store, ok := strings.CutPrefix(name, storeQueuePrefix)
		if !ok || slices.Contains(stores, store) {
			continue
		}
		info, err := insp.GetQueueInfo(name)
		if errors.Is(err, asynq.ErrQueueNotFound) {
			continue // emptied and removed since Queues answered
		}
		if err != nil {
			return nil, err
		}
		out = append(out, OrphanQueue{Name: name, Store: store, Info: info, Commands: orphanCommands(store, name)})
	}
	return out, nil
}

// orphanCommands say how to empty a queue no configured store drains:
// bring the store back so its worker takes the pending tasks, then run its
// archived and retrying ones again. Asynq cannot move a task to another
// queue, and no lunas command deletes tasks: they are payments. Deleting
// tasks known to be settled some other way is done in asynqmon.
func orphanCommands(store, queue string) []string {
	return []string{
		"# drain: put the store block back in the config (or rename the new block back) and restart",
		`store "` + store + `" { ... }`,
		"# replay its archived and retrying tasks once the store is back",
		"lunas replay --queue " + queue + " --state archived",
		"lunas replay --queue " + queue + " --state retry",
		"# only tasks already settled by hand may be deleted: asynqmon, " + queueURL(queue) + ", select them, Delete",
	}
}
