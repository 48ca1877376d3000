package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// day is a calendar day as durations count it: 24 hours.
const day = 24 * time.Hour

// ParseDuration reads a duration as people write it: Go's units (ns, us,
// ms, s, m, h) and a leading number of days, d, of 24 hours each: "12d",
// "1d12h", "90m", "1h30m". A day count takes no sign; "-1h" parses as Go
// reads it, and validation then says why a negative time makes no sense.
func ParseDuration(s string) (time.Duration, error) {
	days, rest, hasDays := strings.Cut(s, "d")
	if !hasDays {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, durationError(s)
		}
		return d, nil
	}
	n, err := strconv.ParseUint(days, 10, 64)
	if err != nil || n > math.MaxInt64/uint64(day) {
		return 0, durationError(s)
	}
	d := time.Duration(n) * day
	if rest == "" {
		return d, nil
	}
	r, err := time.ParseDuration(rest)
	if err != nil || r < 0 || r > math.MaxInt64-d || rest[0] == '+' {
		return 0, durationError(s)
	}
	return d + r, nil
}

func durationError(s string) error {
	return errors.New(quote(s) + ` is not a duration (write it like "30s", "15m", "2h" or "7d")`)
}

// FormatDuration writes d the way ParseDuration reads it and people write
// it: whole days as d, then hours, minutes and seconds, leaving out the
// units that are zero: "12d", "30m", "1h30m", "1d12h", "1.5s".
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	if d < 0 {
		if d == math.MinInt64 {
			return d.String()
		}
		return "-" + FormatDuration(-d)
	}
	var b strings.Builder
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}} {
		if n := d / u.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.name)
			d -= n * u.unit
		}
	}
	if d > 0 {
		b.WriteString(d.String()) // under a minute: "30s", "1.5s", "250ms"
	}
	return b.String()
}
