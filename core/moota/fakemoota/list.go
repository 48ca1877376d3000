package fakemoota

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// defaultPerPage is what a Laravel paginator uses when per_page is absent.
const defaultPerPage = 10

// listMutations serves GET /mutation: filters, newest first, paginated.
func (s *Server) listMutations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v violations
	typ := q.Get("type")
	if typ != "" && typ != "CR" && typ != "DB" {
		v.add("type", "The selected type is invalid.")
	}
	start, end := q.Get("start_date"), q.Get("end_date")
	for _, d := range []struct{ field, label, val string }{{"start_date", "start date", start}, {"end_date", "end date", end}} {
		if d.val == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.val); err != nil {
			v.add(d.field, "The "+d.label+" does not match the format Y-m-d.")
		}
	}
	if start != "" && end != "" && v.errs["start_date"] == nil && v.errs["end_date"] == nil && end < start {
		v.add("end_date", "The end date must be a date after or equal to start date.")
	}
	perPage := perPageOf(q, &v)
	if v.answer(w) {
		return
	}
	s.mu.Lock()
	bankID := q.Get("bank")
	if bankID != "" && s.bank(bankID) == nil {
		s.mu.Unlock()
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Bank tidak ditemukan."})
		return
	}
	var hits []*mutation
	for _, m := range s.mutations {
		if (typ == "" || m.typ == typ) && (bankID == "" || m.bankID == bankID) &&
			(start == "" || m.day >= start) && (end == "" || m.day <= end) {
			hits = append(hits, m)
		}
	}
	slices.SortStableFunc(hits, func(a, b *mutation) int {
		return cmp.Or(strings.Compare(b.at, a.at), cmp.Compare(b.seq, a.seq))
	})
	items := make([]any, len(hits))
	for i, m := range hits {
		items[i] = m.object()
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, paginate(r, items, perPage))
}

// listBanks serves GET /bank: the user's accounts, paginated (or a bare list).
func (s *Server) listBanks(w http.ResponseWriter, r *http.Request) {
	var v violations
	perPage := perPageOf(r.URL.Query(), &v)
	if v.answer(w) {
		return
	}
	s.mu.Lock()
	items := make([]any, len(s.banks))
	for i, b := range s.banks {
		items[i] = bankObject(b)
	}
	list := s.bankList
	s.mu.Unlock()
	if list {
		writeJSON(w, http.StatusOK, items)
		return
	}
	writeJSON(w, http.StatusOK, paginate(r, items, perPage))
}

// perPageOf reads per_page: absent means the default; otherwise a positive integer.
func perPageOf(q url.Values, v *violations) int {
	s := q.Get("per_page")
	if s == "" {
		return defaultPerPage
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		v.add("per_page", "The per page must be an integer.")
		return 0
	}
	if n < 1 {
		v.add("per_page", "The per page must be at least 1.")
	}
	return n
}

// paginate is Laravel's LengthAwarePaginator as JSON. A page that is not a
// positive integer is page 1; a page past the end has no data.
func paginate(r *http.Request, items []any, perPage int) map[string]any {
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	total := len(items)
	last := max((total+perPage-1)/perPage, 1)
	from := min((page-1)*perPage, total)
	to := min(from+perPage, total)
	path := "http://" + r.Host + r.URL.Path
	pageURL := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return path + "?" + q.Encode()
	}
	var next, prev any
	if page < last {
		next = pageURL(page + 1)
	}
	if page > 1 {
		prev = pageURL(page - 1)
	}
	var fromNo, toNo any
	if from < to {
		fromNo, toNo = from+1, to
	}
	return map[string]any{
		"current_page": page, "data": items[from:to], "first_page_url": pageURL(1), "from": fromNo,
		"last_page": last, "last_page_url": pageURL(last), "next_page_url": next, "path": path,
		"per_page": perPage, "prev_page_url": prev, "to": toNo, "total": total,
	}
}
