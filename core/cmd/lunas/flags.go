package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/core/config"
)

// durationValue is a flag.Value for a duration written as people write it
// ("12d", "30m", "1h30m") and printed the same way.
type durationValue time.Duration

func (d *durationValue) Set(s string) error {
	v, err := config.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = durationValue(v)
	return nil
}

func (d *durationValue) String() string { return config.FormatDuration(time.Duration(*d)) }

// durationFlag defines a duration flag that accepts days (see
// config.ParseDuration). Write the value's name in backquotes in usage, as
// for any flag, or it shows as DURATION.
func durationFlag(fs *flag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var((*durationValue)(p), name, usage)
}

// choiceValue is a flag.Value that takes one of a fixed set of words, so a
// misspelt value is a usage error and shell completion can offer the set.
type choiceValue struct {
	value   *string
	choices []string
}

func (c *choiceValue) Set(s string) error {
	if !slices.Contains(c.choices, s) {
		return fmt.Errorf("%q is not one of %s", s, strings.Join(c.choices, ", "))
	}
	*c.value = s
	return nil
}

func (c *choiceValue) String() string {
	if c == nil || c.value == nil {
		return ""
	}
	return *c.value
}

// choiceFlag defines a flag whose value is one of choices (value, the
// default, may be "" for none).
func choiceFlag(fs *flag.FlagSet, p *string, name, value string, choices []string, usage string) {
	*p = value
	fs.Var(&choiceValue{value: p, choices: choices}, name, usage)
}

// logLevels are the levels hclog knows.
var logLevels = []string{"trace", "debug", "info", "warn", "error"}
