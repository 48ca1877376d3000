package queue_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/queue"
	lredis "github.com/lunas-dev/lunas/core/redis"
	"github.com/lunas-dev/lunas/internal/testutil"
)

// dialer opens single-connection clients to addr, as lunas does.
func dialer(addr string) queue.Dialer {
	return func(onConnect func(context.Context, *redis.Conn) error) redis.UniversalClient {
		return redis.NewClient(&redis.Options{Addr: addr, PoolSize: 1, PipelinePoolSize: -1, OnConnect: onConnect})
	}
}

func mutation(t *testing.T, id string) *core.Mutation {
	t.Helper()
	m, err := core.ParseMutation([]byte(`{"mutation_id":"` + id + `","bank_id":"bank-1","amount":150123,"type":"CR"}`))
	if err != nil {
		t.Fatal(err)
	}
	return &m
}

// startReplica starts a replica of master and waits until it is in sync.
func startReplica(t *testing.T, master string) *redis.Client {
	t.Helper()
	host, port, _ := net.SplitHostPort(master)
	srv := testutil.StartRedis(t, []string{"--replicaof", host, port})
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { rdb.Close() })
	mrdb := redis.NewClient(&redis.Options{Addr: master})
	t.Cleanup(func() { mrdb.Close() })
	testutil.Eventually(t, 30*time.Second, "the replica to be in sync, as both sides see it", func() bool {
		info, err := rdb.Info(context.Background(), "replication").Result()
		minfo, merr := mrdb.Info(context.Background(), "replication").Result()
		return err == nil && merr == nil && strings.Contains(info, "master_link_status:up") && strings.Contains(minfo, "state=online")
	})
	return rdb
}

// A producer that waits for one replica answers an error, never "stored",
// while no replica acknowledges the mutation; once one does, the delivery
// Moota retries is confirmed (a duplicate, as the master had it) and the
// task is on the replica.
func TestAckedProducerWaitsForAReplica(t *testing.T) {
	ctx := context.Background()
	master := testutil.StartRedis(t, []string{"--repl-diskless-sync-delay", "0"})
	producer := func(timeout time.Duration) *queue.Producer {
		p := queue.NewAckedProducer(dialer(master.Addr), 2, lredis.ReplicaAck{Replicas: 1, Timeout: timeout}, queue.ProducerConfig{})
		t.Cleanup(func() {
			if err := p.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return p
	}

	m := mutation(t, "m-unreplicated")
	if dup, err := producer(100*time.Millisecond).EnqueueMutation(ctx, "moota", m); !errors.Is(err, lredis.ErrNotReplicated) {
		t.Fatalf("EnqueueMutation with no replica = %v, %v; want ErrNotReplicated", dup, err)
	}

	replica := startReplica(t, master.Addr)
	p := producer(10 * time.Second) // a loaded test machine can be slow to acknowledge
	dup, err := p.EnqueueMutation(ctx, "moota", m)
	if err != nil || !dup {
		t.Fatalf("retried EnqueueMutation with a replica = %v, %v; want a confirmed duplicate", dup, err)
	}
	taskKey := "asynq:{" + queue.UnroutedQueue + "}:t:" + m.TaskID()
	if n, err := replica.Exists(ctx, taskKey).Result(); err != nil || n != 1 {
		t.Fatalf("replica holds %s: %d, %v; want it", taskKey, n, err)
	}

	fresh := mutation(t, "m-replicated")
	if dup, err := p.EnqueueMutation(ctx, "moota", fresh); err != nil || dup {
		t.Fatalf("EnqueueMutation with a replica = %v, %v; want stored", dup, err)
	}
	// WAIT returned, so the replica has it now, not eventually.
	if n, err := replica.Exists(ctx, "asynq:{"+queue.UnroutedQueue+"}:t:"+fresh.TaskID()).Result(); err != nil || n != 1 {
		t.Fatalf("replica holds the new task: %d, %v; want it at once", n, err)
	}
}

// A connection replaced between the enqueue and the WAIT (here: killed by
// the server) may lead elsewhere after a failover, so its WAIT proves
// nothing: the delivery is refused, and confirmed when Moota retries.
func TestAckedProducerRefusesASwitchedConnection(t *testing.T) {
	ctx := context.Background()
	master := testutil.StartRedis(t, []string{"--repl-diskless-sync-delay", "0"})
	startReplica(t, master.Addr)
	admin := redis.NewClient(&redis.Options{Addr: master.Addr})
	t.Cleanup(func() { admin.Close() })

	// One lane, whose connection is killed right after the first enqueue.
	kill := &killAfterScript{admin: admin}
	dial := func(onConnect func(context.Context, *redis.Conn) error) redis.UniversalClient {
		lane := redis.NewClient(&redis.Options{Addr: master.Addr, PoolSize: 1, PipelinePoolSize: -1, OnConnect: onConnect})
		lane.AddHook(kill)
		return lane
	}
	p := queue.NewAckedProducer(dial, 1, lredis.ReplicaAck{Replicas: 1, Timeout: time.Second}, queue.ProducerConfig{})
	t.Cleanup(func() { p.Close() })

	m := mutation(t, "m-switched")
	if _, err := p.EnqueueMutation(ctx, "moota", m); err == nil {
		t.Fatal("EnqueueMutation confirmed a write on a connection that was replaced before its WAIT")
	}
	if !kill.fired.Load() {
		t.Fatal("the connection was never killed: the test proves nothing")
	}
	if dup, err := p.EnqueueMutation(ctx, "moota", m); err != nil || !dup {
		t.Fatalf("retried EnqueueMutation = %v, %v; want a confirmed duplicate", dup, err)
	}
}

// killAfterScript kills every normal client connection but admin's once,
// right after the first EVALSHA or EVAL (Asynq's enqueue script) succeeded.
type killAfterScript struct {
	admin *redis.Client
	fired atomic.Bool
}

func (k *killAfterScript) DialHook(next redis.DialHook) redis.DialHook { return next }

func (k *killAfterScript) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (k *killAfterScript) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		name := strings.ToLower(cmd.Name())
		if err == nil && (name == "evalsha" || name == "eval") && k.fired.CompareAndSwap(false, true) {
			if kerr := k.admin.Do(ctx, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes").Err(); kerr != nil {
				return kerr
			}
		}
		return err
	}
}

// With every lane busy an enqueue waits for one, but not forever: the
// receiver gives a single mutation no deadline of its own.
func TestAckedProducerWaitsForALaneOnlySoLong(t *testing.T) {
	defer queue.SetLaneWait(100 * time.Millisecond)()
	master := testutil.StartRedis(t, nil)
	// One lane, held by an enqueue that waits 2 s for a replica there is not.
	p := queue.NewAckedProducer(dialer(master.Addr), 1, lredis.ReplicaAck{Replicas: 1, Timeout: 2 * time.Second}, queue.ProducerConfig{})
	t.Cleanup(func() { p.Close() })
	held := make(chan error, 1)
	go func() {
		_, err := p.EnqueueMutation(context.Background(), "moota", mutation(t, "m-holding"))
		held <- err
	}()
	rdb := redis.NewClient(&redis.Options{Addr: master.Addr})
	t.Cleanup(func() { rdb.Close() })
	testutil.Eventually(t, 10*time.Second, "the first enqueue to hold the lane", func() bool {
		n, _ := rdb.Exists(context.Background(), "asynq:{"+queue.UnroutedQueue+"}:t:moota:bank-1:m-holding").Result()
		return n == 1
	})
	_, err := p.EnqueueMutation(context.Background(), "moota", mutation(t, "m-waiting"))
	if err == nil || !strings.Contains(err.Error(), "no lane") {
		t.Fatalf("EnqueueMutation with every lane busy = %v, want it to give up waiting", err)
	}
	if err := <-held; !errors.Is(err, lredis.ErrNotReplicated) {
		t.Fatalf("the holding enqueue: %v", err)
	}
}
