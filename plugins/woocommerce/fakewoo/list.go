package fakewoo

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// listQuery is a validated GET /orders query.
type listQuery struct {
	statuses    map[string]bool // nil: any
	after       string          // wall-clock "2006-01-02 15:04:05" to compare, "" for none
	before      string
	datesAreGMT bool
	perPage     int
	page        int
	orderBy     string
	asc         bool
	search      string
}

// parseListQuery validates parameters like WordPress's REST schema does.
func parseListQuery(q url.Values) (*listQuery, *wpError) {
	lq := &listQuery{perPage: 10, page: 1, orderBy: "date"}
	bad := map[string]string{}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			bad["per_page"] = "per_page must be between 1 (inclusive) and 100 (inclusive)"
		}
		lq.perPage = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			bad["page"] = "page must be greater than or equal to 1"
		}
		lq.page = n
	}
	if v := q.Get("status"); v != "" && v != "any" {
		lq.statuses = map[string]bool{}
		for _, st := range strings.Split(v, ",") {
			st = strings.TrimSpace(st)
			if !slices.Contains(orderStatuses, st) && st != "trash" && st != "any" {
				bad["status"] = fmt.Sprintf("status[0] is not one of any, trash, auto-draft, %s.", strings.Join(orderStatuses, ", "))
			}
			lq.statuses[st] = true
		}
	}
	lq.datesAreGMT = q.Get("dates_are_gmt") == "true" || q.Get("dates_are_gmt") == "1"
	for name, dst := range map[string]*string{"after": &lq.after, "before": &lq.before} {
		if v := q.Get(name); v != "" {
			wall, ok := wallClock(v)
			if !ok {
				bad[name] = "Invalid date."
			}
			*dst = wall
		}
	}
	switch v := q.Get("orderby"); v {
	case "", "date", "id", "modified":
		if v != "" {
			lq.orderBy = v
		}
	default:
		bad["orderby"] = "orderby is not one of date, id, include, title, slug, modified."
	}
	switch q.Get("order") {
	case "", "desc":
	case "asc":
		lq.asc = true
	default:
		bad["order"] = "order is not one of asc, desc."
	}
	lq.search = strings.ToLower(q.Get("search"))
	if len(bad) > 0 {
		return nil, invalidParams(bad)
	}
	return lq, nil
}

// wallClock parses a date as WordPress's rest_parse_date accepts it (T or
// space, optional fraction, optional zone) and returns the wall-clock time
// in the date's own zone, the way WP_Date_Query compares it with a column.
func wallClock(v string) (string, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("2006-01-02 15:04:05"), true
		}
	}
	return "", false
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request, key *Key) {
	if key == nil {
		writeError(w, forbidden("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."))
		return
	}
	lq, werr := parseListQuery(r.URL.Query())
	if werr != nil {
		writeError(w, werr)
		return
	}
	var matched []*Order
	for _, rec := range s.orders {
		if s.matches(&rec.order, lq) {
			matched = append(matched, &rec.order)
		}
	}
	slices.SortFunc(matched, func(a, b *Order) int {
		c := compareOrders(a, b, lq.orderBy)
		if lq.asc {
			return c
		}
		return -c
	})
	total := len(matched)
	pages := (total + lq.perPage - 1) / lq.perPage
	from := total
	if lq.page <= pages {
		from = (lq.page - 1) * lq.perPage
	}
	to := min(from+lq.perPage, total)
	fields := fieldsOf(r)
	out := make([]map[string]any, 0, to-from)
	for _, o := range matched[from:to] {
		out = append(out, fields.apply(s.renderOrder(o)))
	}
	w.Header().Set("X-WP-Total", strconv.Itoa(total))
	w.Header().Set("X-WP-TotalPages", strconv.Itoa(pages))
	if link := s.pageLinks(r, lq.page, pages); link != "" {
		w.Header().Set("Link", link)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) matches(o *Order, lq *listQuery) bool {
	if lq.statuses != nil && !lq.statuses[o.Status] {
		return false
	}
	if lq.statuses == nil && o.Status == "checkout-draft" {
		return false // "any" leaves drafts out
	}
	created := o.Created.In(s.loc)
	if lq.datesAreGMT {
		created = o.Created.UTC()
	}
	wall := created.Format("2006-01-02 15:04:05")
	if lq.after != "" && wall <= lq.after {
		return false
	}
	if lq.before != "" && wall >= lq.before {
		return false
	}
	if lq.search != "" && !strings.Contains(strings.ToLower(o.Number+" "+o.Customer), lq.search) {
		return false
	}
	return true
}

func compareOrders(a, b *Order, by string) int {
	var c int
	switch by {
	case "modified":
		c = a.Modified.Compare(b.Modified)
	case "date":
		c = a.Created.Compare(b.Created)
	}
	if c == 0 {
		c = cmp.Compare(a.ID, b.ID)
	}
	return c
}

// pageLinks builds the Link header WordPress sends (prev and next).
func (s *Server) pageLinks(r *http.Request, page, pages int) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	link := func(p int, rel string) string {
		q := url.Values{}
		for k, vs := range r.URL.Query() {
			if !hasCredentialParam(k) {
				q[k] = vs
			}
		}
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf("<%s://%s%s?%s>; rel=\"%s\"", scheme, r.Host, r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if page > 1 && page <= pages+1 {
		links = append(links, link(page-1, "prev"))
	}
	if page < pages {
		links = append(links, link(page+1, "next"))
	}
	return strings.Join(links, ", ")
}
