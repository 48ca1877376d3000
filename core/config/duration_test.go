package config

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"12d": 12 * day, "1d12h": 36 * time.Hour, "0d": 0, "30m": 30 * time.Minute,
		"1h30m": 90 * time.Minute, "168h": 7 * day, "1.5s": 1500 * time.Millisecond, "2d30s": 2*day + 30*time.Second, "-1h": -time.Hour,
	} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "7 days", "-1d", "1.5d", "1d-1h", "1d+1h", "1dd", "d1h", "7", "106752d", "1d2d"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 12 * day: "12d", 30 * time.Minute: "30m", 90 * time.Minute: "1h30m", 36 * time.Hour: "1d12h",
		10 * time.Second: "10s", 1500 * time.Millisecond: "1.5s", 7*day + time.Second: "7d1s", -time.Hour: "-1h",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
		if d >= 0 {
			if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
				t.Errorf("ParseDuration(FormatDuration(%v)) = %v, %v", d, back, err)
			}
		}
	}
}
