package chaos

import (
	"context"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core/queue"
	"github.com/lunas-dev/lunas/internal/testutil"
)

// deliverAll waits for the load and fails the test unless every mutation
// was accepted in the end.
func deliverAll(t *testing.T, l *load, n int) {
	t.Helper()
	if err := l.wait(); err != nil {
		t.Fatalf("sender: %v (%s)", err, l)
	}
	t.Logf("sender: %s", l)
	if got := l.accepted.Load(); got != int64(n) {
		t.Fatalf("Lunas accepted %d of %d mutations", got, n)
	}
}

// A worker killed with SIGKILL in the middle of the load loses nothing and
// doubles nothing: the tasks it held come back when their lease expires
// (Asynq recovers them within about two minutes) and a new worker applies
// them; payments it had booked but not answered are not booked again.
func TestWorkerKilledMidway(t *testing.T) {
	t.Parallel()
	n := size(300, 5000)
	r := newRig(t, testutil.NewRedis(t), n)
	insp := r.inspector(t)
	faults := map[string]any{"hold_ms": 20} // a booked payment waits 20ms for its answer
	receiver := r.start(t, "receiver", 0, nil)
	first := r.start(t, "worker", 10, faults)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	l := startLoad(ctx, newSender(receiver.PublicURL, receiver.Secret), r.batches(10), 4, nil)
	testutil.Eventually(t, 2*time.Minute, "a third of the payments to be booked", func() bool {
		return r.stats()["writes"] >= int64(n/3)
	})
	first.Kill()
	booked := r.stats()["writes"]
	q, err := insp.GetQueueInfo(queue.StoreQueue(storeName))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("worker killed with %d of %d payments booked, %d tasks in flight", booked, n, q.Active)
	if booked >= int64(n) {
		t.Fatal("the worker had booked every payment before it was killed: the kill proves nothing")
	}
	if q.Active == 0 {
		t.Fatal("no task was in flight when the worker was killed: the kill proves nothing")
	}

	r.start(t, "worker", 10, faults)
	deliverAll(t, l, n)
	r.settle(t, insp, 8*time.Minute)
	r.verify(t)
}

// A plugin that crashes (os.Exit) on about 10% of its calls, half of the
// ApplyPayment crashes after the payment was booked, is restarted by the
// core, and every payment is applied exactly once. A crash fails every call
// in flight; their tasks retry against the restarted plugin.
func TestPluginCrashes(t *testing.T) {
	t.Parallel()
	n := size(300, 2000)
	r := newRig(t, testutil.NewRedis(t), n)
	insp := r.inspector(t)
	lunas := r.start(t, "all", 0, map[string]any{"seed": 7, "crash_share": 0.1})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	deliverAll(t, startLoad(ctx, newSender(lunas.PublicURL, lunas.Secret), r.batches(5), 2, nil), n)
	r.settle(t, insp, 8*time.Minute)
	r.verify(t)
	s := r.stats()
	if s["crashes"] == 0 || s["crashes_after_booking"] == 0 {
		t.Errorf("the plugin crashed %d times before and %d times after booking; want both: the test proves nothing otherwise",
			s["crashes"], s["crashes_after_booking"])
	}
}

// A restart of the queue's Redis (AOF, fsync always) during the load: the
// receiver answers 503 while Redis is down, the sender delivers those
// again, and every accepted mutation is applied exactly once.
func TestQueueRedisRestart(t *testing.T) {
	t.Parallel()
	n := size(300, 3000)
	srv := testutil.StartRedis(t, []string{"--appendonly", "yes", "--appendfsync", "always"})
	r := newRig(t, testutil.Redis{Addr: srv.Addr}, n)
	insp := r.inspector(t)
	lunas := r.start(t, "all", 10, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s := newSender(lunas.PublicURL, lunas.Secret)
	s.pace = 10 * time.Millisecond // spread the load so that the outage falls inside it
	l := startLoad(ctx, s, r.batches(5), 2, nil)
	testutil.Eventually(t, 2*time.Minute, "a third of the mutations to be accepted", func() bool {
		return l.accepted.Load() >= int64(n/3)
	})
	srv.Stop()
	testutil.Eventually(t, time.Minute, "a delivery to be answered 503 while Redis is down", func() bool {
		return l.unavailable.Load() > 0
	})
	time.Sleep(time.Second)
	srv.Start(t)
	deliverAll(t, l, n)
	r.settle(t, insp, 8*time.Minute)
	r.verify(t)
}

// A store that answers 429 and 500 in storms (30% of its calls, with a
// Retry-After; half of the 500s on ApplyPayment after the payment was
// booked): every payment is applied exactly once.
func TestStoreStorms(t *testing.T) {
	t.Parallel()
	n := size(300, 3000)
	r := newRig(t, testutil.NewRedis(t), n)
	insp := r.inspector(t)
	lunas := r.start(t, "all", 10, map[string]any{"seed": 11, "storm_share": 0.3, "storm_length": 10, "retry_after_ms": 100})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	deliverAll(t, startLoad(ctx, newSender(lunas.PublicURL, lunas.Secret), r.batches(10), 4, nil), n)
	r.settle(t, insp, 8*time.Minute)
	r.verify(t)
	s := r.stats()
	if s["throttled"] == 0 || s["server_errors"] == 0 || s["server_errors_after_booking"] == 0 {
		t.Errorf("storms: %d answers 429, %d 500 before and %d 500 after booking; want all three: the test proves nothing otherwise",
			s["throttled"], s["server_errors"], s["server_errors_after_booking"])
	}
}
