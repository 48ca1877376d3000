// Command lunas is the Lunas bridge: it receives Moota webhooks, queues
// every mutation in Redis, and pays matching orders through store plugins.
//
//	lunas serve [--config lunas.hcl] [--role all|receiver|worker]
//	lunas dev [--listen 127.0.0.1:8080] [--admin-listen 127.0.0.1:9090] [--secret dev-secret]
//	lunas send [--url URL] [--secret S] FILE
//	lunas sign [--secret S] FILE
//	lunas check [--config lunas.hcl]
//	lunas review list|show|resolve|dismiss
//	lunas replay --queue Q [--id TASK]
//	lunas reconcile [--config lunas.hcl] [--since 2d]
//	lunas plugin init NAME
//	lunas version
//	lunas completion bash|zsh
//	lunas help [COMMAND]
//
// Every command prints its help with --help (exit 0); a usage error exits
// 2, any other failure 1.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if e := (*exitError)(nil); !errors.As(err, &e) || !e.reported {
			fmt.Fprintln(os.Stderr, "lunas:", err)
		}
		os.Exit(exitCode(err))
	}
}

// run runs the command args name; stdout and stderr are the outputs.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-v") {
		args = append([]string{"version"}, args[1:]...)
	}
	return rootCommand().execute(ctx, args, stdout, stderr)
}

// rootCommand is every command, as `lunas help` lists them.
func rootCommand() *command {
	root := &command{name: "lunas", summary: "bridge Moota bank mutations to online stores", about: `
Lunas receives Moota's webhooks, queues every mutation in Redis, matches it
to an open order and pays the order through the store's plugin. Payments it
will not guess at wait in the review inbox.`}
	root.subs = []*command{
		serveCommand(), devCommand(), sendCommand(), signCommand(), checkCommand(),
		reviewCommand(), replayCommand(), deliveriesCommand(), reconcileCommand(), pluginCommand(),
		versionCommand(), completionCommand(root), helpCommand(root),
	}
	help := root.sub("help")
	for _, s := range root.subs {
		help.choices = append(help.choices, s.name)
	}
	return root.link()
}

// helpCommand is `lunas help [COMMAND [SUBCOMMAND]]`.
func helpCommand(root *command) *command {
	return &command{
		name: "help", args: "[COMMAND]", summary: "print the help of lunas or of a command",
		maxArgs: 2,
		run: func(_ context.Context, inv *invocation) error {
			c := root
			for _, name := range inv.args {
				s := c.sub(name)
				if s == nil {
					return inv.usageError("unknown command %q", c.path()+" "+name)
				}
				c = s
			}
			c.printHelp(inv.stdout)
			return nil
		},
	}
}
