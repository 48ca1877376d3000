package sdk

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"":      0,
		"2":     2 * time.Second,
		" 7 ":   7 * time.Second,
		"1.5":   1500 * time.Millisecond,
		"0":     0,
		"-3":    0,
		"NaN":   0,
		"soon":  0,
		"86400": MaxRetryAfter,
		now.Add(30 * time.Second).Format(http.TimeFormat): 30 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
		now.Add(48 * time.Hour).Format(http.TimeFormat):   MaxRetryAfter,
	}
	for in, want := range tests {
		if got := RetryAfter(in, now); got != want {
			t.Errorf("RetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}
