package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core/config"
)

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	path := fs.String("config", "lunas.hcl", "configuration file")
	role := fs.String("role", RoleAll, "all, receiver (webhooks only) or worker (processing only)")
	logLevel := fs.String("log-level", "info", "trace, debug, info, warn or error")
	logJSON := fs.Bool("log-json", false, "log as JSON lines")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *role {
	case RoleAll, RoleReceiver, RoleWorker:
	default:
		return &exitError{code: 2, err: fmt.Errorf("--role must be all, receiver or worker, not %q", *role)}
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	dir, _ := filepath.Abs(filepath.Dir(*path))
	app := &App{
		Config: cfg, Role: *role, ConfigDir: dir,
		Logger: hclog.New(&hclog.LoggerOptions{Name: "lunas", Level: hclog.LevelFromString(*logLevel), JSONFormat: *logJSON, Output: os.Stderr}),
	}
	if err := app.Open(ctx); err != nil {
		return err
	}
	defer app.Close()
	return app.Wait(ctx)
}
