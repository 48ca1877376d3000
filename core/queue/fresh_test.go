package queue

import (
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
)

// Only a mutation Moota recorded within the last TaskRetention (less the
// clock margin) skips the Seen lookup; a missing, old or future created_at
// does not.
func TestFresh(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		created time.Time
		want    bool
	}{
		{time.Time{}, false},
		{now.Add(-2 * time.Second), true},
		{now.Add(-TaskRetention + freshMargin + time.Minute), true},
		{now.Add(-TaskRetention + freshMargin), false},
		{now.Add(-3 * 24 * time.Hour), false},
		{now.Add(freshMargin), true},
		{now.Add(freshMargin + time.Second), false},
	} {
		m := &core.Mutation{CreatedAt: c.created}
		if got := fresh(m, now); got != c.want {
			t.Errorf("fresh(created %s) = %v, want %v", c.created, got, c.want)
		}
	}
}
