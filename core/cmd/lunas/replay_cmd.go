package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/lunas-dev/lunas/core"
)

// replayCommand is `lunas replay`: run archived (or retrying) tasks again
// after fixing what made them fail. Replaying is safe: payments are
// idempotent.
func replayCommand() *command {
	var c *adminClient
	var req core.ReplayRequest
	return &command{
		name: "replay", summary: "run archived tasks again, once what made them fail is fixed",
		about: `
Replaying is safe: an order already paid is never paid twice. With --id it
replays one task; without, every task of the queue in --state.` + adminAbout,
		flags: func(fs *flag.FlagSet) {
			c = adminFlags(fs)
			fs.StringVar(&req.Queue, "queue", "", "the `queue`, e.g. store:toko-budi (required)")
			fs.StringVar(&req.TaskID, "id", "", "one `task` id, e.g. moota:4Aqz9OmvWPV:3ykVJxnwYkN")
			choiceFlag(fs, &req.State, "state", "archived", []string{"archived", "retry", "scheduled"}, "with no --id: every task in this `state` (archived, retry, scheduled)")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if req.Queue == "" {
				return inv.usageError("--queue is required (e.g. --queue store:toko-budi)")
			}
			if req.TaskID != "" {
				req.State = ""
			}
			var out struct {
				Replayed int `json:"replayed"`
			}
			if err := c.do(ctx, "POST", "/api/replay", req, &out); err != nil {
				return err
			}
			fmt.Fprintf(inv.stdout, "replayed %d task(s) in %s\n", out.Replayed, req.Queue)
			return nil
		},
	}
}
