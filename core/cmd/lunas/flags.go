package main

import (
	"flag"
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
