// Command lunas is the Lunas bridge: it receives Moota webhooks, queues
// every mutation in Redis, and pays matching orders through store plugins.
//
//	lunas serve --config lunas.hcl [--role all|receiver|worker]
//	lunas dev [--listen 127.0.0.1:8080] [--admin-listen 127.0.0.1:9090] [--secret dev-secret]
//	lunas send --url URL --secret S FILE
//	lunas sign --secret S FILE
//	lunas check --config lunas.hcl
//	lunas review list|show|resolve|dismiss
//	lunas replay --queue Q [--id TASK]
//	lunas reconcile --config lunas.hcl --since 48h
//	lunas plugin init NAME
//	lunas version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

const usage = `lunas bridges Moota bank mutations to online stores.

Usage:
  lunas serve   --config lunas.hcl [--role all|receiver|worker]   run the bridge
  lunas dev     [--listen ADDR] [--admin-listen ADDR] [--secret S] run locally with an embedded Redis and a demo store
  lunas send    --url URL --secret S FILE                        sign a payload as Moota does and POST it
  lunas sign    --secret S FILE                                  print the Signature of a payload
  lunas check   --config lunas.hcl                               validate the config, start each plugin, call Health
  lunas review  list|show|resolve|dismiss ...                     the review inbox (ambiguous, unmatched, refused payments)
  lunas replay  --queue Q [--id TASK | --state archived]          run archived tasks again
  lunas reconcile --config lunas.hcl [--since 48h] [--bank ID]   queue the mutations Moota's API has and no webhook delivered
  lunas plugin init NAME [--dir DIR] [--sdk PATH]                write a new store plugin (its own module)
  lunas version                                                  print the version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "lunas:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2, err: errors.New("no command given")}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stderr)
	case "dev":
		return runDev(ctx, rest, stdout, stderr)
	case "send":
		return runSend(ctx, rest, stdout, stderr)
	case "sign":
		return runSign(rest, stdout, stderr)
	case "check":
		return runCheck(ctx, rest, stdout, stderr)
	case "plugin":
		return runPlugin(rest, stdout, stderr)
	case "review":
		return runReview(ctx, rest, stdout, stderr)
	case "replay":
		return runReplay(ctx, rest, stdout, stderr)
	case "reconcile":
		return runReconcile(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "lunas", Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &exitError{code: 2, err: fmt.Errorf("unknown command %q", cmd)}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("lunas "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
