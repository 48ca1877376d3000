package ops

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/hibiken/asynq"
)

// overviewPage is the state of the bridge at a glance.
type overviewPage struct {
	page
	// Payments applied; PaymentsNote says why they are missing.
	Today, LastHour *PaymentTotals
	PaymentsNote    string
	// Open review items by reason.
	Reasons      []reasonCount
	OpenTotal    int
	ReviewCapped bool
	ReviewNote   string
	// The queues of configured stores (and the unrouted queue), and the
	// orphans: store queues no configured store drains.
	Queues, Orphans []queueView
	QueuesNote      string
	// Stores whose calls fail; HealthNote says why it is missing.
	Failing    []StoreStatus
	Healthy    []string
	HealthNote string
}

// queueView is one Asynq queue's backlog.
type queueView struct {
	Name, Store, URL                                  string
	Exists                                            bool
	Size, Pending, Active, Scheduled, Retry, Archived int
	OldestPendingSince                                time.Time
	OldestPendingFor                                  string
	Paused                                            bool
	Commands                                          []string
}

// overview serves GET /review/overview. Each section stands alone: a
// source that is not wired or does not answer says so in its section.
func (c *console) overview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := c.now()
	p := overviewPage{page: c.page(r, "Overview", "overview")}

	if c.payments == nil {
		p.PaymentsNote = "Not available: this process has no payment counter."
	} else if today, err := c.payments.Applied(ctx, startOfDay(now)); err != nil {
		p.PaymentsNote = "Not available: " + err.Error()
	} else if hour, err := c.payments.Applied(ctx, now.Add(-time.Hour)); err != nil {
		p.PaymentsNote = "Not available: " + err.Error()
	} else {
		p.Today, p.LastHour = &today, &hour
	}

	if counts, total, capped, err := c.openByReason(r); err != nil {
		p.ReviewNote = "Not available: " + err.Error()
	} else {
		p.Reasons, p.OpenTotal, p.ReviewCapped = counts, total, capped
	}

	if queues, orphans, err := c.queueViews(now); err != nil {
		p.QueuesNote = "Not available: " + err.Error()
	} else {
		p.Queues, p.Orphans = queues, orphans
	}

	p.Failing, p.Healthy, p.HealthNote = c.storeHealth(ctx)
	c.render(w, http.StatusOK, "overview", p)
}

// queueViews reads every store queue's backlog from Asynq: the configured
// stores' queues (in config order), the unrouted queue, and as orphans the
// "store:X" queues whose X is not configured.
func (c *console) queueViews(now time.Time) (queues, orphans []queueView, err error) {
	names, err := c.queues.Queues()
	if err != nil {
		return nil, nil, err
	}
	for _, s := range c.stores {
		v, err := c.queueView(now, storeQueuePrefix+s, slices.Contains(names, storeQueuePrefix+s))
		if err != nil {
			return nil, nil, err
		}
		v.Store = s
		queues = append(queues, v)
	}
	if slices.Contains(names, unroutedQueue) {
		v, err := c.queueView(now, unroutedQueue, true)
		if err != nil {
			return nil, nil, err
		}
		queues = append(queues, v)
	}
	found, err := OrphanQueues(c.queues, c.stores)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range found {
		v := viewOf(now, o.Name, o.Info)
		v.Store, v.Commands = o.Store, o.Commands
		orphans = append(orphans, v)
	}
	return queues, orphans, nil
}

func (c *console) queueView(now time.Time, name string, exists bool) (queueView, error) {
	v := queueView{Name: name, URL: queueURL(name), Exists: exists}
	if !exists {
		return v, nil
	}
	info, err := c.queues.GetQueueInfo(name)
	if errors.Is(err, asynq.ErrQueueNotFound) {
		v.Exists = false
		return v, nil
	}
	if err != nil {
		return v, err
	}
	return viewOf(now, name, info), nil
}

// viewOf is the backlog of queue name from its Asynq counts.
func viewOf(now time.Time, name string, info *asynq.QueueInfo) queueView {
	v := queueView{Name: name, URL: queueURL(name), Exists: true}
	v.Size, v.Pending, v.Active, v.Scheduled, v.Retry, v.Archived = info.Size, info.Pending, info.Active, info.Scheduled, info.Retry, info.Archived
	v.Paused = info.Paused
	if info.Pending > 0 {
		// Asynq's latency is the age of the queue's oldest pending task.
		v.OldestPendingSince = now.Add(-info.Latency)
		v.OldestPendingFor = ago(now, v.OldestPendingSince)
	}
	return v
}

// storeHealth splits the stores into failing (longest failing first) and
// healthy ones.
func (c *console) storeHealth(ctx context.Context) (failing []StoreStatus, healthy []string, note string) {
	if c.health == nil {
		return nil, nil, "Not available: this process does not track store health."
	}
	all, err := c.health.Stores(ctx)
	if err != nil {
		return nil, nil, "Not available: " + err.Error()
	}
	for _, s := range all {
		if s.Failing() {
			failing = append(failing, s)
		} else {
			healthy = append(healthy, s.Name)
		}
	}
	sort.Slice(failing, func(i, j int) bool { return failing[i].FailingSince.Before(failing[j].FailingSince) })
	sort.Strings(healthy)
	return failing, healthy, ""
}
