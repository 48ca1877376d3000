package sdk

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter caps a server's Retry-After, so that a bogus value cannot
// park a payment for days.
const MaxRetryAfter = time.Hour

// RetryAfter reads a Retry-After header value, in seconds ("2", "1.5") or as
// an HTTP date, as the delay to pass to Retryable. A missing, unreadable or
// past value is 0 (the core's own backoff); a longer one than MaxRetryAfter
// is cut to it.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if math.IsNaN(secs) || secs <= 0 {
			return 0
		}
		if secs >= MaxRetryAfter.Seconds() {
			return MaxRetryAfter
		}
		d = time.Duration(secs * float64(time.Second)).Round(time.Millisecond)
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now).Round(time.Second)
	}
	return max(0, min(d, MaxRetryAfter))
}
