package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/lunas-dev/lunas/core/plugininit"
)

// pluginCommand is `lunas plugin`; its one command writes a skeleton.
func pluginCommand() *command {
	return &command{
		name: "plugin", summary: "write store plugins",
		subs: []*command{pluginInitCommand()},
	}
}

func pluginInitCommand() *command {
	var dir string
	return &command{
		name: "init", args: "NAME", minArgs: 1, maxArgs: 1,
		summary: "write a new store plugin skeleton (a Go module) to build outside this repository",
		about: `
NAME is the plugin's name (lowercase letters, digits and '-'); the plugin
builds to lunas-plugin-NAME. The skeleton holds a Store with every method,
a test running the SDK's conformance suite, and a README.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&dir, "dir", "", "`directory` to write the plugin to (default ./lunas-plugin-NAME)")
		},
		run: func(_ context.Context, inv *invocation) error {
			name := inv.args[0]
			if dir == "" {
				dir = "lunas-plugin-" + name
			}
			if err := plugininit.Write(dir, name); err != nil {
				return err
			}
			abs, _ := filepath.Abs(dir)
			fmt.Fprintf(inv.stdout, "Wrote plugin %q to %s.\nNext: cd %s && go mod tidy && go test ./... && go build -o lunas-plugin-%s .\n", name, abs, dir, name)
			return nil
		},
	}
}
