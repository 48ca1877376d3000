package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/go-hclog"

	"github.com/lunas-dev/lunas/core"
)

// Inbox is the review inbox the admin API serves. payment.Inbox implements it.
type Inbox interface {
	List(ctx context.Context, f core.ReviewFilter) ([]core.ReviewItem, error)
	Get(ctx context.Context, id string) (core.ReviewItem, error)
	Resolve(ctx context.Context, id, orderNumber, actor string) (core.ReviewItem, error)
	Dismiss(ctx context.Context, id, reason, actor string) (core.ReviewItem, error)
}

// Replayer runs archived tasks again. queue.Replayer implements it.
type Replayer interface {
	Replay(ctx context.Context, req core.ReplayRequest) (int, error)
}

// Limits of GET /api/review?limit=N.
const (
	DefaultReviewLimit = 100
	MaxReviewLimit     = 1000
)

// reviewAPI serves the review inbox:
//
//	GET  /api/review?status=&reason=&store=&limit=  {"items":[...]}
//	GET  /api/review/{id}
//	POST /api/review/{id}/resolve  {"order":"1042"}
//	POST /api/review/{id}/dismiss  {"reason":"customer refunded by hand"}
//
// The actor recorded for an action is the admin login, plus the name a
// client gives in X-Lunas-Actor (the CLI sends the operator's user name).
type reviewAPI struct {
	inbox Inbox
	log   hclog.Logger
}

type reviewBody struct {
	Items []core.ReviewItem `json:"items"`
}

func (h reviewAPI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := core.ReviewFilter{Status: core.ReviewStatus(q.Get("status")), Reason: core.ReviewReason(q.Get("reason")), Store: q.Get("store"), Limit: DefaultReviewLimit}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxReviewLimit {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit must be a whole number from 1 to %d", MaxReviewLimit))
			return
		}
		f.Limit = n
	}
	switch f.Status {
	case "", core.ReviewOpen, core.ReviewResolved, core.ReviewDismissed:
	default:
		writeError(w, http.StatusBadRequest, "status must be open, resolved or dismissed")
		return
	}
	items, err := h.inbox.List(r.Context(), f)
	if err != nil {
		h.fail(w, "list review items", err)
		return
	}
	if items == nil {
		items = []core.ReviewItem{}
	}
	writeJSON(w, http.StatusOK, reviewBody{Items: items})
}

func (h reviewAPI) get(w http.ResponseWriter, r *http.Request) {
	id := reviewID(w, r)
	if id == "" {
		return
	}
	item, err := h.inbox.Get(r.Context(), id)
	if err != nil {
		h.fail(w, "get review item", err)
		return
	}
	writeJSON(w, http.StatusOK, item)
}

func (h reviewAPI) resolve(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Order string `json:"order"`
	}
	id := reviewID(w, r)
	if id == "" || !decodeBody(w, r, &body) {
		return
	}
	item, err := h.inbox.Resolve(r.Context(), id, body.Order, actor(r))
	if err != nil {
		h.fail(w, "resolve review item", err)
		return
	}
	h.log.Info("review item resolved", "id", item.ID, "order", body.Order, "actor", actor(r))
	writeJSON(w, http.StatusOK, item)
}

func (h reviewAPI) dismiss(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason string `json:"reason"`
	}
	id := reviewID(w, r)
	if id == "" || !decodeBody(w, r, &body) {
		return
	}
	item, err := h.inbox.Dismiss(r.Context(), id, body.Reason, actor(r))
	if err != nil {
		h.fail(w, "dismiss review item", err)
		return
	}
	h.log.Info("review item dismissed", "id", item.ID, "actor", actor(r))
	writeJSON(w, http.StatusOK, item)
}

// replayAPI serves POST /api/replay {"queue":"store:x","task_id":"..."} or
// {"queue":"store:x","state":"archived"}.
type replayAPI struct {
	replayer Replayer
	log      hclog.Logger
}

func (h replayAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req core.ReplayRequest
	if !decodeBody(w, r, &req) {
		return
	}
	n, err := h.replayer.Replay(r.Context(), req)
	if err != nil {
		(reviewAPI{log: h.log}).fail(w, "replay", err)
		return
	}
	h.log.Info("tasks replayed", "queue", req.Queue, "state", req.State, "task_id", req.TaskID, "count", n, "actor", actor(r))
	writeJSON(w, http.StatusOK, map[string]int{"replayed": n})
}

// fail maps the inbox's errors to status codes with their message.
func (h reviewAPI) fail(w http.ResponseWriter, what string, err error) {
	switch {
	case errors.Is(err, core.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, core.ErrConflict):
		writeError(w, http.StatusConflict, err.Error())
	case errors.Is(err, core.ErrRefused):
		writeError(w, http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, core.ErrInvalid):
		writeError(w, http.StatusBadRequest, err.Error())
	default:
		h.log.Error(what, "error", err)
		writeError(w, http.StatusBadGateway, what+": "+err.Error())
	}
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "request body must be a JSON object: "+err.Error())
		return false
	}
	return true
}

// printable drops control and format characters (ESC, U+2028, bidi
// overrides) from a client-given name before it is stored in the audit
// trail and shown on terminals.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
}

// validReviewID reports whether id can be a review item's id: a task id
// such as "moota:{bank_id}:{mutation_id}", of the characters ids may hold
// plus ':'. Anything else is refused before it reaches a Redis key.
func validReviewID(id string) bool {
	if id == "" || len(id) > 3*core.MaxIDLen {
		return false
	}
	for _, part := range strings.Split(id, ":") {
		if part != "" && !core.ValidID(part) {
			return false
		}
	}
	return true
}

// reviewID is the {id} of the request path, or "" after answering 400.
func reviewID(w http.ResponseWriter, r *http.Request) string {
	id := r.PathValue("id")
	if !validReviewID(id) {
		writeError(w, http.StatusBadRequest, "a review id holds only letters, digits, '.', '_', '-' and ':'")
		return ""
	}
	return id
}

// actor names who acted: the admin login and the client's X-Lunas-Actor.
func actor(r *http.Request) string {
	user, _, _ := r.BasicAuth()
	client := printable(r.Header.Get("X-Lunas-Actor"))
	if len(client) > 100 {
		client = strings.ToValidUTF8(client[:100], "")
	}
	switch {
	case user != "" && client != "":
		return user + " (" + client + ")"
	case user != "":
		return user
	case client != "":
		return client + " (no admin login)"
	}
	return "admin (no login, loopback)"
}
