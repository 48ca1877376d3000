package ops

import (
	"testing"
	"time"
)

// TestLoginLimiter walks one address through its free tries, the doubling
// waits and a successful login, on a clock the test moves.
func TestLoginLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLoginLimiter()
	l.now = func() time.Time { return now }
	const a, b = "192.0.2.1:1000", "192.0.2.2:1000"
	fail := func(remote string) time.Duration {
		wait, reserved := l.attempt(remote)
		if wait == 0 {
			l.failed(remote, reserved)
		}
		return wait
	}
	for i := range loginFreeTries + 1 {
		if w := fail(a); w != 0 {
			t.Fatalf("failure %d waited %v; want none", i+1, w)
		}
	}
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if w, _ := l.attempt(a); w <= 0 || w > want {
			t.Fatalf("attempt during the wait = %v; want up to %v", w, want)
		}
		now = now.Add(want)
		if w := fail(a); w != 0 {
			t.Fatalf("attempt after %v waited %v", want, w)
		}
	}
	if w, _ := l.attempt(b); w != 0 {
		t.Errorf("another address waited %v", w)
	}
	now = now.Add(time.Hour)
	if w, reserved := l.attempt(a); w != 0 || !reserved {
		t.Fatalf("attempt after the wait = %v, reserved %v; want a reserved try", w, reserved)
	}
	if w, _ := l.attempt(a); w <= 0 {
		t.Errorf("a parallel guess shared the reserved try")
	}
	l.succeeded(a)
	if w, _ := l.attempt(a); w != 0 {
		t.Errorf("after a correct login the address waited %v", w)
	}
	// A long wait reaches the ceiling, not beyond.
	for range 40 {
		now = now.Add(loginMaxWait)
		fail(a)
	}
	if w, _ := l.attempt(a); w > loginMaxWait {
		t.Errorf("wait %v beyond the ceiling %v", w, loginMaxWait)
	}
	k1, _ := clientKey("[2001:db8::1]:1")
	k2, _ := clientKey("[2001:db8::ffff]:2")
	if k1 != k2 {
		t.Errorf("two addresses in one IPv6 /64 are counted apart")
	}
}
