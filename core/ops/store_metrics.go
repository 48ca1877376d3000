package ops

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// storeMetricsTimeout bounds one scrape's question to the health source.
const storeMetricsTimeout = 2 * time.Second

var (
	storeUpDesc = prometheus.NewDesc("lunas_store_up",
		"1 when the store's last call succeeded (or none was made yet), 0 while its calls fail.",
		[]string{"store"}, nil)
	storeFailingDesc = prometheus.NewDesc("lunas_store_failing_seconds",
		"How long the store's calls have been failing, in seconds; 0 when they are not.",
		[]string{"store"}, nil)
)

// StoreHealthCollector exports each store's health, read from Health at
// scrape time: lunas_store_up{store} and lunas_store_failing_seconds{store}.
// A scrape during which Health fails exports neither (the scrape itself
// still succeeds), so an alert on lunas_store_up == 0 never fires on a
// missing answer; alert on absent(lunas_store_up) for that.
type StoreHealthCollector struct {
	Health StoreHealth
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ prometheus.Collector = StoreHealthCollector{}

// Describe sends the two metrics' descriptions.
func (c StoreHealthCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- storeUpDesc
	ch <- storeFailingDesc
}

// Collect asks Health for every store's status and sends one sample of each
// metric per store.
func (c StoreHealthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), storeMetricsTimeout)
	defer cancel()
	stores, err := c.Health.Stores(ctx)
	if err != nil {
		return
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	t := now()
	for _, s := range stores {
		up, failing := 1.0, 0.0
		if s.Failing() {
			up, failing = 0, max(0, t.Sub(s.FailingSince).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(storeUpDesc, prometheus.GaugeValue, up, s.Name)
		ch <- prometheus.MustNewConstMetric(storeFailingDesc, prometheus.GaugeValue, failing, s.Name)
	}
}
