package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lunas-dev/lunas/core"
)

// runReplay is `lunas replay`: run archived (or retrying) tasks again after
// fixing what made them fail. Replaying is safe: payments are idempotent.
func runReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("replay", stderr)
	c := adminFlags(fs)
	var req core.ReplayRequest
	fs.StringVar(&req.Queue, "queue", "", "the queue, e.g. store:toko-budi (required)")
	fs.StringVar(&req.TaskID, "id", "", "one task id, e.g. moota:4Aqz9OmvWPV:3ykVJxnwYkN")
	fs.StringVar(&req.State, "state", "archived", "with no --id: every task in this state (archived, retry, scheduled)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if req.Queue == "" {
		return &exitError{code: 2, err: errors.New("--queue is required (e.g. --queue store:toko-budi)")}
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
	fmt.Fprintf(stdout, "replayed %d task(s) in %s\n", out.Replayed, req.Queue)
	return nil
}
