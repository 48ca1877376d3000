package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/core/moota"
	"github.com/lunas-dev/lunas/core/queue"
)

// reconcileCommand is `lunas reconcile`: list the recent credits of each
// bank account in Moota's API and queue those no webhook delivered. It is
// safe to run at any time and as often as wanted: a mutation Lunas already
// has is a duplicate, never a second payment.
func reconcileCommand() *command {
	var o reconcileFlags
	return &command{
		name: "reconcile", summary: "queue the mutations Moota's API has and no webhook delivered",
		about: `
Lists the credits of each bank account in Moota's API (the moota block of
the configuration) and queues the ones Lunas has not received. Safe to run
at any time: a mutation Lunas already has is a duplicate, never a second
payment.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.path, "config", "lunas.hcl", "configuration `file`")
			durationFlag(fs, &o.since, "since", 0, "how far back to look, e.g. 2d or 36h (default moota.lookback; at most "+config.FormatDuration(queue.MaxLookback)+")")
			choiceFlag(fs, &o.logLevel, "log-level", "warn", logLevels, "log `level`: trace, debug, info, warn or error")
			fs.Func("bank", "a Moota bank `id` to reconcile (repeatable; default moota.bank_ids, else the stores' bank_ids)", func(s string) error {
				if s = strings.TrimSpace(s); s == "" || s == "*" {
					return errors.New("a bank id is required")
				}
				o.banks = append(o.banks, s)
				return nil
			})
		},
		run: func(ctx context.Context, inv *invocation) error { return runReconcile(ctx, inv, o) },
	}
}

// reconcileFlags are the flags of lunas reconcile.
type reconcileFlags struct {
	path, logLevel string
	since          time.Duration
	banks          []string
}

func runReconcile(ctx context.Context, inv *invocation, o reconcileFlags) error {
	banks, stdout := o.banks, inv.stdout
	cfg, err := config.Load(o.path)
	if err != nil {
		return err
	}
	if cfg.Moota == nil {
		return errors.New(o.path + " has no moota block: reconciliation reads Moota's API; add\n" +
			"  moota {\n    api_token = env(\"MOOTA_TOKEN\")\n  }")
	}
	lookback := o.since
	if lookback == 0 {
		lookback = cfg.Moota.Lookback
	}
	if lookback <= 0 || lookback > queue.MaxLookback {
		return inv.usageError("--since must be positive and at most %s (the window in which Lunas recognises a mutation it already has)", config.FormatDuration(queue.MaxLookback))
	}
	if len(banks) == 0 {
		banks = reconcileBanks(cfg)
	}

	rdb, aopt, err := redisConn(cfg.Redis)
	if err != nil {
		return err
	}
	defer rdb.Close()
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	if cfg.Redis.RequirePersistence {
		if err := checkPersistence(pctx, rdb); err != nil {
			return err
		}
	}
	client := asynq.NewClient(aopt)
	defer client.Close()
	producer := queue.NewProducer(client, queue.ProducerConfig{Seen: &queue.Seen{RDB: rdb}, Route: func(bankID string) string {
		if s, ok := cfg.StoreForBank(bankID); ok {
			return queue.StoreQueue(s.Name)
		}
		return queue.UnroutedQueue
	}})
	rc := &queue.Reconciler{
		API:     moota.New(moota.Config{BaseURL: cfg.Moota.BaseURL, Token: cfg.Moota.APIToken}),
		Queue:   producer,
		BankIDs: banks,
		Logger:  hclog.New(&hclog.LoggerOptions{Name: "lunas", Level: hclog.LevelFromString(o.logLevel), Output: os.Stderr}),
	}
	from := time.Now().Add(-lookback)
	which := "every bank account in Moota"
	if len(banks) > 0 {
		which = strings.Join(banks, ", ")
	}
	fmt.Fprintf(stdout, "reconciling %s: credits dated %s to %s (Asia/Jakarta)\n", which,
		from.In(core.Jakarta).Format(time.DateOnly), time.Now().In(core.Jakarta).Format(time.DateOnly))
	res, err := rc.Run(ctx, from, func(p queue.Progress) {
		if !p.Done {
			fmt.Fprintf(stdout, "  bank %s: %d seen so far\n", p.BankID, p.Seen)
		}
	})
	for _, b := range res.Banks {
		fmt.Fprintln(stdout, summaryLine(b))
	}
	if len(res.Banks) > 1 {
		t := res.Totals()
		t.BankID = fmt.Sprintf("%d banks", len(res.Banks))
		fmt.Fprintln(stdout, "total "+strings.TrimPrefix(summaryLine(t), "bank "))
	}
	return err
}

// summaryLine is "bank X: 120 seen, 3 enqueued, 117 already known".
func summaryLine(b queue.BankResult) string {
	s := fmt.Sprintf("bank %s: %d seen, %d enqueued, %d already known", b.BankID, b.Seen, b.Enqueued, b.Duplicates)
	if b.Bad > 0 {
		s += fmt.Sprintf(", %d unreadable (skipped)", b.Bad)
	}
	if b.Err != nil {
		s += " (stopped early: see the error below)"
	}
	return s
}

// reconcileBanks is the default set of bank accounts: moota.bank_ids; else
// every bank id the stores list; nil (every account Moota reports) when a
// store claims "*".
func reconcileBanks(cfg *config.Config) []string {
	if len(cfg.Moota.BankIDs) > 0 {
		return cfg.Moota.BankIDs
	}
	var ids []string
	for _, s := range cfg.Stores {
		for _, id := range s.BankIDs {
			if id == "*" {
				return nil
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}
