package webhook

import (
	"net/netip"
	"sync"
)

// DefaultBytesInFlight is the body budget when none is given: 64 MiB, so
// that unauthenticated senders cannot make Lunas hold more than that in
// request bodies however many connections they open.
const DefaultBytesInFlight = 64 << 20

// sourceShare is the part of a budget one source address may hold (a
// quarter), so that one sender flooding the endpoint leaves room for
// Moota's deliveries from elsewhere.
const sourceShare = 4

// Budget bounds the webhook body bytes held in memory at once, across every
// receiver that shares it. A request that would exceed it is answered 503
// with Retry-After (Moota delivers again later) before its body is read.
// One source address (an IPv6 client by its /64) may hold at most a
// quarter of the budget. It is safe for concurrent use.
type Budget struct {
	limit, perSource int64

	mu     sync.Mutex
	used   int64
	source map[netip.Prefix]int64
}

// NewBudget returns a budget of limit bytes; limit <= 0 means
// DefaultBytesInFlight.
func NewBudget(limit int64) *Budget {
	if limit <= 0 {
		limit = DefaultBytesInFlight
	}
	return &Budget{limit: limit, perSource: max(limit/sourceShare, 1), source: map[netip.Prefix]int64{}}
}

// take reserves n bytes for a request from ip, or reports false when the
// budget or the source's share of it has no room.
func (b *Budget) take(ip netip.Addr, n int64) bool {
	key := sourceKey(ip)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.limit || b.source[key]+n > b.perSource {
		return false
	}
	b.used += n
	b.source[key] += n
	return true
}

// give returns n bytes reserved for ip.
func (b *Budget) give(ip netip.Addr, n int64) {
	if n == 0 {
		return
	}
	key := sourceKey(ip)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if left := b.source[key] - n; left > 0 {
		b.source[key] = left
	} else {
		delete(b.source, key)
	}
}

func sourceKey(ip netip.Addr) netip.Prefix {
	ip = ip.Unmap().WithZone("")
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}
