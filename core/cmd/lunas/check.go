package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/core/pluginhost"
	"github.com/lunas-dev/lunas/sdk"
)

func checkCommand() *command {
	var path string
	return &command{
		name: "check", summary: "validate the configuration, start each plugin and call its Health",
		about: `
Reports everything lunas serve would refuse to start with (each problem with
its file and line), then starts every store's plugin and prints its health.
It fails if the configuration is invalid or a store is not healthy.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&path, "config", "lunas.hcl", "configuration `file`")
		},
		run: func(ctx context.Context, inv *invocation) error { return runCheck(ctx, &path, inv.stdout) },
	}
}

// runCheck validates the config, starts every store's plugin, calls Health
// and prints a table. It exits non-zero if anything is wrong.
func runCheck(ctx context.Context, path *string, stdout io.Writer) error {
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: configuration is valid (%d webhook(s), %d store(s))\n\n", *path, len(cfg.Webhooks), len(cfg.Stores))
	dir, _ := filepath.Abs(filepath.Dir(*path))
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STORE\tPLUGIN\tVERSION\tBANK IDS\tHEALTH\tDETAIL")
	failed := 0
	for _, s := range cfg.Stores {
		name := s.Plugin
		if name == "" {
			name = s.Path
		}
		h := checkStore(ctx, s, dir)
		if h.Status != "ok" {
			failed++
		}
		version := h.Version
		if version == "" {
			// A plugin built with an sdk older than HealthResponse.Version.
			version = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", s.Name, name, version, len(s.BankIDs), h.Status, h.Message)
	}
	tw.Flush()
	if failed > 0 {
		return fmt.Errorf("%d store(s) not healthy", failed)
	}
	return nil
}

// checkStore starts the store's plugin and asks for its Health; a plugin
// that cannot start or answer is reported with status "error".
func checkStore(ctx context.Context, s config.Store, dir string) sdk.HealthResponse {
	path := s.Path
	if path != "" && !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	ctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	p, err := pluginhost.Start(ctx, pluginhost.Config{Store: s.Name, Plugin: s.Plugin, Path: path, SHA256: s.SHA256,
		Settings: s.Settings, PassEnv: s.Env, Logger: hclog.NewNullLogger()})
	if err != nil {
		return sdk.HealthResponse{Status: "error", Message: err.Error()}
	}
	defer p.Close()
	h, err := p.Health(ctx, &sdk.HealthRequest{})
	if err != nil {
		return sdk.HealthResponse{Status: "error", Message: err.Error()}
	}
	return *h
}
