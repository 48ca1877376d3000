package ops

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/hashicorp/go-hclog"
)

// ReviewLister lists the review records (mutations a person has to look at:
// unmatched, ambiguous, refused), newest first. The review store implements it.
type ReviewLister interface {
	// ListReview returns at most limit records, each marshalled to JSON as is.
	ListReview(ctx context.Context, limit int) ([]any, error)
}

// Limits of GET /api/review?limit=N.
const (
	DefaultReviewLimit = 100
	MaxReviewLimit     = 1000
)

// reviewList answers GET /api/review?limit=N with {"items":[...]}.
type reviewList struct {
	lister ReviewLister
	log    hclog.Logger
}

type reviewBody struct {
	Items []any `json:"items"`
}

func (h reviewList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	limit := DefaultReviewLimit
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxReviewLimit {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit must be a whole number from 1 to %d", MaxReviewLimit))
			return
		}
		limit = n
	}
	items, err := h.lister.ListReview(r.Context(), limit)
	if err != nil {
		h.log.Error("list review records", "error", err)
		writeError(w, http.StatusInternalServerError, "could not list the review records; see the server log")
		return
	}
	if items == nil {
		items = []any{}
	}
	writeJSON(w, http.StatusOK, reviewBody{Items: items})
}
