package queue

import (
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
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
