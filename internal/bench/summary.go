package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"
)

// summary collects the figures issue 16 set targets for, from one run.
type summary struct {
	ingestRatio float64 // lunas/bare req/s at saturation, 1 mutation/req
	// fixed holds, per rate, the median CPU per request of each server.
	fixed      []fixedCPU
	toPaidP50  time.Duration
	redisBytes float64
	rpcP50     time.Duration
	bareRPCP50 time.Duration
}

// fixedCPU is what one fixed rate cost each server per request.
type fixedCPU struct {
	rate                    int
	lunasServer, bareServer time.Duration
	lunasRedis, bareRedis   time.Duration
}

// medianDur returns the median of ds.
func medianDur(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// print writes the targets table: each measure, its value, the bare
// baseline where there is one, the ratio and whether the target is met.
func (s *summary) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target (issue 16)\tlunas\tbaseline\tratio\ttarget\tmet\t")
	met := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "NO"
	}
	row := func(name, lunas, base string, ratio float64, target string, ok bool) {
		r := "-"
		if ratio > 0 {
			r = fmt.Sprintf("%.2f×", ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", name, lunas, base, r, target, met(ok))
	}
	if s.redisBytes > 0 {
		row("Redis bytes per retained mutation", fmt.Sprintf("%.0f", s.redisBytes), "-", 0, "≤ 1,000", s.redisBytes <= 1000)
	}
	for _, f := range s.fixed {
		us := func(d time.Duration) string { return fmt.Sprintf("%dµs", d.Microseconds()) }
		rs := float64(f.lunasServer) / float64(max(f.bareServer, 1))
		rr := float64(f.lunasRedis) / float64(max(f.bareRedis, 1))
		row(fmt.Sprintf("server CPU/req at %d/s", f.rate), us(f.lunasServer), us(f.bareServer), rs, "≤ 1.15×", rs <= 1.15)
		row(fmt.Sprintf("Redis CPU/req at %d/s", f.rate), us(f.lunasRedis), us(f.bareRedis), rr, "≤ 1.15×", rr <= 1.15)
	}
	if s.ingestRatio > 0 {
		row("ingest at saturation (1 mutation/req)", fmt.Sprintf("%.0f%% of bare", s.ingestRatio*100), "-", s.ingestRatio, "≥ 0.95×", s.ingestRatio >= 0.95)
	}
	if s.toPaidP50 > 0 {
		row("mutation → paid p50 (200/s)", fmtDur(s.toPaidP50), "-", 0, "≤ 10ms", s.toPaidP50 <= 10*time.Millisecond)
	}
	if s.rpcP50 > 0 && s.bareRPCP50 > 0 {
		r := float64(s.rpcP50) / float64(s.bareRPCP50)
		row("plugin RPC p50 (Health, empty store)", fmtDur(s.rpcP50), fmtDur(s.bareRPCP50), r, "≤ 1.5×", r <= 1.5)
	}
	tw.Flush()
}
