package woo

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

const (
	pageSize    = 100  // WooCommerce's maximum per_page
	pageWorkers = 4    // pages fetched at once after the first
	maxPages    = 1000 // 100,000 open orders in one match window is a misconfiguration
)

// openStatuses are the statuses of orders awaiting a bank transfer: the
// bacs gateway leaves orders on-hold; pending ones were created but not
// completed at checkout, or by an admin.
var openStatuses = map[string]bool{"on-hold": true, "pending": true}

// FindOpenOrders lists on-hold and pending orders created since req.Since
// that were placed with one of the configured payment methods and, when
// req.Amount is not zero, whose total is exactly req.Amount. WooCommerce
// cannot filter by total or payment method, so every page of open orders in
// the window is read and filtered here. Orders WooCommerce already records
// a payment for are left out unless Lunas's marker is on them (PaidBy).
//
// Pages are fetched by number, as X-WP-TotalPages announces them, and
// reading goes on past the last announced page while pages come back full,
// so orders placed during the scan cannot push an older one out of reach.
func (s *Store) FindOpenOrders(ctx context.Context, req *sdk.FindOpenOrdersRequest) (*sdk.FindOpenOrdersResponse, error) {
	cfg, c, err := s.current()
	if err != nil {
		return nil, err
	}
	pages, err := c.listOpenOrders(ctx, req.Since)
	if err != nil {
		return nil, err
	}
	seen := make(map[int64]bool)
	out := &sdk.FindOpenOrdersResponse{Orders: []sdk.Order{}}
	for _, page := range pages {
		for i := range page {
			o := &page[i]
			if seen[o.ID] || !s.isCandidate(cfg, o) {
				continue
			}
			seen[o.ID] = true
			order, err := o.toSDK()
			if err != nil {
				s.log.Warn("skipping an order Lunas cannot read", "order_id", o.ID, "error", err.Error())
				continue
			}
			if req.Amount != 0 && order.Amount != req.Amount {
				continue
			}
			out.Orders = append(out.Orders, order)
		}
	}
	return out, nil
}

func (s *Store) isCandidate(cfg *config, o *wcOrder) bool {
	if !openStatuses[o.Status] || !cfg.methods[o.PaymentMethod] {
		return false
	}
	return o.marker() != "" || !o.paymentRecorded()
}

// listQuery is the query for one page of open orders created after since.
func listQuery(since time.Time, page int) url.Values {
	q := url.Values{
		"status":   {"on-hold,pending"},
		"per_page": {strconv.Itoa(pageSize)},
		"page":     {strconv.Itoa(page)},
		"orderby":  {"date"},
		"order":    {"desc"},
		"_fields":  {orderFields},
	}
	if !since.IsZero() {
		// "after" is exclusive and WooCommerce keeps whole seconds: step back
		// one second so an order placed in Since's own second is included.
		q.Set("after", since.UTC().Truncate(time.Second).Add(-time.Second).Format(time.RFC3339))
		q.Set("dates_are_gmt", "true")
	}
	return q
}

// listOpenOrders reads every page of open orders created since since.
func (c *client) listOpenOrders(ctx context.Context, since time.Time) ([][]wcOrder, error) {
	var first []wcOrder
	h, err := c.do(ctx, "GET", "/orders", listQuery(since, 1), nil, &first)
	if err != nil {
		return nil, err
	}
	total := totalPages(h)
	if total > maxPages {
		return nil, sdk.Permanentf("woocommerce GET /orders: %d pages of open orders since %s; Lunas reads at most %d (narrow match.window)",
			total, since.UTC().Format(time.RFC3339), maxPages)
	}
	pages := [][]wcOrder{first}
	if total > 1 {
		rest, err := c.fetchPages(ctx, since, 2, total)
		if err != nil {
			return nil, err
		}
		pages = append(pages, rest...)
	}
	for n := max(total, 1) + 1; len(pages[len(pages)-1]) >= pageSize && n <= maxPages; n++ {
		var more []wcOrder
		if _, err := c.do(ctx, "GET", "/orders", listQuery(since, n), nil, &more); err != nil {
			return nil, err
		}
		pages = append(pages, more)
	}
	return pages, nil
}

// fetchPages fetches pages from..to with up to pageWorkers requests in
// flight; the first failure cancels the rest and is returned.
func (c *client) fetchPages(ctx context.Context, since time.Time, from, to int) ([][]wcOrder, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([][]wcOrder, to-from+1)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	next := make(chan int)
	for range min(pageWorkers, len(results)) {
		wg.Go(func() {
			for n := range next {
				var page []wcOrder
				if _, err := c.do(ctx, "GET", "/orders", listQuery(since, n), nil, &page); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					continue
				}
				results[n-from] = page
			}
		})
	}
feed:
	for n := from; n <= to; n++ {
		select {
		case next <- n:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, sdk.Retryable(err, 0)
	}
	return results, nil
}

// totalPages reads X-WP-TotalPages; a missing or bad header means one page.
func totalPages(h http.Header) int {
	n, err := strconv.Atoi(h.Get("X-WP-TotalPages"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}
