package redis

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
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
// Record never blocks the webhook answer and wakes nobody per record: it
// appends to a buffer, and a background goroutine, woken by the first
// record of a batch, lets AuditLinger pass and writes what gathered in one
// round trip (at 500 deliveries a second, one for a hundred records; the
// bare handler makes none). When the buffer is full a record is dropped
// and counted (the payment itself is in the queue, not here).
type Auditor struct {
	rdb     goredis.UniversalClient
	log     hclog.Logger
	linger  time.Duration
	mu      sync.Mutex
	buf     []core.Delivery // recorded, not written yet
	closed  bool
	wake    chan struct{} // the buffer got its first record
	stop    chan struct{} // closed by Close: write now
	done    chan struct{}
	dropped atomic.Int64
}

var _ core.Auditor = (*Auditor)(nil)

// AuditLinger is how long the Auditor holds a record for others to join
// its batch. A delivery record is for people reading it later; a quarter
// of a second does not matter to them.
const AuditLinger = 250 * time.Millisecond

const (
	auditBatch  = 256  // the most records one round trip carries
	auditBuffer = 4096 // the most records waiting to be written
)

// NewAuditor starts an Auditor; Close flushes and stops it.
func NewAuditor(rdb goredis.UniversalClient, log hclog.Logger) *Auditor {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	a := &Auditor{rdb: rdb, log: log.Named("audit"), linger: AuditLinger,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go a.run()
	return a
}

// Record queues d for the stream.
func (a *Auditor) Record(d core.Delivery) {
	a.mu.Lock()
	if a.closed || len(a.buf) >= auditBuffer {
		a.mu.Unlock()
		a.dropped.Add(1)
		return
	}
	a.buf = append(a.buf, d)
	first := len(a.buf) == 1
	a.mu.Unlock()
	if first {
		select {
		case a.wake <- struct{}{}:
		default:
		}
	}
}

// Dropped returns how many records were dropped because the buffer was full.
func (a *Auditor) Dropped() int64 { return a.dropped.Load() }

// Close writes what is buffered and stops the writer; later records are
// dropped.
func (a *Auditor) Close() {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		<-a.done
		return
	}
	a.closed = true
	a.mu.Unlock()
	close(a.stop)
	<-a.done
}

func (a *Auditor) run() {
	defer close(a.done)
	var batch []core.Delivery
	for {
		select {
		case <-a.wake:
			select { // let more records join the first
			case <-time.After(a.linger):
			case <-a.stop:
			}
		case <-a.stop:
		}
		a.mu.Lock()
		batch, a.buf = a.buf, batch[:0]
		closed := a.closed
		a.mu.Unlock()
		for i := 0; i < len(batch); i += auditBatch {
			a.write(batch[i:min(i+auditBatch, len(batch))])
		}
		clear(batch) // the next batch reuses the array
		if closed {
			return
		}
	}
}

// write appends batch to the stream as one entry: field "rs", the records
// of deliveryRecord separated by batchSep, oldest first. One XADD per
// batch: Redis spends a fraction of a microsecond per delivery where an
// entry each cost it 3, and the receiver builds no command per delivery.
func (a *Auditor) write(batch []core.Delivery) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	minID := strconv.FormatInt(time.Now().Add(-AuditRetention).UnixMilli(), 10)
	b := make([]byte, 0, 128*len(batch))
	for i, d := range batch {
		if i > 0 {
			b = append(b, batchSep)
		}
		b = appendRecord(b, d)
	}
	err := a.rdb.XAdd(ctx, &goredis.XAddArgs{Stream: AuditStreamKey, MinID: minID, Approx: true, Values: []any{"rs", b}}).Err()
	if err != nil {
		a.log.Warn("could not write delivery records", "count", len(batch), "error", err)
	}
}

// auditHeaders are the headers a delivery record keeps, each in a field of
// its own (the receiver keeps no others).
var auditHeaders = [...]struct{ field, header string }{
	{"ua", "User-Agent"}, {"mu", "X-Moota-User"}, {"mw", "X-Moota-Webhook"}, {"ct", "Content-Type"}, {"xff", "X-Forwarded-For"},
}

// appendRecord appends the record of d: its values in a fixed order
// separated by recordSep (the version, webhook, address, status, verdict,
// accepted, duplicates, bytes, unix milliseconds, the mutation ids
// separated by spaces, then auditHeaders), about 100 bytes. Values a
// sender chose have the separators replaced by spaces.
func appendRecord(b []byte, d core.Delivery) []byte {
	add := func(v string) {
		b = append(b, recordSep)
		for i := 0; i < len(v); i++ {
			if c := v[i]; c == recordSep || c == batchSep {
				b = append(b, ' ')
			} else {
				b = append(b, c)
			}
		}
	}
	b = append(b, recordVersion)
	add(d.Webhook)
	add(d.RemoteIP)
	b = append(strconv.AppendInt(append(b, recordSep), int64(d.Status), 10), recordSep)
	b = append(b, d.Verdict...)
	b = strconv.AppendInt(append(b, recordSep), int64(d.Accepted), 10)
	b = strconv.AppendInt(append(b, recordSep), int64(d.Duplicates), 10)
	b = strconv.AppendInt(append(b, recordSep), int64(d.Bytes), 10)
	b = strconv.AppendInt(append(b, recordSep), d.Time.UnixMilli(), 10)
	b = append(b, recordSep)
	for i, id := range d.MutationIDs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, id...)
	}
	for _, h := range auditHeaders {
		add(d.Headers[h.header])
	}
	return b
}

const (
	recordVersion = '1'
	recordSep     = '\x1f' // between the values of a record
	batchSep      = '\x1e' // between the records of an entry
)

// parseEntry reads the deliveries of a stream entry, oldest first: a
// batch written by write, or an entry of one delivery in an earlier form
// (a field per value, or a JSON document, "delivery").
func parseEntry(values map[string]any) []core.Delivery {
	if s, ok := values["rs"].(string); ok {
		var out []core.Delivery
		for rec := range strings.SplitSeq(s, string(batchSep)) {
			if d, ok := parseRecord(rec); ok {
				out = append(out, d)
			}
		}
		return out
	}
	if d, ok := parseDelivery(values); ok {
		return []core.Delivery{d}
	}
	return nil
}

// parseDelivery reads a stream entry of one delivery (earlier versions).
func parseDelivery(values map[string]any) (core.Delivery, bool) {
	var d core.Delivery
	if s, ok := values["delivery"].(string); ok {
		return d, json.Unmarshal([]byte(s), &d) == nil
	}
	str := func(k string) string { s, _ := values[k].(string); return s }
	num := func(k string) int { n, _ := strconv.Atoi(str(k)); return n }
	at, err := strconv.ParseInt(str("at"), 10, 64)
	if err != nil {
		return d, false
	}
	d = core.Delivery{Time: time.UnixMilli(at).UTC(), Webhook: str("w"), RemoteIP: str("ip"), Status: num("st"), Verdict: str("v"),
		Accepted: num("a"), Duplicates: num("d"), Bytes: num("b")}
	if ids := str("ids"); ids != "" {
		d.MutationIDs = strings.Split(ids, " ")
	}
	for _, h := range auditHeaders {
		setHeader(&d, h.header, str(h.field))
	}
	return d, true
}

// parseRecord reads a record of appendRecord.
func parseRecord(s string) (core.Delivery, bool) {
	var d core.Delivery
	f := strings.Split(s, string(recordSep))
	if len(f) != 10+len(auditHeaders) || f[0] != string(recordVersion) {
		return d, false
	}
	nums := make([]int64, 5)
	for i, v := range []string{f[3], f[5], f[6], f[7], f[8]} {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return d, false
		}
		nums[i] = n
	}
	d = core.Delivery{Webhook: f[1], RemoteIP: f[2], Status: int(nums[0]), Verdict: f[4], Accepted: int(nums[1]),
		Duplicates: int(nums[2]), Bytes: int(nums[3]), Time: time.UnixMilli(nums[4]).UTC()}
	if f[9] != "" {
		d.MutationIDs = strings.Split(f[9], " ")
	}
	for i, h := range auditHeaders {
		setHeader(&d, h.header, f[10+i])
	}
	return d, true
}

func setHeader(d *core.Delivery, k, v string) {
	if v == "" {
		return
	}
	if d.Headers == nil {
		d.Headers = map[string]string{}
	}
	d.Headers[k] = v
}

// RecentDeliveries reads up to n newest delivery records, newest first.
func RecentDeliveries(ctx context.Context, rdb goredis.UniversalClient, n int64) ([]core.Delivery, error) {
	var out []core.Delivery
	end := "+"
	for int64(len(out)) < n {
		msgs, err := rdb.XRevRangeN(ctx, AuditStreamKey, end, "-", n).Result()
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			ds := parseEntry(m.Values)
			for i := len(ds) - 1; i >= 0 && int64(len(out)) < n; i-- {
				out = append(out, ds[i])
			}
		}
		if int64(len(msgs)) < n {
			break
		}
		end = "(" + msgs[len(msgs)-1].ID
	}
	return out, nil
}

// DeliveryLog reads the delivery stream for the admin API.
type DeliveryLog struct{ RDB goredis.UniversalClient }

// Recent returns up to n newest delivery records, newest first.
func (l DeliveryLog) Recent(ctx context.Context, n int64) ([]core.Delivery, error) {
	return RecentDeliveries(ctx, l.RDB, n)
}
