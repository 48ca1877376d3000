package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// printHelp writes what --help shows: the summary, the usage, the
// description, then the subcommands or the flags.
func (c *command) printHelp(w io.Writer) {
	fmt.Fprintf(w, "%s: %s\n\n", c.path(), c.summary)
	c.printUsage(w)
	if c.about != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.about))
	}
	if c.subs != nil {
		c.printCommands(w)
		fmt.Fprintf(w, "\nRun '%s COMMAND --help' for a command's flags.\n", c.path())
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	printColumns(w, append(flagRows(c.flagSet()), [2]string{"-h, --help", "print this help"}))
}

// printUsage writes the usage line, or one per subcommand of a group.
func (c *command) printUsage(w io.Writer) {
	if c.subs == nil {
		fmt.Fprintf(w, "Usage:\n  %s\n", c.usageLine())
		return
	}
	fmt.Fprintln(w, "Usage:")
	if c.parent == nil {
		fmt.Fprintf(w, "  %s COMMAND [flags] [ARGUMENTS]\n", c.name)
		return
	}
	for _, s := range c.subs {
		fmt.Fprintf(w, "  %s\n", s.usageLine())
	}
}

// printCommands lists a group's commands with their summaries.
func (c *command) printCommands(w io.Writer) {
	fmt.Fprintln(w, "\nCommands:")
	rows := make([][2]string, 0, len(c.subs))
	for _, s := range c.subs {
		rows = append(rows, [2]string{strings.TrimSpace(s.name + " " + s.args), s.summary})
	}
	printColumns(w, rows)
}

// flagRows describes each flag as "--name VALUE" and its usage, with the
// default once, when there is one worth saying.
func flagRows(fs *flag.FlagSet) [][2]string {
	var rows [][2]string
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		if _, ok := f.Value.(*durationValue); ok && value == "value" {
			value = "duration"
		}
		left := "--" + f.Name
		if value != "" {
			left += " " + strings.ToUpper(value)
		}
		switch f.DefValue {
		case "", "0", "0s", "false":
		default:
			usage += " (default " + f.DefValue + ")"
		}
		rows = append(rows, [2]string{left, usage})
	})
	return rows
}

// printColumns writes two columns, the second aligned.
func printColumns(w io.Writer, rows [][2]string) {
	width := 0
	for _, r := range rows {
		width = max(width, len(r[0]))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r[0], r[1])
	}
}
