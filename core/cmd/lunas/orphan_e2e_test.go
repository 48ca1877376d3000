package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
)

// childPIDs lists the processes whose parent is pid.
func childPIDs(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
		if f := strings.Fields(rest); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, n)
		}
	}
	return out
}

// TestPluginExitsWhenTheCoreIsKilled: a kill -9 of lunas leaves no plugin
// process behind (the restarted core starts its own).
func TestPluginExitsWhenTheCoreIsKilled(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	s := startSpine(t, testutil.NewRedis(t), []demostore.Order{{ID: "1", Number: "1", Status: "on-hold", Amount: 100, Currency: "IDR"}})
	pid := s.lunas.PID()
	var plugins []int
	testutil.Eventually(t, 10*time.Second, "the plugin process", func() bool {
		plugins = childPIDs(pid)
		return len(plugins) > 0
	})
	s.lunas.Kill()
	testutil.Eventually(t, 30*time.Second, "the orphaned plugin to exit", func() bool {
		for _, p := range plugins {
			if syscall.Kill(p, 0) == nil && !zombie(p) {
				return false
			}
		}
		return true
	})
}

func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
	f := strings.Fields(rest)
	return len(f) > 0 && f[0] == "Z"
}
