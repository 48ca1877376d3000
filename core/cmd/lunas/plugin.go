package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/lunas-dev/lunas/core/plugininit"
)

// runPlugin handles `lunas plugin init NAME`.
func runPlugin(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "init" {
		return &exitError{code: 2, err: errors.New("usage: lunas plugin init NAME [--dir DIR]")}
	}
	fs := newFlags("plugin init", stderr)
	dir := fs.String("dir", "", "where to write the plugin (default ./lunas-plugin-NAME)")
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
		return &exitError{code: 2, err: errors.New("usage: lunas plugin init NAME [--dir DIR]")}
	}
	if *dir == "" {
		*dir = "lunas-plugin-" + name
	}
	if err := plugininit.Write(*dir, name); err != nil {
		return err
	}
	abs, _ := filepath.Abs(*dir)
	fmt.Fprintf(stdout, "Wrote plugin %q to %s.\nNext: cd %s && go mod tidy && go test ./... && go build -o lunas-plugin-%s .\n", name, abs, *dir, name)
	return nil
}
