package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat times
// (100 on every Linux this runs on).
const clockTicks = 100

// processCPU returns the CPU time (user + system) pid has used.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; the fields after it are fixed.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad times", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// redisCPU returns the CPU time the Redis server has used (INFO cpu).
func redisCPU(ctx context.Context, addr string) (time.Duration, error) {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	info, err := c.Info(ctx, "cpu").Result()
	if err != nil {
		return 0, err
	}
	var total float64
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, err
			}
			total += f
		}
	}
	return time.Duration(total * float64(time.Second)), nil
}

// cpuMeter measures the CPU a server process and Redis spend during a run.
type cpuMeter struct {
	pid              int
	redisAddr        string
	server0, redis0  time.Duration
	Server, Redis    time.Duration // spent between start and stop
	serverOK, redisO bool
}

func (m *cpuMeter) start(ctx context.Context) {
	var err error
	m.server0, err = processCPU(m.pid)
	m.serverOK = err == nil
	m.redis0, err = redisCPU(ctx, m.redisAddr)
	m.redisO = err == nil
}

func (m *cpuMeter) stop(ctx context.Context) {
	if s, err := processCPU(m.pid); err == nil && m.serverOK {
		m.Server = s - m.server0
	}
	if r, err := redisCPU(ctx, m.redisAddr); err == nil && m.redisO {
		m.Redis = r - m.redis0
	}
}

// perRequest formats CPU time per request in microseconds.
func perRequest(d time.Duration, requests int) string {
	if requests == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0fµs", float64(d.Microseconds())/float64(requests))
}
