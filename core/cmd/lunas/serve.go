package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core/config"
)

func serveCommand() *command {
	var path, role, logLevel, cpuProfile string
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
			fs.StringVar(&cpuProfile, "cpu-profile", "", "write a CPU profile (go tool pprof) of the whole run to `file`")
		},
		run: func(ctx context.Context, inv *invocation) error {
			cfg, err := config.Load(path)
			if err != nil {
				return err
			}
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
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

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
