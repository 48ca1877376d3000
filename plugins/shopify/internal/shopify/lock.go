package shopify

import (
	"context"
	"fmt"
	"sync"

	"github.com/lunas-dev/lunas/sdk"
)

// orderLocks serialises work on one order inside this process, so that two
// concurrent ApplyPayment calls for the same order cannot both decide it is
// unpaid. Shopify itself refuses a second orderMarkAsPaid, which covers
// several plugin processes. Waiting honours the caller's ctx.
type orderLocks struct {
	mu sync.Mutex
	m  map[string]*orderLock
}

type orderLock struct {
	ch   chan struct{} // holds a token while locked
	refs int
}

// lock acquires the lock for id and returns its release function.
func (l *orderLocks) lock(ctx context.Context, id string) (func(), error) {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*orderLock{}
	}
	k := l.m[id]
	if k == nil {
		k = &orderLock{ch: make(chan struct{}, 1)}
		l.m[id] = k
	}
	k.refs++
	l.mu.Unlock()

	select {
	case k.ch <- struct{}{}:
		return func() { <-k.ch; l.release(id, k) }, nil
	case <-ctx.Done():
		l.release(id, k)
		return nil, sdk.Retryable(fmt.Errorf("shopify: waiting for another payment on order %s: %w", id, ctx.Err()), 0)
	}
}

func (l *orderLocks) release(id string, k *orderLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if k.refs--; k.refs == 0 {
		delete(l.m, id)
	}
}
