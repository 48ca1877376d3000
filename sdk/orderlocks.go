package sdk

import (
	"context"
	"sync"
)

// OrderLocks serialises work on one order inside a plugin process, so that
// two concurrent calls for the same order (ApplyPayment twice, or
// ApplyPayment and ReversePayment) cannot both read it as unpaid and both
// write: the second waits, then re-reads and finds the first one's marker.
// It does not reach across processes; a store that runs several plugin
// processes needs its own check as well (a row lock, a conditional write).
// The zero value is ready to use; an OrderLocks must not be copied after
// first use. It is safe for concurrent use.
type OrderLocks struct {
	mu    sync.Mutex
	locks map[string]*orderLock
}

type orderLock struct {
	sem  chan struct{} // holds one token while the order is locked
	refs int           // holders and waiters; the entry is dropped at 0
}

// Lock blocks until the order with this id is free or ctx ends. It returns
// the function that unlocks it, to be called exactly once, or ctx's error
// (unwrapped, so errors.Is(err, context.DeadlineExceeded) works).
func (l *OrderLocks) Lock(ctx context.Context, id string) (unlock func(), err error) {
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

func (l *OrderLocks) release(id string, e *orderLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.refs--; e.refs == 0 {
		delete(l.locks, id)
	}
}
