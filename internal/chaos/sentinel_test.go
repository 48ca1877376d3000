package chaos

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/internal/testutil"
)

const masterName = "lunas"

// sentinelCommand returns how to run a Redis Sentinel with a config file:
// redis-sentinel, or redis-server in sentinel mode (the same program).
// Without either the test is skipped, unless CI=true.
func sentinelCommand(t *testing.T, conf string) *exec.Cmd {
	t.Helper()
	if p, err := exec.LookPath("redis-sentinel"); err == nil {
		return exec.Command(p, conf)
	}
	if p, err := exec.LookPath("redis-server"); err == nil {
		return exec.Command(p, conf, "--sentinel")
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("neither redis-sentinel nor redis-server is installed (apt-get install -y redis-server)")
	}
	t.Skip("skipping the Sentinel failover test: neither redis-sentinel nor redis-server is installed (apt-get install -y redis-server)")
	return nil
}

// startSentinel starts a Sentinel watching the master at master and
// returns its address. It is stopped when the test ends.
func startSentinel(t *testing.T, master string) string {
	t.Helper()
	addr := testutil.FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	host, mport, _ := net.SplitHostPort(master)
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	body := fmt.Sprintf(`port %s
bind 127.0.0.1
dir %s
sentinel monitor %s %s %s 2
sentinel down-after-milliseconds %s 2000
sentinel failover-timeout %s 10000
`, port, dir, masterName, host, mport, masterName, masterName)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := sentinelCommand(t, conf)
	log := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sentinel: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("sentinel %s log:\n%s", addr, log.String())
		}
	})
	sc := redis.NewSentinelClient(&redis.Options{Addr: addr})
	defer sc.Close()
	testutil.Eventually(t, 10*time.Second, "sentinel "+addr+" to answer", func() bool {
		return sc.Ping(context.Background()).Err() == nil
	})
	return addr
}

// Sentinel failovers (a master, a replica and three Sentinels) under a
// steady stream of webhooks: Lunas follows each new master, the sender
// delivers again whatever was not answered 200, and no accepted mutation
// is lost or applied twice. The stream goes on until a second after the
// last failover, so that deliveries fall on both sides of each switch.
func TestSentinelFailover(t *testing.T) {
	if os.Getenv("LUNAS_CHAOS_FULL") != "1" {
		t.Skip("runs with LUNAS_CHAOS_FULL=1 (make chaos)")
	}
	t.Parallel()
	failovers := size(1, 2)
	redises := []*testutil.RedisServer{testutil.StartRedis(t, []string{"--appendonly", "yes"})}
	host, port, _ := net.SplitHostPort(redises[0].Addr)
	redises = append(redises, testutil.StartRedis(t, []string{"--appendonly", "yes", "--replicaof", host, port}))
	var sentinels []string
	for range 3 {
		sentinels = append(sentinels, startSentinel(t, redises[0].Addr))
	}
	ctx := context.Background()
	sc := redis.NewSentinelClient(&redis.Options{Addr: sentinels[0]})
	defer sc.Close()
	ready := func() bool { // the Sentinels know a healthy replica and each other
		replicas, err := sc.Replicas(ctx, masterName).Result()
		if err != nil || len(replicas) != 1 || replicas[0]["flags"] != "slave" || replicas[0]["master-link-status"] != "ok" {
			return false
		}
		others, err := sc.Sentinels(ctx, masterName).Result()
		return err == nil && len(others) == len(sentinels)-1
	}
	testutil.Eventually(t, time.Minute, "the Sentinels to know the replica and each other", ready)

	// Up to 800 deliveries a second, for ~5 s plus ~15 s per further
	// failover: the orders are seeded generously and only the paid ones
	// are checked.
	r := newRig(t, testutil.Redis{Addr: redises[0].Addr}, 8000+(failovers-1)*15000)
	r.useQueue(t,
		asynq.RedisFailoverClientOpt{MasterName: masterName, SentinelAddrs: sentinels},
		redis.NewFailoverClient(&redis.FailoverOptions{MasterName: masterName, SentinelAddrs: sentinels}))
	insp := r.inspector(t)
	public, admin := testutil.FreeAddr(t), testutil.FreeAddr(t)
	lunas := serve(t, fmt.Sprintf(`listen = %q
admin {
  listen = %q
}
redis {
  sentinel {
    master_name = %q
    addrs       = ["%s"]
  }
}
webhook "moota" {
  secrets = ["chaos-secret"]
}
%s
%s`, public, admin, masterName, strings.Join(sentinels, `", "`), reviewHCL, r.storeHCL(nil)), public)

	lctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	s := newSender(lunas.PublicURL, "chaos-secret")
	s.pace = 10 * time.Millisecond
	stop := make(chan struct{})
	l := startLoad(lctx, s, r.batches(1), 8, stop)
	for i := range failovers {
		from := redises[i%2].Addr
		before := l.accepted.Load()
		testutil.Eventually(t, time.Minute, "the load to go on", func() bool { return l.accepted.Load() >= before+100 })
		testutil.Eventually(t, time.Minute, "Sentinel to accept SENTINEL FAILOVER", func() bool {
			return ready() && sc.Failover(ctx, masterName).Err() == nil
		})
		testutil.Eventually(t, time.Minute, "Sentinel to name a new master", func() bool {
			addr, err := sc.GetMasterAddrByName(ctx, masterName).Result()
			return err == nil && net.JoinHostPort(addr[0], addr[1]) != from
		})
		t.Logf("failover %d done with %d mutations accepted", i+1, l.accepted.Load())
		if i+1 < failovers {
			testutil.Eventually(t, time.Minute, "the old master to follow the new one", ready)
		}
	}
	time.Sleep(time.Second)
	close(stop)
	fed := int(s.fed.Load())
	if fed >= len(r.orders) {
		t.Fatalf("the load ran out of orders (%d) before the last failover was over", len(r.orders))
	}
	deliverAll(t, l, fed)
	r.orders = r.orders[:fed]
	r.settle(t, insp, 5*time.Minute)
	r.verify(t)
}
