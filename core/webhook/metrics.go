package webhook

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the receiver's Prometheus series.
type Metrics struct {
	requests  *prometheus.CounterVec
	mutations *prometheus.CounterVec
	latency   *prometheus.HistogramVec
}

// NewMetrics registers the receiver's series with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lunas_webhook_requests_total", Help: "Webhook requests by webhook, verdict and HTTP status.",
		}, []string{"webhook", "verdict", "code"}),
		mutations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lunas_webhook_mutations_total", Help: "Mutations received, by result (accepted or duplicate).",
		}, []string{"webhook", "result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lunas_webhook_ack_seconds", Help: "Time from request to answer.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"webhook"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.mutations, m.latency)
	}
	return m
}

// series are one webhook's series, those of every accepted delivery
// resolved once rather than looked up by their labels on each.
type series struct {
	m                *Metrics
	webhook          string
	accepted         prometheus.Counter
	mutAccepted, dup prometheus.Counter
	latency          prometheus.Observer
}

func (m *Metrics) forWebhook(webhook string) *series {
	if m == nil {
		return nil
	}
	return &series{m: m, webhook: webhook,
		accepted:    m.requests.WithLabelValues(webhook, "accepted", "200"),
		mutAccepted: m.mutations.WithLabelValues(webhook, "accepted"),
		dup:         m.mutations.WithLabelValues(webhook, "duplicate"),
		latency:     m.latency.WithLabelValues(webhook)}
}

func (s *series) observe(verdict string, code, accepted, dups int, d time.Duration) {
	if verdict == "accepted" && code == 200 {
		s.accepted.Inc()
	} else {
		s.m.requests.WithLabelValues(s.webhook, verdict, strconv.Itoa(code)).Inc()
	}
	if accepted > 0 {
		s.mutAccepted.Add(float64(accepted))
	}
	if dups > 0 {
		s.dup.Add(float64(dups))
	}
	s.latency.Observe(d.Seconds())
}
