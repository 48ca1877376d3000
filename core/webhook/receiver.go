package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"golang.org/x/time/rate"

	"github.com/lunas-dev/lunas/core"
)

// DefaultMaxBodyBytes is the body limit when Config.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 1 << 20

// Config configures one webhook endpoint. Zero values mean the defaults.
type Config struct {
	Name           string         // the {name} in POST /webhooks/{name}
	Secrets        [][]byte       // accepted signing secrets; two during rotation. Required.
	AllowedIPs     []netip.Prefix // if set, only these sources may deliver
	TrustedProxies []netip.Prefix // peers whose X-Forwarded-For is believed
	MaxBodyBytes   int64          // default DefaultMaxBodyBytes
	EnqueueTimeout time.Duration  // how long Redis may take to store a batch; default 3s (Moota waits ~5s)
	Parallelism    int            // concurrent enqueues for a batch; default 4 (more only queues on the Redis pool)
	// Budget bounds body bytes in flight; share one among all receivers.
	// Nil means a budget of DefaultBytesInFlight for this receiver alone.
	Budget *Budget
}

// Receiver handles POST /webhooks/{name} for one webhook. It is safe for
// concurrent use.
type Receiver struct {
	cfg     Config
	queue   core.Queue
	audit   core.Auditor
	log     hclog.Logger
	metrics *series // nil without Metrics
	// rejected limits the audit and log lines for rejected requests, so a
	// flood of forged requests cannot fill the stream or the log.
	rejected *rate.Limiter
}

// New returns a Receiver. audit, log and metrics may be nil.
func New(cfg Config, queue core.Queue, audit core.Auditor, log hclog.Logger, metrics *Metrics) (*Receiver, error) {
	if len(cfg.Secrets) == 0 {
		return nil, fmt.Errorf("webhook %q: at least one secret is required", cfg.Name)
	}
	if queue == nil {
		return nil, errors.New("webhook: a queue is required")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.EnqueueTimeout <= 0 {
		cfg.EnqueueTimeout = 3 * time.Second
	}
	if cfg.Parallelism <= 0 {
		cfg.Parallelism = 4
	}
	if cfg.Budget == nil {
		cfg.Budget = NewBudget(0)
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Receiver{cfg: cfg, queue: queue, audit: audit, log: log.Named("webhook").With("webhook", cfg.Name),
		metrics: metrics.forWebhook(cfg.Name), rejected: rate.NewLimiter(rate.Limit(5), 20)}, nil
}

// ServeHTTP checks and queues one delivery.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	d := core.Delivery{Time: start.UTC(), Webhook: rc.cfg.Name, Headers: auditHeaders(r)}
	status := rc.handle(w, r, &d)
	d.Status = status
	if rc.metrics != nil {
		rc.metrics.observe(d.Verdict, status, d.Accepted, d.Duplicates, time.Since(start))
	}
	if rc.audit != nil && (status == http.StatusOK || d.Verdict == "queue_unavailable" || rc.rejected.Allow()) {
		rc.audit.Record(d)
	}
}

func (rc *Receiver) handle(w http.ResponseWriter, r *http.Request, d *core.Delivery) int {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		d.Verdict = "method_not_allowed"
		return writeError(w, http.StatusMethodNotAllowed, "use POST")
	}
	if r.ContentLength > rc.cfg.MaxBodyBytes {
		d.Verdict = "too_large"
		return writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is larger than %d bytes", rc.cfg.MaxBodyBytes))
	}
	ip := clientIP(r, rc.cfg.TrustedProxies)
	d.RemoteIP = ip.String()
	if len(rc.cfg.AllowedIPs) > 0 && !contains(rc.cfg.AllowedIPs, ip) {
		d.Verdict = "ip_not_allowed"
		rc.logRejected("source address not allowed", "remote_ip", d.RemoteIP)
		return writeError(w, http.StatusForbidden, "source address "+d.RemoteIP+" is not allowed")
	}
	// Without a signature the body cannot count: refuse before reading it.
	sig := r.Header.Get("Signature")
	if sig == "" {
		d.Verdict = "missing_signature"
		rc.logRejected("missing signature", "remote_ip", d.RemoteIP)
		return writeError(w, http.StatusUnauthorized, "missing Signature header")
	}
	held, err := readBody(w, r, rc.cfg.Budget, ip, rc.cfg.MaxBodyBytes)
	defer held.Release()
	body := held.data
	d.Bytes = len(body)
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.Is(err, errBusy):
			d.Verdict = "busy"
			rc.logRejected("body budget spent; answering 503", "remote_ip", d.RemoteIP, "content_length", r.ContentLength)
			w.Header().Set("Retry-After", "5")
			return writeError(w, http.StatusServiceUnavailable, "too many request bytes in flight; retry later")
		case errors.As(err, &tooBig):
			d.Verdict = "too_large"
			return writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is larger than %d bytes", rc.cfg.MaxBodyBytes))
		}
		d.Verdict = "read_error"
		return writeError(w, http.StatusBadRequest, "could not read the body")
	}
	if !Verify(rc.cfg.Secrets, body, sig) {
		d.Verdict = "bad_signature"
		rc.logRejected("bad signature", "remote_ip", d.RemoteIP)
		return writeError(w, http.StatusUnauthorized, "signature does not match the body for any configured secret")
	}
	muts, err := core.ParseMutations(body)
	if err != nil {
		d.Verdict = "bad_payload"
		rc.log.Warn("bad payload", "remote_ip", d.RemoteIP, "error", err)
		return writeError(w, http.StatusBadRequest, err.Error())
	}
	for i := range muts {
		d.MutationIDs = append(d.MutationIDs, muts[i].ID)
	}
	// A batch must be stored within EnqueueTimeout as a whole. One mutation
	// needs no deadline of its own (a timer per request, a tenth of the
	// receiver's CPU beyond the bare handler's at 2,000 a second): the
	// Redis client bounds each read and write (3 s) and the wait for a
	// connection (4 s), and the acknowledging producer its wait for a lane.
	ctx := r.Context()
	if len(muts) > 1 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rc.cfg.EnqueueTimeout)
		defer cancel()
	}
	accepted, dups, err := rc.enqueueAll(ctx, muts)
	d.Accepted, d.Duplicates = accepted, dups
	if err != nil {
		d.Verdict = "queue_unavailable"
		rc.log.Error("could not queue mutations; answering 503 so Moota retries", "stored", accepted+dups, "total", len(muts), "error", err)
		w.Header().Set("Retry-After", "5")
		return writeError(w, http.StatusServiceUnavailable, "the queue cannot take the mutations right now; retry later")
	}
	d.Verdict = "accepted"
	return writeAccepted(w, accepted, dups)
}

// enqueueAll stores every mutation, several at a time for large batches.
// It returns the first error; mutations stored before it stay stored and
// come back as duplicates when Moota retries.
func (rc *Receiver) enqueueAll(ctx context.Context, muts []core.Mutation) (accepted, dups int, err error) {
	if len(muts) == 1 {
		dup, err := rc.queue.EnqueueMutation(ctx, rc.cfg.Name, &muts[0])
		if err != nil {
			return 0, 0, err
		}
		if dup {
			return 0, 1, nil
		}
		return 1, 0, nil
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
		sem      = make(chan struct{}, rc.cfg.Parallelism)
	)
	for i := range muts {
		wg.Add(1)
		sem <- struct{}{}
		go func(m *core.Mutation) {
			defer func() { <-sem; wg.Done() }()
			dup, err := rc.queue.EnqueueMutation(ctx, rc.cfg.Name, m)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				if firstErr == nil {
					firstErr = err
				}
			case dup:
				dups++
			default:
				accepted++
			}
		}(&muts[i])
	}
	wg.Wait()
	return accepted, dups, firstErr
}

func (rc *Receiver) logRejected(msg string, args ...any) {
	if rc.rejected.Tokens() >= 1 {
		rc.log.Warn(msg, args...)
	}
}

// auditHeaders keeps the headers worth auditing; never Signature or Authorization.
func auditHeaders(r *http.Request) map[string]string {
	h := map[string]string{}
	for _, k := range []string{"User-Agent", "X-Moota-User", "X-Moota-Webhook", "Content-Type", "X-Forwarded-For"} {
		if v := r.Header.Get(k); v != "" {
			if len(v) > 200 {
				v = v[:200]
			}
			h[k] = v
		}
	}
	return h
}

func writeJSON(w http.ResponseWriter, status int, v any) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
	return status
}

// writeAccepted answers {"accepted":n,"duplicates":m}, as writeJSON would,
// without encoding a map on every delivery.
func writeAccepted(w http.ResponseWriter, accepted, dups int) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	b := make([]byte, 0, 48)
	b = append(b, `{"accepted":`...)
	b = strconv.AppendInt(b, int64(accepted), 10)
	b = append(b, `,"duplicates":`...)
	b = strconv.AppendInt(b, int64(dups), 10)
	_, _ = w.Write(append(b, "}\n"...))
	return http.StatusOK
}

func writeError(w http.ResponseWriter, status int, msg string) int {
	return writeJSON(w, status, map[string]any{"error": msg, "status": status})
}
