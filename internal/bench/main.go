// Command bench measures Lunas over loopback: webhook ingest (req/s, ack
// p50/p99/p99.9, server and Redis CPU per request) for Lunas' receiver and
// for a bare net/http + HMAC + asynq.Enqueue handler on the same Redis,
// with 1- and 100-mutation payloads and at fixed rates; webhook to paid
// through the demo plugin with the Redis bytes each mutation leaves, per
// key kind; the plugin RPC round trip against bare gRPC; and last one
// table of issue 16's targets with each ratio.
//
// It needs a redis-server (make bench starts a throwaway one and sets
// LUNAS_TEST_REDIS_ADDR) and the binaries from make build (-bin).
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// The end-to-end run: enough payments for stable percentiles, at a rate a
// busy merchant group never reaches.
const (
	pipelineN    = 2000
	pipelineRate = 200
)

func main() {
	if startedAsPlugin() {
		sdk.Serve(emptyStore{})
		return
	}
	bin := flag.String("bin", "bin", "directory with lunas and lunas-plugin-* (make build)")
	duration := flag.Duration("duration", 5*time.Second, "how long each ingest run lasts")
	flag.DurationVar(&fixedDuration, "fixed-duration", fixedDuration, "how long each fixed-rate run lasts")
	conns := flag.Int("conns", 32, "concurrent connections of the load generator")
	rpcCalls := flag.Int("rpc-calls", 5000, "plugin round trips to time")
	rates := flag.String("rates", "500,2000", "webhooks per second for the fixed-rate runs, comma-separated")
	only := flag.String("only", "ingest,fixed,pipeline,rpc", "which parts to run, comma-separated")
	bare := flag.String("bare-listen", "", "internal: run the bare handler on this address")
	bareGRPC := flag.String("bare-grpc", "", "internal: serve bare gRPC on this Unix socket")
	redisAddr := flag.String("redis", os.Getenv("LUNAS_TEST_REDIS_ADDR"), "redis-server address")
	flag.IntVar(&rounds, "rounds", rounds, "rounds of each ingest and fixed-rate run (the median is shown)")
	batchList := flag.String("batches", "1,100", "mutations per request of the ingest runs, comma-separated")
	flag.StringVar(&profileDir, "profile", "", "write CPU profiles of lunas (receiver.pprof, serve.pprof) and of the bare handler (bare.pprof) into this `dir`")
	flag.Parse()

	if *bareGRPC != "" {
		if err := runBareGRPC(*bareGRPC); err != nil {
			fmt.Fprintln(os.Stderr, "bare gRPC:", err)
			os.Exit(1)
		}
		return
	}
	if *bare != "" {
		if err := runBare(*bare, *redisAddr); err != nil {
			fmt.Fprintln(os.Stderr, "bare:", err)
			os.Exit(1)
		}
		return
	}
	if *redisAddr == "" {
		fmt.Fprintln(os.Stderr, "bench: no redis (run it with `make bench`, or set LUNAS_TEST_REDIS_ADDR)")
		os.Exit(2)
	}
	ctx := context.Background()
	absBin, _ := filepath.Abs(*bin)
	parts := map[string]bool{}
	for _, p := range strings.Split(*only, ",") {
		parts[strings.TrimSpace(p)] = true
	}
	var rateList []int
	for _, r := range strings.Split(*rates, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -rates: %q is not a rate\n", r)
			os.Exit(2)
		}
		rateList = append(rateList, n)
	}
	for _, b := range strings.Split(*batchList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(b))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -batches: %q is not a batch size\n", b)
			os.Exit(2)
		}
		batches = append(batches, n)
	}
	if err := run(ctx, absBin, *redisAddr, *duration, *conns, *rpcCalls, rateList, parts); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bin, redisAddr string, d time.Duration, conns, rpcCalls int, rates []int, parts map[string]bool) error {
	sum := &summary{}
	host, _ := os.Hostname()
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("Lunas benchmark — %s, %d CPUs, %s, %d rounds of %s per ingest run and %s per fixed-rate run, %d connections, redis-server %s, load average %s\n\n",
		host, runtime.NumCPU(), runtime.Version(), rounds, d, fixedDuration, conns, redisAddr, strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	if parts["ingest"] || parts["fixed"] {
		if err := runIngest(ctx, bin, redisAddr, d, conns, rates, parts, sum); err != nil {
			return err
		}
	}
	if parts["pipeline"] {
		pipe, err := runPipeline(ctx, bin, redisAddr, pipelineN, pipelineRate)
		if err != nil {
			return err
		}
		fmt.Printf("mutation received → order paid (lunas serve + demo plugin, %d payments at %d/s): p50 %s  p99 %s  (%d of %d paid)\n",
			pipe.sent, pipelineRate, fmtDur(loadResult{lat: pipe.toPaid}.pct(50)), fmtDur(loadResult{lat: pipe.toPaid}.pct(99)), pipe.paid, pipe.sent)
		fmt.Printf("Redis CPU while lunas serve idles (its workers polling the queues): %.1f%% of a core\n", pipe.idleRedisCPU*100)
		fmt.Printf("peak RSS under that load: lunas %.1f MiB, demo plugin %.1f MiB\n", float64(pipe.lunasRSS)/1024, float64(pipe.pluginRSS)/1024)
		sum.toPaidP50 = loadResult{lat: pipe.toPaid}.pct(50)
		sum.redisBytes = retainedPerMutation(pipe.kinds, pipe.sent) + pipe.overheadPerMut
		fmt.Printf("Redis memory per retained mutation (everything a mutation leaves, each kind weighted by how long it stays within 14 days): %.0f bytes\n\n", sum.redisBytes)
		printBreakdown(os.Stdout, pipe.kinds, pipe.sent, pipe.redisPerMut, pipe.overheadPerMut)
		fmt.Println()
	}
	if parts["rpc"] {
		rpc, err := timeRPC(ctx, bin, redisAddr, rpcCalls)
		if err != nil {
			return err
		}
		sum.rpcP50, sum.bareRPCP50 = rpc[0].pct(50), rpc[len(rpc)-1].pct(50)
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "plugin RPC (pluginhost, gRPC + AutoMTLS)\tcalls\tp50\tp99\t")
		for _, r := range rpc {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t\n", r.name, len(r.lat), fmtDur(r.pct(50)), fmtDur(r.pct(99)))
		}
		tw.Flush()
		fmt.Println()
	}
	sum.print(os.Stdout)
	return nil
}

// runIngest drives Lunas' receiver and the bare handler, as fast as they
// answer and at a fixed rate, and prints both tables.
func runIngest(ctx context.Context, bin, redisAddr string, d time.Duration, conns int, rates []int, parts map[string]bool, sum *summary) error {
	lunas, err := startLunasReceiver(bin, redisAddr)
	if err != nil {
		return err
	}
	defer lunas.stop()
	bareSrv, err := startBare(redisAddr)
	if err != nil {
		return err
	}
	defer bareSrv.stop()

	if !parts["ingest"] {
		return runFixed(ctx, []*server{lunas, bareSrv}, redisAddr, rates, fixedDuration, sum)
	}
	// Each size runs `rounds` times, alternating which server goes first;
	// the row shown is each server's median round by req/s. CPU is what the
	// server process and Redis spent per request in that round.
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "ingest\tmutations/req\treq/s\tmutations/s\tp50\tp99\tp99.9\terrors\tserver CPU/req\tRedis CPU/req\t")
	ratios := map[int]float64{}
	targets := []*server{lunas, bareSrv}
	for _, batch := range batches {
		runs, err := inTurns(ctx, targets, redisAddr, func(target *server) loadResult {
			return drive(ctx, target.url, benchSecret, batch, d, conns, target.name)
		})
		if err != nil {
			return err
		}
		var med [2]measured
		for i, target := range targets {
			med[i] = median(runs[i])
			r, m := med[i].load, med[i].cpu
			fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%s\t%s\t%s\t%d\t%s\t%s\t\n", target.name, batch, r.rps(), r.rps()*float64(batch),
				fmtDur(r.pct(50)), fmtDur(r.pct(99)), fmtDur(r.pct(99.9)), r.errors, perRequest(m.Server, len(r.lat)), perRequest(m.Redis, len(r.lat)))
		}
		ratios[batch] = med[0].load.rps() / med[1].load.rps()
	}
	tw.Flush()
	sum.ingestRatio = ratios[1]
	fmt.Printf("\nratio lunas/bare (median of %d rounds each):", rounds)
	for i, b := range batches {
		if i > 0 {
			fmt.Print(",")
		}
		fmt.Printf(" %.0f%% (%d mutations/req)", ratios[b]*100, b)
	}
	fmt.Print(" (with several mutations the bare handler enqueues them one by one, lunas 4 at a time)\n\n")

	if !parts["fixed"] {
		return nil
	}
	return runFixed(ctx, []*server{lunas, bareSrv}, redisAddr, rates, fixedDuration, sum)
}

// runFixed sends webhooks at each fixed rate (open loop), the servers
// taking turns over `rounds` rounds, and prints each server's median round
// by p99 with the CPU it and Redis spent per request (medians too).
func runFixed(ctx context.Context, targets []*server, redisAddr string, rates []int, d time.Duration, sum *summary) error {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "fixed rate (open loop, 1 mutation/req)\ttarget/s\tachieved/s\tp50\tp99\tp99.9\terrors\tserver CPU/req\tRedis CPU/req\t\n")
	for _, rate := range rates {
		runs, err := inTurns(ctx, targets, redisAddr, func(target *server) loadResult {
			return driveRate(ctx, target.url, rate, d, 256, target.name)
		})
		if err != nil {
			return err
		}
		f := fixedCPU{rate: rate}
		for i, target := range targets {
			var srvCPU, redisCPU []time.Duration
			for _, m := range runs[i] {
				if n := len(m.load.lat); n > 0 {
					srvCPU = append(srvCPU, m.cpu.Server/time.Duration(n))
					redisCPU = append(redisCPU, m.cpu.Redis/time.Duration(n))
				}
			}
			sorted := slices.Clone(runs[i])
			slices.SortFunc(sorted, func(a, b measured) int { return cmp.Compare(a.load.pct(99), b.load.pct(99)) })
			r := sorted[len(sorted)/2].load
			sc, rc := medianDur(srvCPU), medianDur(redisCPU)
			fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%d\t%dµs\t%dµs\t\n", target.name, rate, float64(len(r.lat))/r.elapsed.Seconds(),
				fmtDur(r.pct(50)), fmtDur(r.pct(99)), fmtDur(r.pct(99.9)), r.errors, sc.Microseconds(), rc.Microseconds())
			if i == 0 {
				f.lunasServer, f.lunasRedis = sc, rc
			} else {
				f.bareServer, f.bareRedis = sc, rc
			}
		}
		sum.fixed = append(sum.fixed, f)
	}
	tw.Flush()
	fmt.Println()

	return nil
}

// fixedDuration is how long each fixed-rate run lasts: longer than an
// ingest run, as 500 requests a second give few samples in 5 s and a
// neighbour's busy second moves the CPU per request by a tenth.
var fixedDuration = 10 * time.Second

// batches are the mutations per request of the ingest runs.
var batches []int

// profileDir, when set, is where lunas writes its CPU profiles.
var profileDir string

// profileArgs are the lunas serve arguments that profile it into name.
func profileArgs(name string) []string {
	if profileDir == "" {
		return nil
	}
	abs, _ := filepath.Abs(filepath.Join(profileDir, name))
	return []string{"--cpu-profile", abs}
}

// rounds is how often each ingest and fixed-rate run is repeated; the
// median is shown. Five: on a shared 2-vCPU machine single rounds of the
// same server differ by a fifth and more.
var rounds = 5

// inTurns runs load against each target `rounds` times, the targets taking
// turns to go first, each on an emptied database and with the CPU it and
// Redis spent measured; it returns each target's runs.
func inTurns(ctx context.Context, targets []*server, redisAddr string, load func(*server) loadResult) ([][]measured, error) {
	runs := make([][]measured, len(targets))
	for round := range rounds {
		for k := range targets {
			i := (k + round) % len(targets)
			target := targets[i]
			if err := flushRedis(ctx, redisAddr, target.db); err != nil {
				return nil, err
			}
			m := cpuMeter{pid: target.cmd.Process.Pid, redisAddr: redisAddr}
			m.start(ctx)
			r := load(target)
			m.stop(ctx)
			runs[i] = append(runs[i], measured{r, m})
		}
	}
	return runs, nil
}

// measured is one run and the CPU it took.
type measured struct {
	load loadResult
	cpu  cpuMeter
}

// median returns the run with the median req/s.
func median(runs []measured) measured {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b measured) int { return cmp.Compare(a.load.rps(), b.load.rps()) })
	return sorted[len(sorted)/2]
}

// server is a process under load.
type server struct {
	name string
	url  string
	db   int
	cmd  *exec.Cmd
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	}
}
