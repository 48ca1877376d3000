package ops

import (
	"net/http"
	"slices"

	"github.com/lunas-dev/lunas/core"
)

// listPage is the review list: filters, open items per reason, the items.
type listPage struct {
	page
	Status, Reason, Store string
	Statuses              []option
	Reasons               []option
	Stores                []option
	Counts                []reasonCount
	OpenTotal             int
	CountsCapped          bool
	Items                 []listRow
	Capped                bool
}

type option struct {
	Value, Label string
	Selected     bool
}

type reasonCount struct {
	Reason core.ReviewReason
	Label  string
	Count  int
	Link   string
}

type listRow struct {
	core.ReviewItem
	Path  string
	Label string
}

// statusFilters are the list's status choices; "all" means any status.
var statusFilters = []option{
	{Value: "open", Label: "Open"}, {Value: "resolved", Label: "Resolved"},
	{Value: "dismissed", Label: "Dismissed"}, {Value: "all", Label: "Any status"},
}

// list serves GET /review?status=&reason=&store=: open items by default.
func (c *console) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := listPage{page: c.page(r, "Review", "review"), Status: q.Get("status"), Reason: q.Get("reason"), Store: q.Get("store")}
	if p.Status == "" {
		p.Status = "open"
	}
	if !slices.ContainsFunc(statusFilters, func(o option) bool { return o.Value == p.Status }) {
		c.fail(w, r, http.StatusBadRequest, "status must be open, resolved, dismissed or all")
		return
	}
	if p.Reason != "" && !slices.Contains(reviewReasons, core.ReviewReason(p.Reason)) {
		c.fail(w, r, http.StatusBadRequest, "unknown reason "+p.Reason)
		return
	}
	if len(p.Store) > 200 {
		c.fail(w, r, http.StatusBadRequest, "store name too long")
		return
	}
	f := core.ReviewFilter{Status: core.ReviewStatus(p.Status), Reason: core.ReviewReason(p.Reason), Store: p.Store, Limit: DefaultReviewLimit}
	if p.Status == "all" {
		f.Status = ""
	}
	items, err := c.inbox.List(r.Context(), f)
	if err != nil {
		c.log.Error("console: list review items", "error", err)
		c.fail(w, r, http.StatusBadGateway, "the review inbox did not answer: "+err.Error())
		return
	}
	p.Capped = len(items) >= f.Limit
	for _, it := range items {
		p.Items = append(p.Items, listRow{ReviewItem: it, Path: itemPath(it.ID), Label: reasonLabel(it.Reason)})
	}
	counts, total, capped, err := c.openByReason(r)
	if err != nil {
		c.log.Error("console: count review items", "error", err)
		c.fail(w, r, http.StatusBadGateway, "the review inbox did not answer: "+err.Error())
		return
	}
	p.Counts, p.OpenTotal, p.CountsCapped = counts, total, capped

	for _, o := range statusFilters {
		o.Selected = o.Value == p.Status
		p.Statuses = append(p.Statuses, o)
	}
	p.Reasons = []option{{Value: "", Label: "Any reason", Selected: p.Reason == ""}}
	for _, rs := range reviewReasons {
		p.Reasons = append(p.Reasons, option{Value: string(rs), Label: reasonLabel(rs), Selected: p.Reason == string(rs)})
	}
	p.Stores = []option{{Value: "", Label: "Any store", Selected: p.Store == ""}}
	stores := slices.Clone(c.stores)
	if p.Store != "" && !slices.Contains(stores, p.Store) {
		stores = append(stores, p.Store) // a store no longer configured still has items
	}
	for _, s := range stores {
		p.Stores = append(p.Stores, option{Value: s, Label: s, Selected: p.Store == s})
	}
	c.render(w, http.StatusOK, "list", p)
}

// openByReason counts the open items per reason (up to MaxReviewLimit
// items; capped says there are at least that many).
func (c *console) openByReason(r *http.Request) (counts []reasonCount, total int, capped bool, err error) {
	open, err := c.inbox.List(r.Context(), core.ReviewFilter{Status: core.ReviewOpen, Limit: MaxReviewLimit})
	if err != nil {
		return nil, 0, false, err
	}
	n := map[core.ReviewReason]int{}
	for _, it := range open {
		n[it.Reason]++
	}
	for _, rs := range reviewReasons {
		counts = append(counts, reasonCount{Reason: rs, Label: reasonLabel(rs), Count: n[rs], Link: ConsolePath + "?status=open&reason=" + string(rs)})
	}
	return counts, len(open), len(open) >= MaxReviewLimit, nil
}
