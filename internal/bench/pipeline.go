package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/internal/proc"
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
	"github.com/lunas-dev/lunas/sdk"
)

const pipelineDB = 4

// pipelineResult is what one end-to-end run measured.
type pipelineResult struct {
	toPaid          []time.Duration
	lunasRSS        int64   // peak KiB
	pluginRSS       int64   // peak KiB
	redisPerMut     float64 // used_memory growth less the demo store's
	overheadPerMut  float64 // what MEMORY USAGE of the lasting keys does not show
	kinds           []keyKind
	idleRedisCPU    float64 // share of a core Redis spends on an idle lunas serve
	sent, paid      int
	lunasPID, plPID int
}

// runPipeline starts `lunas serve` (receiver and worker) with the demo
// plugin, pays n seeded orders at rate/s, and measures webhook sent → order
// paid (the plugin stamps paid_at), peak RSS of lunas and the plugin, and
// Redis memory per retained mutation.
func runPipeline(ctx context.Context, bin, redisAddr string, n, rate int) (*pipelineResult, error) {
	if err := flushRedis(ctx, redisAddr, pipelineDB); err != nil {
		return nil, err
	}
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr, DB: pipelineDB})
	defer rdb.Close()
	const ns = "bench:pipeline"
	for i := range n {
		o := demostore.Order{ID: strconv.Itoa(100000 + i), Number: strconv.Itoa(100000 + i), Status: "on-hold",
			Amount: sdk.Rupiah(int64(200000 + i)), Currency: "IDR", CreatedAt: time.Now().UTC()}
		if err := demostore.Put(ctx, rdb, ns, o); err != nil {
			return nil, err
		}
	}
	public, _ := freeAddr()
	admin, _ := freeAddr()
	dir, err := os.MkdirTemp("", "lunas-bench-pipeline-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg := fmt.Sprintf(`listen = %q
admin {
  listen = %q
}
redis {
  addr = %q
  db   = %d
}
worker {
  concurrency = 20
}
webhook "moota" {
  secrets = [%q]
}
store "bench" {
  plugin   = "demo"
  bank_ids = ["*"]
  settings = {
    redis_addr = %q
    redis_db   = %d
    namespace  = %q
  }
}
`, public, admin, redisAddr, pipelineDB, benchSecret, redisAddr, pipelineDB, ns)
	path := filepath.Join(dir, "lunas.hcl")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	// Redis 7 keeps a latency histogram per command name (INFO latencystats),
	// allocated the first time a command runs and never freed: some hundreds
	// of KB for the commands Lunas and Asynq use, whatever the number of
	// mutations. It is no record of a mutation but would be counted as one
	// in used_memory's growth over this short run, so the throwaway server
	// stops tracking (older servers have no such setting: ignored).
	_ = rdb.ConfigSet(ctx, "latency-tracking", "no").Err()
	// Redis' memory before lunas connects and after it left: the buffers of
	// its connections are no record of a mutation.
	memBefore := usedMemory(ctx, rdb)
	storeBefore := namespaceBytes(ctx, rdb, ns)
	cmd := exec.Command(filepath.Join(bin, "lunas"), append([]string{"serve", "--config", path, "--log-level", "warn"}, profileArgs("serve.pprof")...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	srv := &server{cmd: cmd}
	defer srv.stop()
	if err := waitListening(public); err != nil {
		return nil, err
	}
	res := &pipelineResult{lunasPID: cmd.Process.Pid}

	// What an idle lunas serve costs Redis: its workers poll the queues
	// every queue.ServerConfig.PollInterval.
	idle := cpuMeter{pid: res.lunasPID, redisAddr: redisAddr}
	idle.start(ctx)
	time.Sleep(3 * time.Second)
	idle.stop(ctx)
	res.idleRedisCPU = float64(idle.Redis) / float64(3*time.Second)

	stop := make(chan struct{})
	var rssWG sync.WaitGroup
	rssWG.Add(1)
	go func() {
		defer rssWG.Done()
		for {
			res.lunasRSS = max(res.lunasRSS, proc.RSSKiB(res.lunasPID))
			for _, c := range proc.Children(res.lunasPID) {
				res.plPID = c
				res.pluginRSS = max(res.pluginRSS, proc.RSSKiB(c))
			}
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()

	sentAt := make([]time.Time, n)
	client := &http.Client{Timeout: 10 * time.Second}
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range n {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		// Moota's date is the bank's, in Jakarta time: after the order was
		// created, or the order is outside the payment's window.
		date := time.Now().In(core.Jakarta).Format("2006-01-02 15:04:05")
		body := []byte(fmt.Sprintf(`[{"mutation_id":"pipe%d","bank_id":"4Aqz9OmvWPV","account_number":"1","type":"CR","amount":%d,"description":"TRSF CR","date":%q,"created_at":%q}]`, i, 200000+i, date, date))
		sentAt[i] = time.Now()
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+public+"/webhooks/moota", bytes.NewReader(body))
			req.Header.Set("Signature", sign(body))
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	res.sent = n
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		orders, err := demostore.List(ctx, rdb, ns)
		if err != nil {
			return nil, err
		}
		res.toPaid = res.toPaid[:0]
		for _, o := range orders {
			if o.PaidAt == nil {
				continue
			}
			i, _ := strconv.Atoi(strings.TrimPrefix(o.PaidBy, "pipe"))
			res.toPaid = append(res.toPaid, o.PaidAt.Sub(sentAt[i]))
		}
		if len(res.toPaid) == n {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	close(stop)
	rssWG.Wait()
	res.paid = len(res.toPaid)
	slices.Sort(res.toPaid)
	srv.stop()
	// What Lunas leaves in Redis per mutation, by key kind; the demo store's
	// orders (stamped paid) are the store's, not Lunas'.
	storeGrowth := namespaceBytes(ctx, rdb, ns) - storeBefore
	growth := usedMemory(ctx, rdb) - memBefore - storeGrowth
	res.redisPerMut = float64(growth) / float64(n)
	if res.kinds, err = redisBreakdown(ctx, rdb, ns); err != nil {
		return nil, err
	}
	// Then the memory outside the keys' own MEMORY USAGE (the keyspace's
	// tables), once the records shorter-lived than the window are gone, as
	// Asynq's janitor deletes finished tasks after their retention: that
	// part stays, and is counted whole.
	insp := asynq.NewInspector(asynq.RedisClientOpt{Addr: redisAddr, DB: pipelineDB})
	defer insp.Close()
	queues, _ := insp.Queues()
	for _, k := range res.kinds {
		if k.name == "asynq task hash" && (k.life == 0 || k.life >= 24*time.Hour) {
			queues = nil // finished tasks are kept the window: nothing to delete
		}
	}
	for _, q := range queues {
		if _, err := insp.DeleteAllCompletedTasks(q); err != nil {
			return nil, err
		}
	}
	// What is left outside the keys' own MEMORY USAGE (re-read now: records
	// shorter-lived than the window that have not expired yet are weighted
	// in the table already).
	left, err := redisBreakdown(ctx, rdb, ns)
	if err != nil {
		return nil, err
	}
	var lasting int64
	for _, k := range left {
		lasting += k.bytes
	}
	after := usedMemory(ctx, rdb) - memBefore - storeGrowth
	res.overheadPerMut = max(0, float64(after-lasting)/float64(n))
	return res, nil
}

func usedMemory(ctx context.Context, rdb *redis.Client) int64 {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}
