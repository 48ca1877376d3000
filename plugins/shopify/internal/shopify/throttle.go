package shopify

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// queryCost is a reply's extensions.cost.
type queryCost struct {
	RequestedQueryCost float64  `json:"requestedQueryCost"`
	ActualQueryCost    *float64 `json:"actualQueryCost"`
	ThrottleStatus     struct {
		MaximumAvailable   float64 `json:"maximumAvailable"`
		CurrentlyAvailable float64 `json:"currentlyAvailable"`
		RestoreRate        float64 `json:"restoreRate"`
	} `json:"throttleStatus"`
}

// deficitDelay is how long the bucket needs to hold the requested cost:
// (requested - currentlyAvailable) / restoreRate seconds, at least minDelay.
func (c *queryCost) deficitDelay() time.Duration {
	ts := c.ThrottleStatus
	if ts.RestoreRate <= 0 {
		return minDelay
	}
	return max(minDelay, secondsToDuration((c.RequestedQueryCost-ts.CurrentlyAvailable)/ts.RestoreRate))
}

// minDelay is the shortest retry delay suggested after throttling.
const minDelay = time.Second

// secondsToDuration rounds up to the millisecond, the unit the delay
// crosses the plugin boundary in, so a caller that waits it out has waited
// long enough.
func secondsToDuration(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(s*1000)) * time.Millisecond
}

// throttle follows Shopify's leaky bucket from the throttleStatus of every
// reply, so that a request is sent only when the bucket should hold its
// cost. It remembers the requested cost of each operation (the next page of
// a listing costs what the last one did). Safe for concurrent use.
type throttle struct {
	mu        sync.Mutex
	known     bool
	available float64
	maximum   float64
	rate      float64
	at        time.Time
	costs     map[string]float64
}

func newThrottle() *throttle { return &throttle{costs: map[string]float64{}} }

// observe records the bucket state a reply reported.
func (t *throttle) observe(op string, c *queryCost) {
	if c == nil || c.ThrottleStatus.RestoreRate <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.known = true
	t.available = c.ThrottleStatus.CurrentlyAvailable
	t.maximum = c.ThrottleStatus.MaximumAvailable
	t.rate = c.ThrottleStatus.RestoreRate
	t.at = time.Now()
	if c.RequestedQueryCost > 0 {
		t.costs[op] = c.RequestedQueryCost
	}
}

// reserve takes op's cost from the projected bucket and returns 0, or
// returns how long to wait before the bucket holds it.
func (t *throttle) reserve(op string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	cost, ok := t.costs[op]
	if !t.known || !ok || cost > t.maximum {
		return 0 // unknown, or never affordable: let Shopify answer
	}
	now := time.Now()
	projected := min(t.maximum, t.available+t.rate*now.Sub(t.at).Seconds())
	if projected >= cost {
		t.available, t.at = projected-cost, now
		return 0
	}
	return max(time.Millisecond, secondsToDuration((cost-projected)/t.rate))
}

// wait blocks until op's cost is available. When ctx would end first it
// returns at once with a Retryable error carrying the delay, so the core
// retries later instead of holding a worker.
func (t *throttle) wait(ctx context.Context, op string) error {
	for {
		d := t.reserve(op)
		if d == 0 {
			return nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			return sdk.Retryable(fmt.Errorf("shopify: the API cost budget needs %s to refill for %s", d.Round(time.Millisecond), op), d)
		}
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return sdk.Retryable(fmt.Errorf("shopify: waiting for the API cost budget: %w", ctx.Err()), 0)
		case <-timer.C:
		}
	}
}
