package shopify

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/lunas-dev/lunas/sdk"
)

func TestOrderLockSerialisesAndHonoursContext(t *testing.T) {
	var locks orderLocks
	unlock, err := locks.lock(context.Background(), "gid://shopify/Order/1")
	if err != nil {
		t.Fatal(err)
	}
	// Another order is independent.
	other, err := locks.lock(context.Background(), "gid://shopify/Order/2")
	if err != nil {
		t.Fatal(err)
	}
	other()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := locks.lock(ctx, "gid://shopify/Order/1"); !errors.Is(err, context.Canceled) || sdk.IsPermanent(err) {
		t.Fatalf("lock on a held order with a canceled ctx: %v, want a retryable context.Canceled", err)
	}

	acquired := make(chan func())
	go func() {
		u, _ := locks.lock(context.Background(), "gid://shopify/Order/1")
		acquired <- u
	}()
	for waiting := false; !waiting; runtime.Gosched() {
		locks.mu.Lock()
		waiting = locks.m["gid://shopify/Order/1"].refs == 2
		locks.mu.Unlock()
	}
	select {
	case <-acquired:
		t.Fatal("a second caller got the lock while it was held")
	default:
	}
	unlock()
	(<-acquired)()
	if n := len(locks.m); n != 0 {
		t.Fatalf("%d locks left after every holder released", n)
	}
}
