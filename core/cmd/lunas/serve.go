package main

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core/config"
)

func serveCommand() *command {
	var path, role, logLevel string
	var logJSON bool
	return &command{
		name: "serve", summary: "run the bridge from a configuration file",
		about: `
Receives webhooks on the public listener, processes mutations through the
store plugins and serves the admin listener, as lunas.hcl says. SIGINT or
SIGTERM stop it without losing a mutation; SIGHUP re-reads the TLS
certificates (tls blocks) without dropping a connection.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&path, "config", "lunas.hcl", "configuration `file`")
			choiceFlag(fs, &role, "role", RoleAll, []string{RoleAll, RoleReceiver, RoleWorker}, "`role`: all, receiver (webhooks only) or worker (processing only)")
			choiceFlag(fs, &logLevel, "log-level", "info", logLevels, "log `level`: trace, debug, info, warn or error")
			fs.BoolVar(&logJSON, "log-json", false, "log as JSON lines")
		},
		run: func(ctx context.Context, inv *invocation) error {
			cfg, err := config.Load(path)
			if err != nil {
				return err
			}
			dir, _ := filepath.Abs(filepath.Dir(path))
			app := &App{
				Config: cfg, Role: role, ConfigDir: dir,
				Logger: hclog.New(&hclog.LoggerOptions{Name: "lunas", Level: hclog.LevelFromString(logLevel), JSONFormat: logJSON, Output: os.Stderr}),
			}
			// SIGHUP is caught from before the listeners open, so that a
			// reload sent while plugins start does not end the process.
			hangups := make(chan os.Signal, 1)
			signal.Notify(hangups, syscall.SIGHUP)
			defer signal.Stop(hangups)
			if err := app.Open(ctx); err != nil {
				return err
			}
			defer app.Close()
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go app.reloadOn(ctx, hangups)
			return app.Wait(ctx)
		},
	}
}
