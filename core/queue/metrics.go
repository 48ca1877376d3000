package queue

import (
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lunas-dev/lunas/core/payment"
)

// QueueCollector exposes every queue's depth per state at scrape time, read
// from Redis through the Asynq inspector.
type QueueCollector struct {
	Inspector *asynq.Inspector
}

var (
	queueTasksDesc   = prometheus.NewDesc("lunas_queue_tasks", "Tasks in a queue, by state.", []string{"queue", "state"}, nil)
	queuePausedDesc  = prometheus.NewDesc("lunas_queue_paused", "1 when an operator paused the queue.", []string{"queue"}, nil)
	queueLatencyDesc = prometheus.NewDesc("lunas_queue_latency_seconds", "Age of the oldest pending task.", []string{"queue"}, nil)
)

// Describe implements prometheus.Collector.
func (c QueueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueTasksDesc
	ch <- queuePausedDesc
	ch <- queueLatencyDesc
}

// Collect implements prometheus.Collector. A Redis failure yields no
// samples (and /readyz reports it) rather than a failed scrape.
func (c QueueCollector) Collect(ch chan<- prometheus.Metric) {
	queues, err := c.Inspector.Queues()
	if err != nil {
		return
	}
	for _, q := range queues {
		info, err := c.Inspector.GetQueueInfo(q)
		if err != nil {
			continue
		}
		for state, n := range map[string]int{
			"pending": info.Pending, "active": info.Active, "scheduled": info.Scheduled,
			"retry": info.Retry, "archived": info.Archived, "completed": info.Completed,
		} {
			ch <- prometheus.MustNewConstMetric(queueTasksDesc, prometheus.GaugeValue, float64(n), q, state)
		}
		paused := 0.0
		if info.Paused {
			paused = 1
		}
		ch <- prometheus.MustNewConstMetric(queuePausedDesc, prometheus.GaugeValue, paused, q)
		ch <- prometheus.MustNewConstMetric(queueLatencyDesc, prometheus.GaugeValue, info.Latency.Seconds(), q)
	}
}

// WorkerMetrics are the money path's Prometheus series. It implements
// payment.Metrics.
type WorkerMetrics struct {
	outcomes *prometheus.CounterVec
	review   *prometheus.CounterVec
	rpc      *prometheus.HistogramVec
	toPaid   prometheus.Histogram
}

var _ payment.Metrics = (*WorkerMetrics)(nil)

// NewWorkerMetrics registers the series with reg (nil: unregistered).
func NewWorkerMetrics(reg prometheus.Registerer) *WorkerMetrics {
	m := &WorkerMetrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lunas_mutations_processed_total", Help: "Mutations processed, by store and outcome.",
		}, []string{"store", "outcome"}),
		review: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lunas_review_items_created_total", Help: "New review items, by reason.",
		}, []string{"reason"}),
		rpc: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lunas_plugin_rpc_seconds", Help: "Plugin call latency by store and method.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .1, .5, 1, 5, 30},
		}, []string{"store", "method"}),
		toPaid: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lunas_mutation_to_paid_seconds", Help: "Time from webhook received to order paid.",
			Buckets: []float64{.005, .01, .02, .05, .1, .25, 1, 5, 30, 120, 600, 3600, 10800},
		}),
	}
	if reg != nil {
		reg.MustRegister(m.outcomes, m.review, m.rpc, m.toPaid)
	}
	return m
}

// Outcome counts a processed mutation.
func (m *WorkerMetrics) Outcome(store, outcome string) {
	m.outcomes.WithLabelValues(store, outcome).Inc()
}

// ReviewCreated counts a new review item.
func (m *WorkerMetrics) ReviewCreated(reason string) { m.review.WithLabelValues(reason).Inc() }

// Call observes one plugin call.
func (m *WorkerMetrics) Call(store, method string, d time.Duration) {
	m.rpc.WithLabelValues(store, method).Observe(d.Seconds())
}

// Paid observes the time from webhook received to order paid.
func (m *WorkerMetrics) Paid(d time.Duration) { m.toPaid.Observe(d.Seconds()) }
