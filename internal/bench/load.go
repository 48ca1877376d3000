package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lunas-dev/lunas/core"
)

const benchSecret = "bench-secret-0123456789"

// loadResult holds the latencies of one run.
type loadResult struct {
	lat     []time.Duration
	errors  int
	elapsed time.Duration
}

func (r loadResult) rps() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }

func (r loadResult) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat)-1) * p / 100)
	return r.lat[i]
}

var runSeq atomic.Int64

// mutationFormat is a mutation as Moota sends it (the shape of
// spec/payloads/bca_150123_inv1042.json): the statement line, then the
// bank account object with its meta, which Lunas strips before storing.
// Its verbs are the amount and the mutation id (prefix, n, i).
const mutationFormat = `{"account_number":"1234567890","date":"2025-01-15 10:21:07","description":"TRSF E-BANKING CR 1501/FTSCY/WS95051 150123.00 INV-1042 BUDI SANTOSO","note":"","amount":%d,"type":"CR","balance":2750123.5,"created_at":"2025-01-15 10:23:11","updated_at":"2025-01-15 10:23:11","mutation_id":"%s%dx%d","token":"t","bank_id":"4Aqz9OmvWPV","taggings":[],"bank":{"corporate_id":null,"username":"tokobudi","atas_nama":"Toko Budi","balance":"2750123.50","account_number":"1234567890","bank_type":"bca","login_retry":0,"date_from":"2025-01-15 00:00:00","date_to":"2025-01-15 00:00:00","meta":null,"interval_refresh":15,"next_queue":"2025-01-15 10:38:11","is_active":true,"in_queue":0,"in_progress":0,"recurred_at":"2025-01-16 10:23:11","created_at":"2024-06-01 08:00:00","token":"4Aqz9OmvWPV","bank_id":"4Aqz9OmvWPV","label":"BCA","last_update":"2025-01-15T03:23:11.000000Z"}}`

// mutationShape is mutationFormat recorded by Moota now (its created_at
// and updated_at), as a live webhook is: Moota sends it seconds after.
var mutationShape = func() string {
	now := time.Now().In(core.Jakarta).Format(time.DateTime)
	return strings.Replace(mutationFormat, `"created_at":"2025-01-15 10:23:11","updated_at":"2025-01-15 10:23:11"`,
		`"created_at":"`+now+`","updated_at":"`+now+`"`, 1)
}()

// payload returns a signed body of batch unique mutations.
func payload(prefix string, n int64, batch int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range batch {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, mutationShape, 100000+i, prefix, n, i)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func sign(body []byte) string {
	mac := hmac.New(sha256.New, []byte(benchSecret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// drive sends signed payloads of batch mutations from conns connections for d.
func drive(ctx context.Context, url, _ string, batch int, d time.Duration, conns int, name string) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	prefix := name + strconv.FormatInt(runSeq.Add(1), 10) + "r"
	var (
		mu      sync.Mutex
		all     []time.Duration
		errs    int
		counter atomic.Int64
		wg      sync.WaitGroup
	)
	// Bodies are built before the clock starts so the generator spends its
	// CPU on sending, not on formatting JSON.
	const perConn = 4096
	start := time.Now()
	deadline := start.Add(d)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			localErr := 0
			bodies := make([][]byte, 0, 64)
			sigs := make([]string, 0, 64)
			for time.Now().Before(deadline) {
				if len(bodies) == 0 {
					for range min(64, perConn) {
						body := payload(prefix, counter.Add(1), batch)
						bodies = append(bodies, body)
						sigs = append(sigs, sign(body))
					}
				}
				body, sig := bodies[len(bodies)-1], sigs[len(sigs)-1]
				bodies, sigs = bodies[:len(bodies)-1], sigs[:len(sigs)-1]
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Signature", sig)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					localErr++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					localErr++
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			all = append(all, local...)
			errs += localErr
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(all)
	return loadResult{lat: all, errors: errs, elapsed: elapsed}
}

func flushRedis(ctx context.Context, addr string, db int) error {
	c := redis.NewClient(&redis.Options{Addr: addr, DB: db})
	defer c.Close()
	return c.FlushDB(ctx).Err()
}

// driveRate sends single-mutation payloads at a fixed rate for d (open
// loop) and measures each answer from the moment it was due, so a stall
// shows up in the percentiles instead of slowing the sender down.
func driveRate(ctx context.Context, url string, rate int, d time.Duration, maxInFlight int, name string) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: maxInFlight, MaxConnsPerHost: maxInFlight}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	prefix := name + strconv.FormatInt(runSeq.Add(1), 10) + "f"
	total := int(float64(rate) * d.Seconds())
	type job struct {
		due  time.Time
		body []byte
		sig  string
	}
	jobs := make([]job, total)
	for i := range jobs {
		body := payload(prefix, int64(i), 1)
		jobs[i] = job{body: body, sig: sign(body)}
	}
	ch := make(chan job, total)
	var (
		mu   sync.Mutex
		all  = make([]time.Duration, 0, total)
		errs int
		wg   sync.WaitGroup
	)
	for range maxInFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(j.body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Signature", j.sig)
				resp, err := client.Do(req)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lat := time.Since(j.due)
				mu.Lock()
				if ok {
					all = append(all, lat)
				} else {
					errs++
				}
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for i := range jobs {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		jobs[i].due = due
		ch <- jobs[i]
	}
	close(ch)
	wg.Wait()
	slices.Sort(all)
	return loadResult{lat: all, errors: errs, elapsed: time.Since(start)}
}
