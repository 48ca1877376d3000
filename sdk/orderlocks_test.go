package sdk

import (
	"context"
	"errors"
	"testing"
)

func TestOrderLocksSerialiseOneOrderAndHonourContext(t *testing.T) {
	var l OrderLocks
	unlock, err := l.Lock(context.Background(), "42")
	if err != nil {
		t.Fatal(err)
	}
	other, err := l.Lock(context.Background(), "43")
	if err != nil {
		t.Fatalf("a lock on another order waits: %v", err)
	}
	other()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Lock(ctx, "42"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a second lock on a held order with an ended context: %v, want context.Canceled", err)
	}
	acquired := make(chan func())
	go func() {
		u, err := l.Lock(context.Background(), "42")
		if err != nil {
			t.Error(err)
			close(acquired)
			return
		}
		acquired <- u
	}()
	select {
	case <-acquired:
		t.Fatal("a second lock on a held order did not wait")
	default:
	}
	unlock()
	if u := <-acquired; u != nil {
		u()
	}
	if n := l.held(); n != 0 {
		t.Errorf("%d lock entries left after every lock was released", n)
	}
}

// held returns how many orders have holders or waiters.
func (l *OrderLocks) held() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.locks)
}
