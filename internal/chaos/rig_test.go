package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/core/queue"
	lredis "github.com/lunas-dev/lunas/core/redis"
	"github.com/lunas-dev/lunas/internal/chaos/ledger"
	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
)

// Names every rig shares: the store, the Moota bank account it owns, and so
// the Asynq queue its tasks wait in.
const (
	storeName = "chaos"
	bankID    = "chaosbank"
)

// size is n, or full when LUNAS_CHAOS_FULL=1 (make chaos).
func size(n, full int) int {
	if os.Getenv("LUNAS_CHAOS_FULL") == "1" {
		return full
	}
	return n
}

var plugin struct {
	sync.Mutex
	path string
}

// TestMain removes the ledger plugin built for the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if plugin.path != "" {
		os.RemoveAll(filepath.Dir(plugin.path))
	}
	os.Exit(code)
}

// ledgerPlugin builds internal/chaos/ledgerplugin once per test run.
func ledgerPlugin(t *testing.T) string {
	t.Helper()
	plugin.Lock()
	defer plugin.Unlock()
	if plugin.path != "" {
		return plugin.path
	}
	dir, err := os.MkdirTemp("", "lunas-chaos-")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "lunas-plugin-ledger")
	cmd := exec.Command("go", "build", "-o", out, "./internal/chaos/ledgerplugin")
	cmd.Dir = testutil.RepoRoot()
	if b, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("go build ledgerplugin: %v\n%s", err, b)
	}
	plugin.path = out
	return out
}

// rig is one chaos run: N open orders in a ledger, the queue's Redis, and
// the mutations that pay the orders one to one.
type rig struct {
	queue  testutil.Redis        // the queue's Redis, as StartLunas takes it
	qopt   asynq.RedisConnOpt    // the same, for an Asynq inspector
	qrdb   redis.UniversalClient // the same, for reading review items
	ledger testutil.Redis
	led    *ledger.Ledger
	ns     string
	orders []ledger.Order
	plugin string
}

// newRig seeds n orders, each due a different amount, in a ledger on a
// Redis database that is not queue's.
func newRig(t *testing.T, queue testutil.Redis, n int) *rig {
	t.Helper()
	r := &rig{queue: queue, ledger: testutil.NewRedis(t), ns: "chaos:" + t.Name(), plugin: ledgerPlugin(t)}
	if r.ledger == queue {
		t.Fatal("the ledger must not share the queue's Redis database")
	}
	rdb := redis.NewClient(r.ledger.Options())
	t.Cleanup(func() { rdb.Close() })
	r.led = ledger.New(rdb, r.ns)
	r.useQueue(t, asynq.RedisClientOpt{Addr: queue.Addr, DB: queue.DB}, redis.NewClient(queue.Options()))
	created := time.Now().Add(-time.Hour)
	for i := 1; i <= n; i++ {
		r.orders = append(r.orders, ledger.Order{ID: fmt.Sprintf("o%05d", i), Number: fmt.Sprintf("INV-%d", i),
			Amount: amountOf(i), CreatedAt: created})
	}
	if err := r.led.Seed(context.Background(), r.orders); err != nil {
		t.Fatal(err)
	}
	return r
}

// useQueue names the queue's Redis for the rig's own reads; rdb is closed
// when the test ends.
func (r *rig) useQueue(t *testing.T, opt asynq.RedisConnOpt, rdb redis.UniversalClient) {
	t.Cleanup(func() { rdb.Close() })
	r.qopt, r.qrdb = opt, rdb
}

func amountOf(i int) sdk.Amount   { return sdk.Rupiah(int64(100000 + i)) }
func mutationID(i int) string     { return fmt.Sprintf("m%05d", i) }
func idempotencyKey(i int) string { return "moota:" + bankID + ":" + mutationID(i) }

// storeHCL is the store block running the ledger plugin with faults (HCL
// attribute -> value) switched on.
func (r *rig) storeHCL(faults map[string]any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "store %q {\n  path     = %q\n  bank_ids = [%q]\n  timeout  = \"10s\"\n  settings = {\n", storeName, r.plugin, bankID)
	fmt.Fprintf(&b, "    redis_addr = %q\n    redis_db   = %d\n    namespace  = %q\n", r.ledger.Addr, r.ledger.DB, r.ns)
	keys := make([]string, 0, len(faults))
	for k := range faults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s = %v\n", k, faults[k])
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// reviewHCL sends an unmatched payment to review at once: every order of
// a chaos run exists before its payment, so "unmatched" can only mean a
// payment the store already booked, and verify should see it now rather
// than after the default rechecks (minutes to hours).
const reviewHCL = "review {\n  recheck = []\n}\n"

// start runs `lunas serve --role role` on the rig's queue with the ledger
// store; concurrency 0 keeps the default.
func (r *rig) start(t *testing.T, role string, concurrency int, faults map[string]any) *testutil.Lunas {
	t.Helper()
	o := testutil.LunasOptions{Redis: r.queue, Role: role, Stores: r.storeHCL(faults), Extra: reviewHCL}
	if concurrency > 0 {
		o.Extra += fmt.Sprintf("worker {\n  concurrency = %d\n}\n", concurrency)
	}
	return testutil.StartLunas(t, o)
}

// batches returns the webhook bodies that pay every order, per mutations
// to a delivery, as Moota would sign and send them.
func (r *rig) batches(per int) [][]byte {
	var out [][]byte
	for start := 1; start <= len(r.orders); start += per {
		var muts []map[string]any
		for i := start; i < start+per && i <= len(r.orders); i++ {
			muts = append(muts, map[string]any{
				"mutation_id": mutationID(i), "bank_id": bankID, "account_number": "1234567890", "type": "CR",
				"amount": int64(100000 + i), "description": "TRSF E-BANKING CR " + r.orders[i-1].Number,
				"date": time.Now().In(time.FixedZone("WIB", 7*3600)).Format(time.DateTime), "bank": map[string]any{"bank_type": "bca"},
			})
		}
		b, _ := json.Marshal(muts)
		out = append(out, b)
	}
	return out
}

// inspector is an Asynq inspector on the rig's queue.
func (r *rig) inspector(t *testing.T) *asynq.Inspector {
	t.Helper()
	insp := asynq.NewInspector(r.qopt)
	t.Cleanup(func() { insp.Close() })
	return insp
}

// stats reads the ledger's counters (a zero map when Redis does not answer).
func (r *rig) stats() map[string]int64 {
	s, err := r.led.Stats(context.Background())
	if err != nil {
		return map[string]int64{}
	}
	return s
}

// settle waits until every order has been paid and nothing is left in the
// store's queue (no task pending, running, scheduled or waiting to retry),
// so that a late second payment would be in the ledger by the time it is
// read. On timeout it fails the test but returns, so verify can say which
// payments are missing.
func (r *rig) settle(t *testing.T, insp *asynq.Inspector, timeout time.Duration) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(timeout)
	for r.stats()["writes"] < int64(len(r.orders)) {
		if time.Now().After(deadline) {
			t.Errorf("timed out after %s waiting for every order to be paid", timeout)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	for {
		q, err := insp.GetQueueInfo(queue.StoreQueue(storeName))
		if err == nil && q.Pending+q.Active+q.Scheduled+q.Retry == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("timed out after %s waiting for the store's queue to drain: %+v (%v)%s", timeout, q, err, stuck(insp))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("settled %s after the load", time.Since(start).Round(time.Second))
}

// stuck describes a few of the tasks left in the store's queue.
func stuck(insp *asynq.Inspector) string {
	var b strings.Builder
	qname := queue.StoreQueue(storeName)
	for _, list := range []func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error){
		insp.ListActiveTasks, insp.ListPendingTasks, insp.ListScheduledTasks, insp.ListRetryTasks,
	} {
		tasks, _ := list(qname, asynq.PageSize(3))
		for _, ti := range tasks {
			fmt.Fprintf(&b, "\n  %s %s retried %d, next %s, last error %q", ti.State, ti.ID, ti.Retried,
				ti.NextProcessAt.Format(time.RFC3339), ti.LastErr)
		}
	}
	return b.String()
}

// verify reads the ledger and fails the test unless every order was paid
// exactly once, by its own mutation's idempotency key, and no paid
// mutation was also handed to a person for review (who might pay it again
// by hand).
func (r *rig) verify(t *testing.T) {
	t.Helper()
	ids := make([]string, len(r.orders))
	for i, o := range r.orders {
		ids[i] = o.ID
	}
	entries, err := r.led.Entries(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	var once, twice, missing, wrong int
	var bad []string
	for i, id := range ids {
		keys := entries[id]
		switch {
		case len(keys) == 0:
			missing++
		case len(keys) > 1:
			twice++
		case keys[0] != idempotencyKey(i+1):
			wrong++
		default:
			once++
			continue
		}
		if len(bad) < 5 {
			bad = append(bad, fmt.Sprintf("order %s: %q", id, keys))
		}
	}
	t.Logf("ledger: %d orders, %d paid once, %d twice, %d missing, %d by another mutation", len(ids), once, twice, missing, wrong)
	t.Logf("store calls: %s", formatStats(r.stats()))
	if once != len(ids) {
		t.Errorf("not every payment was applied exactly once by its own mutation, e.g. %s", strings.Join(bad, "; "))
	}
	items, err := lredis.NewReviewStore(r.qrdb).ListReview(context.Background(), core.ReviewFilter{Limit: 1000})
	if err != nil {
		t.Fatalf("read review items: %v", err)
	}
	var review []string
	for _, item := range items {
		review = append(review, fmt.Sprintf("%s (%s)", item.MutationID, item.Reason))
	}
	if len(review) > 0 {
		t.Errorf("%d paid mutations were also recorded for review, e.g. %s", len(review), strings.Join(review[:min(5, len(review))], ", "))
	}
}

func formatStats(s map[string]int64) string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, s[k])
	}
	return strings.Join(parts, " ")
}
