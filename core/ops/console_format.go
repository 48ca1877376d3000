package ops

import (
	"strconv"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// rupiah formats an amount the Indonesian way: "Rp 150.123", with a comma
// and two digits only when there are cents ("Rp 149,90" is 149.9 rupiah),
// and a minus sign before the symbol for a negative amount.
func rupiah(a sdk.Amount) string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	whole := strconv.FormatInt(int64(a/100), 10)
	var b strings.Builder
	b.WriteString(sign + "Rp ")
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	if cents := int64(a % 100); cents != 0 {
		b.WriteString("," + strconv.FormatInt(100+cents, 10)[1:])
	}
	return b.String()
}

// consoleTimeLayout shows a time with its zone's abbreviation and offset,
// so no reader has to guess which clock it is on.
const consoleTimeLayout = "2 Jan 2006, 15:04:05 MST (UTC-07:00)"

// wib formats t in Asia/Jakarta (WIB, Moota's zone) with the zone written
// out. The zero time, which means "never" or "not known", is "—".
func wib(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(core.Jakarta).Format(consoleTimeLayout)
}

// machineTime is t for a <time datetime> attribute.
func machineTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(core.Jakarta).Format(time.RFC3339)
}

// ago says roughly how long before now t was: "3 min", "2 h 5 min", "4 days".
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return strconv.Itoa(h) + " h"
		}
		return strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days"
}

// startOfDay is midnight of t's day in Asia/Jakarta: "today" for a
// merchant whose bank statements are on WIB.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.In(core.Jakarta).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, core.Jakarta)
}

// reasonLabels say what each review reason means to an operator.
var reasonLabels = map[core.ReviewReason]string{
	core.ReviewAmbiguous:   "Several orders fit",
	core.ReviewUnmatched:   "No order fits",
	core.ReviewRefused:     "Store refused",
	core.ReviewUnrouted:    "No store for the account",
	core.ReviewFailed:      "Processing failed",
	core.ReviewReversed:    "Credit reversed",
	core.ReviewReplay:      "Replayed credit (already paid an order)",
	core.ReviewConflict:    "Same mutation, other amount or type",
	core.ReviewInvalid:     "Credit of no amount",
	core.ReviewUnverified:  "Not confirmed by Moota",
	core.ReviewUnreachable: "Store unreachable",
}

// reviewReasons is the order the console lists reasons in.
var reviewReasons = core.ReviewReasons

func reasonLabel(r core.ReviewReason) string {
	if l, ok := reasonLabels[r]; ok {
		return l
	}
	return string(r)
}
