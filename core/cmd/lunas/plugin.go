package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/lunas-dev/lunas/core/plugininit"
)

// runPlugin handles `lunas plugin init NAME`.
func runPlugin(args []string, stdout, stderr io.Writer) error {
	const usage = "usage: lunas plugin init NAME [--dir DIR] [--sdk PATH]"
	if len(args) == 0 || args[0] != "init" {
		return &exitError{code: 2, err: errors.New(usage)}
	}
	fs := newFlags("plugin init", stderr)
	dir := fs.String("dir", "", "where to write the plugin (default ./lunas-plugin-NAME)")
	sdkFlag := fs.String("sdk", "", "the sdk folder of the Lunas source the plugin builds against (default: found next to this binary, or where it was built from)")
	rest := args[1:]
	var name string
	if len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		name, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	if name == "" {
		return &exitError{code: 2, err: errors.New(usage)}
	}
	if *dir == "" {
		*dir = "lunas-plugin-" + name
	}
	var sdkDir string
	var err error
	if *sdkFlag != "" {
		sdkDir, err = filepath.Abs(*sdkFlag)
		if err == nil {
			err = plugininit.CheckSDK(sdkDir)
		}
	} else {
		sdkDir, err = plugininit.FindSDK(sdkCandidates()...)
	}
	if err != nil {
		return fmt.Errorf("plugin init: %w; pass --sdk PATH, the sdk folder of the Lunas source this binary was built from", err)
	}
	if err := plugininit.Write(*dir, name, sdkDir); err != nil {
		return err
	}
	abs, _ := filepath.Abs(*dir)
	fmt.Fprintf(stdout, "Wrote plugin %q to %s (its go.mod takes the Lunas SDK from %s).\nNext:\n  cd %s\n  go mod tidy\n  go test ./...\n  go build -o lunas-plugin-%s .\n",
		name, abs, sdkDir, shellQuote(*dir), name)
	return nil
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
