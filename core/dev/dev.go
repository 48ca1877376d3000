// Package dev is what `lunas dev` needs beyond the production wiring: an
// embedded Redis (miniredis) whose clock follows the wall clock so TTLs
// expire, and a window onto the demo store's own order page.
package dev

import (
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Redis is an embedded, in-memory Redis for development. It keeps nothing
// on disk: never use it for real payments.
type Redis struct {
	mr   *miniredis.Miniredis
	stop chan struct{}
	wg   sync.WaitGroup
}

// StartRedis starts miniredis on a free loopback port.
func StartRedis() (*Redis, error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr("127.0.0.1:0"); err != nil {
		return nil, err
	}
	r := &Redis{mr: mr, stop: make(chan struct{})}
	r.wg.Add(1)
	go r.tick()
	return r, nil
}

// tick advances miniredis' clock with the wall clock: miniredis only
// expires keys when told time has passed, and Asynq relies on expiring
// keys (leases, retention, unique locks).
func (r *Redis) tick() {
	defer r.wg.Done()
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-r.stop:
			return
		case now := <-t.C:
			r.mr.FastForward(now.Sub(last))
			r.mr.SetTime(now)
			last = now
		}
	}
}

// Addr is the host:port clients connect to.
func (r *Redis) Addr() string { return r.mr.Addr() }

// Close stops the server.
func (r *Redis) Close() {
	close(r.stop)
	r.wg.Wait()
	r.mr.Close()
}
