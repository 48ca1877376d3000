package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// command is one lunas command. Each is built fresh for a run by a
// constructor (sendCommand, ...), so the variables its flags fill start at
// their defaults every time.
//
// Lunas uses this small layer over the standard flag package rather than a
// CLI library (cobra, urfave/cli, kong): it needs a description, a usage
// line, help on stdout, flags after arguments and the exit codes, all of it
// a hundred lines here, and a library would bring its dependency tree and
// its own conventions into the one binary operators install.
type command struct {
	name    string // the word after its parent: "send", "list"
	args    string // the positional arguments in the usage line: "FILE", "ID"
	summary string // one line, lower case, no full stop
	about   string // more, printed by --help (optional)
	minArgs int    // positional arguments required
	maxArgs int    // positional arguments allowed; -1 for any number
	// choices complete the positional argument in shell completion, and
	// files says it is a file.
	choices []string
	files   bool
	flags   func(fs *flag.FlagSet)
	run     func(ctx context.Context, inv *invocation) error
	subs    []*command // a group (review, plugin) has subcommands and no run

	parent *command
}

// invocation is a command being run: its positional arguments and outputs.
type invocation struct {
	cmd            *command
	args           []string
	stdout, stderr io.Writer
}

// path is how the command is typed: "lunas review list".
func (c *command) path() string {
	if c.parent == nil {
		return c.name
	}
	return c.parent.path() + " " + c.name
}

// sub returns the subcommand called name, or nil.
func (c *command) sub(name string) *command {
	for _, s := range c.subs {
		if s.name == name {
			return s
		}
	}
	return nil
}

// link sets every subcommand's parent, down the tree.
func (c *command) link() *command {
	for _, s := range c.subs {
		s.parent = c
		s.link()
	}
	return c
}

// flagSet returns the command's flags, quiet: help and errors are printed
// by execute, the way the conventions want them.
func (c *command) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet(c.path(), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if c.flags != nil {
		c.flags(fs)
	}
	return fs
}

// execute runs c with args: --help or -h prints the help to stdout (exit
// 0), a usage error prints the message and the usage to stderr (exit 2).
func (c *command) execute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if c.subs != nil {
		if len(args) == 0 {
			return c.usageError(stderr, "a command is required")
		}
		if isHelp(args[0]) {
			c.printHelp(stdout)
			return nil
		}
		s := c.sub(args[0])
		if s == nil {
			return c.usageError(stderr, "unknown command %q", c.path()+" "+args[0])
		}
		return s.execute(ctx, args[1:], stdout, stderr)
	}
	positional, err := parseInterleaved(c.flagSet(), args)
	if errors.Is(err, flag.ErrHelp) {
		c.printHelp(stdout)
		return nil
	}
	if err != nil {
		// The flag package names flags with one dash; the help shows two.
		return c.usageError(stderr, "%s", flagName.ReplaceAllString(err.Error(), "$1 --$2"))
	}
	if len(positional) < c.minArgs {
		return c.usageError(stderr, "missing %s", c.args)
	}
	if c.maxArgs >= 0 && len(positional) > c.maxArgs {
		return c.usageError(stderr, "unexpected argument %q", positional[c.maxArgs])
	}
	return c.run(ctx, &invocation{cmd: c, args: positional, stdout: stdout, stderr: stderr})
}

// flagName finds where the flag package's errors name a flag.
var flagName = regexp.MustCompile(`^(flag provided but not defined:|flag needs an argument:|invalid value "[^"]*" for flag|invalid boolean value "[^"]*" for) -(\w)`)

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

// parseInterleaved parses flags written before, between or after the
// positional arguments, which it returns in order. After "--" everything
// is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// usageError prints "lunas CMD: message" and the command's usage to
// stderr and returns an error that exits 2 without being printed again.
func (c *command) usageError(stderr io.Writer, format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintf(stderr, "%s: %s\n\n", c.path(), msg)
	c.printUsage(stderr)
	if c.parent == nil {
		c.printCommands(stderr)
	}
	fmt.Fprintf(stderr, "\nRun '%s --help' for more.\n", c.path())
	return &exitError{code: 2, err: errors.New(msg), reported: true}
}

// usageError reports a bad combination of flags or arguments found by the
// command itself, as execute reports the ones the parser finds.
func (inv *invocation) usageError(format string, a ...any) error {
	return inv.cmd.usageError(inv.stderr, format, a...)
}

// exitError carries a specific exit code; reported means the message is
// printed already.
type exitError struct {
	code     int
	err      error
	reported bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCode is 2 for a usage error, 1 for any other failure.
func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}

// usageLine is "lunas send [flags] FILE".
func (c *command) usageLine() string {
	parts := []string{c.path()}
	if c.subs != nil {
		parts = append(parts, "COMMAND")
	}
	if c.flags != nil {
		parts = append(parts, "[flags]")
	}
	if c.args != "" {
		parts = append(parts, c.args)
	}
	return strings.Join(parts, " ")
}
