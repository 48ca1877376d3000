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

func (m *Metrics) observe(webhook, verdict string, code, accepted, dups int, d time.Duration) {
	m.requests.WithLabelValues(webhook, verdict, strconv.Itoa(code)).Inc()
	if accepted > 0 {
		m.mutations.WithLabelValues(webhook, "accepted").Add(float64(accepted))
	}
	if dups > 0 {
		m.mutations.WithLabelValues(webhook, "duplicate").Add(float64(dups))
	}
	m.latency.WithLabelValues(webhook).Observe(d.Seconds())
}
