package redis

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	goredis "github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
)

// AuditStreamKey is the Redis stream of delivery records.
const AuditStreamKey = "lunas:deliveries"

// AuditRetention is how long delivery records are kept.
const AuditRetention = 14 * 24 * time.Hour

// Auditor appends delivery records to a Redis stream trimmed to 14 days.
// Record never blocks the webhook answer: records are buffered and written
// in batches by a background goroutine; when the buffer is full a record is
// dropped and counted (the payment itself is in the queue, not here).
type Auditor struct {
	rdb     goredis.UniversalClient
	log     hclog.Logger
	ch      chan core.Delivery
	dropped atomic.Int64
	wg      sync.WaitGroup
}

var _ core.Auditor = (*Auditor)(nil)

// NewAuditor starts an Auditor; Close flushes and stops it.
func NewAuditor(rdb goredis.UniversalClient, log hclog.Logger) *Auditor {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	a := &Auditor{rdb: rdb, log: log.Named("audit"), ch: make(chan core.Delivery, 4096)}
	a.wg.Add(1)
	go a.run()
	return a
}

// Record queues d for the stream.
func (a *Auditor) Record(d core.Delivery) {
	select {
	case a.ch <- d:
	default:
		a.dropped.Add(1)
	}
}

// Dropped returns how many records were dropped because the buffer was full.
func (a *Auditor) Dropped() int64 { return a.dropped.Load() }

// Close writes what is buffered and stops the writer.
func (a *Auditor) Close() {
	close(a.ch)
	a.wg.Wait()
}

func (a *Auditor) run() {
	defer a.wg.Done()
	batch := make([]core.Delivery, 0, 256)
	for d := range a.ch {
		batch = append(batch[:0], d)
	drain:
		for len(batch) < cap(batch) {
			select {
			case more, ok := <-a.ch:
				if !ok {
					break drain
				}
				batch = append(batch, more)
			default:
				break drain
			}
		}
		a.write(batch)
	}
}

func (a *Auditor) write(batch []core.Delivery) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	minID := strconv.FormatInt(time.Now().Add(-AuditRetention).UnixMilli(), 10)
	_, err := a.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, d := range batch {
			b, err := json.Marshal(d)
			if err != nil {
				continue
			}
			p.XAdd(ctx, &goredis.XAddArgs{Stream: AuditStreamKey, MinID: minID, Approx: true, Values: []any{"delivery", b}})
		}
		return nil
	})
	if err != nil {
		a.log.Warn("could not write delivery records", "count", len(batch), "error", err)
	}
}

// RecentDeliveries reads up to n newest delivery records (for the admin API and tests).
func RecentDeliveries(ctx context.Context, rdb goredis.UniversalClient, n int64) ([]core.Delivery, error) {
	msgs, err := rdb.XRevRangeN(ctx, AuditStreamKey, "+", "-", n).Result()
	if err != nil {
		return nil, err
	}
	out := make([]core.Delivery, 0, len(msgs))
	for _, m := range msgs {
		s, _ := m.Values["delivery"].(string)
		var d core.Delivery
		if json.Unmarshal([]byte(s), &d) == nil {
			out = append(out, d)
		}
	}
	return out, nil
}
