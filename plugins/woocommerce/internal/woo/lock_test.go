package woo

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestOrderLocksSerialiseOneOrderAndHonourContext(t *testing.T) {
	var l orderLocks
	unlock, err := l.lock(context.Background(), "42")
	if err != nil {
		t.Fatal(err)
	}
	// Another order is independent.
	other, err := l.lock(context.Background(), "43")
	if err != nil {
		t.Fatalf("lock on another order: %v", err)
	}
	other()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.lock(ctx, "42"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock on a held order: %v, want the context's error", err)
	}
	acquired := make(chan func())
	go func() {
		u, err := l.lock(context.Background(), "42")
		if err == nil {
			acquired <- u
		}
	}()
	unlock()
	(<-acquired)()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.locks) != 0 {
		t.Errorf("%d lock entries left after all unlocked", len(l.locks))
	}
}
