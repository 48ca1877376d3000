package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

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
	var dir, sdkFlag string
	return &command{
		name: "init", args: "NAME", minArgs: 1, maxArgs: 1,
		summary: "write a new store plugin skeleton (a Go module) to build outside this repository",
		about: `
NAME is the plugin's name (lowercase letters, digits and '-'); the plugin
builds to lunas-plugin-NAME. The skeleton holds a Store with every method,
a test running the SDK's conformance suite, and a README.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&dir, "dir", "", "`directory` to write the plugin to (default ./lunas-plugin-NAME)")
			fs.StringVar(&sdkFlag, "sdk", "", "the sdk `folder` of the Lunas source the plugin builds against (default: found next to this binary, or where it was built from)")
		},
		run: func(_ context.Context, inv *invocation) error {
			name := inv.args[0]
			if dir == "" {
				dir = "lunas-plugin-" + name
			}
			var sdkDir string
			var err error
			if sdkFlag != "" {
				sdkDir, err = filepath.Abs(sdkFlag)
				if err == nil {
					err = plugininit.CheckSDK(sdkDir)
				}
			} else {
				sdkDir, err = plugininit.FindSDK(sdkCandidates()...)
			}
			if err != nil {
				return fmt.Errorf("plugin init: %w; pass --sdk PATH, the sdk folder of the Lunas source this binary was built from", err)
			}
			if err := plugininit.Write(dir, name, sdkDir); err != nil {
				return err
			}
			abs, _ := filepath.Abs(dir)
			fmt.Fprintf(inv.stdout, "Wrote plugin %q to %s (its go.mod takes the Lunas SDK from %s).\nNext:\n  cd %s\n  go mod tidy\n  go test ./...\n  go build -o lunas-plugin-%s .\n",
				name, abs, sdkDir, shellQuote(dir), name)
			return nil
		},
	}
}

// sdkCandidates lists where the SDK of this binary may be: beside it as
// make build lays it out (bin/lunas and sdk/ in one checkout), following a
// symlink to the binary, and the folder this file was compiled from when
// the build kept source paths (go run, go build without -trimpath).
func sdkCandidates() []string {
	var out []string
	if exe, err := os.Executable(); err == nil {
		out = append(out, filepath.Join(filepath.Dir(exe), "..", "sdk"))
		if real, err := filepath.EvalSymlinks(exe); err == nil && real != exe {
			out = append(out, filepath.Join(filepath.Dir(real), "..", "sdk"))
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		// file is <root>/core/cmd/lunas/plugin.go.
		out = append(out, filepath.Join(filepath.Dir(file), "..", "..", "..", "sdk"))
	}
	return out
}
