package fakeshopify

import (
	"math"
	"time"
)

// bucket is Shopify's leaky bucket of cost points: a request takes its
// requested cost up front, the unused part is refunded, and points flow
// back at rate per second up to max.
type bucket struct {
	max, rate, level float64
	at               time.Time
}

func (b *bucket) available(now time.Time) float64 {
	b.level = math.Min(b.max, b.level+b.rate*now.Sub(b.at).Seconds())
	b.at = now
	return b.level
}

func (b *bucket) take(points float64)   { b.level -= points }
func (b *bucket) refund(points float64) { b.level = math.Min(b.max, b.level+points) }
