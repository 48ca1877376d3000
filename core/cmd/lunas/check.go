package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/core/pluginhost"
	"github.com/lunas-dev/lunas/sdk"
)

func checkCommand() *command {
	var path string
	return &command{
		name: "check", summary: "check the configuration, its Redis and each store's plugin as serve would",
		about: `
Reports everything lunas serve would refuse to start with, each problem with
its file and line: the configuration itself, a Redis that does not answer or
keeps nothing on disk (with require_persistence = true), a plugin that does
not start or refuses its settings. Then it calls each store's Health and
prints a table. It says "configuration is valid" and exits 0 only when all
of it holds and every store is healthy.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&path, "config", "lunas.hcl", "configuration `file`")
		},
		run: func(ctx context.Context, inv *invocation) error { return runCheck(ctx, &path, inv.stdout) },
	}
}

// runCheck checks what serve checks before it starts (the config, Redis,
// each plugin's start and Configure), calls each store's Health, prints a
// table and the problems, and fails if there is any.
func runCheck(ctx context.Context, path *string, stdout io.Writer) error {
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d webhook(s), %d store(s)\n", *path, len(cfg.Webhooks), len(cfg.Stores))
	var problems []error

	// go-redis logs each failed dial on its own; the problem list says it once.
	redis.SetLogger(quietRedis{})
	if rdb, _, err := openRedis(ctx, cfg); err != nil {
		problems = append(problems, err)
		fmt.Fprintln(stdout, "redis: FAILED (see the problems below)")
	} else {
		_ = rdb.Close()
		if cfg.Redis.RequirePersistence {
			fmt.Fprintln(stdout, "redis: ok, answers and keeps its data on disk")
		} else {
			fmt.Fprintln(stdout, "redis: ok, answers (persistence not checked: require_persistence = false)")
		}
	}
	fmt.Fprintln(stdout)

	dir, _ := filepath.Abs(filepath.Dir(*path))
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STORE\tPLUGIN\tVERSION\tBANK IDS\tHEALTH\tDETAIL")
	for _, s := range cfg.Stores {
		name := s.Plugin
		if name == "" {
			name = s.Path
		}
		h, err := checkStore(ctx, cfg, s, dir)
		switch {
		case err != nil:
			problems = append(problems, err)
			h = sdk.HealthResponse{Status: "error", Message: "did not start (see the problems below)"}
		case h.Status != "ok":
			problems = append(problems, cfg.StoreError(s.Name, "", fmt.Sprintf("not healthy (%s): %s", h.Status, h.Message)))
		}
		version := h.Version
		if version == "" {
			// A plugin built with an sdk older than HealthResponse.Version.
			version = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", s.Name, name, version, len(s.BankIDs), h.Status, h.Message)
	}
	tw.Flush()

	if len(problems) > 0 {
		fmt.Fprintf(stdout, "\n%d problem(s):\n", len(problems))
		for _, p := range problems {
			fmt.Fprintln(stdout, "  "+strings.ReplaceAll(p.Error(), "\n", "\n  "))
		}
		return fmt.Errorf("%s: %d problem(s); lunas serve would refuse it or a store is not healthy", *path, len(problems))
	}
	fmt.Fprintf(stdout, "\n%s: configuration is valid\n", *path)
	return nil
}

// checkStore starts the store's plugin as serve does (which configures it)
// and asks for its Health. A plugin that cannot start or refuses its
// settings is an error naming the store block's file:line.
func checkStore(ctx context.Context, cfg *config.Config, s config.Store, dir string) (sdk.HealthResponse, error) {
	path := s.Path
	if path != "" && !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	ctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	p, err := pluginhost.Start(ctx, pluginhost.Config{Store: s.Name, Plugin: s.Plugin, Path: path, SHA256: s.SHA256,
		Settings: s.Settings, PassEnv: s.Env, Logger: hclog.NewNullLogger()})
	if err != nil {
		return sdk.HealthResponse{}, storeStartError(cfg, s.Name, err)
	}
	defer p.Close()
	h, err := p.Health(ctx, &sdk.HealthRequest{})
	if err != nil {
		return sdk.HealthResponse{Status: "error", Message: err.Error()}, nil
	}
	return *h, nil
}

// storeStartError places a plugin's failure to start at its store block:
// a Configure that failed at the settings attribute, anything else at the
// plugin (or path) attribute.
func storeStartError(cfg *config.Config, store string, err error) error {
	var ce *pluginhost.ConfigureError
	if errors.As(err, &ce) {
		// sdk's Decode starts its errors with "settings: ", which the
		// position says already.
		msg := strings.TrimPrefix(ce.Err.Error(), "settings: ")
		if sdk.IsPermanent(ce.Err) {
			return cfg.StoreError(store, "settings", "the plugin refused them: "+msg)
		}
		return cfg.StoreError(store, "settings", "the plugin's Configure failed: "+msg)
	}
	attr := "plugin"
	for _, s := range cfg.Stores {
		if s.Name == store && s.Plugin == "" {
			attr = "path"
		}
	}
	return cfg.StoreError(store, attr, strings.TrimPrefix(err.Error(), fmt.Sprintf("store %q: ", store)))
}

// quietRedis is a go-redis logger that drops what it is told.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}
