package woo

import (
	"context"
	"sync"
)

// orderLocks serialises work per order id within this process, so that two
// concurrent ApplyPayment calls for one order cannot both write: the second
// waits, re-reads, and finds the first one's marker. Waiting honours ctx.
// The zero value is ready to use.
type orderLocks struct {
	mu    sync.Mutex
	locks map[string]*orderLock
}

type orderLock struct {
	sem  chan struct{} // holds one token while the order is locked
	refs int           // holders and waiters; the entry is dropped at 0
}

// lock blocks until the order is free or ctx ends, and returns the unlock
// function.
func (l *orderLocks) lock(ctx context.Context, id string) (func(), error) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = make(map[string]*orderLock)
	}
	e := l.locks[id]
	if e == nil {
		e = &orderLock{sem: make(chan struct{}, 1)}
		l.locks[id] = e
	}
	e.refs++
	l.mu.Unlock()

	select {
	case e.sem <- struct{}{}:
		return func() { <-e.sem; l.release(id, e) }, nil
	case <-ctx.Done():
		l.release(id, e)
		return nil, ctx.Err()
	}
}

func (l *orderLocks) release(id string, e *orderLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.refs--
	if e.refs == 0 {
		delete(l.locks, id)
	}
}
