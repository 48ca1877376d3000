package ops

import (
	"errors"
	"net/http"
	"strings"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// maxConsoleFormBytes bounds a console form post; the largest is a dismiss reason.
const maxConsoleFormBytes = 16 << 10

// pay serves POST /review/{id}/pay (order=NUMBER): it applies the item's
// mutation to that order through the inbox and redirects to the item page,
// which shows the outcome.
func (c *console) pay(w http.ResponseWriter, r *http.Request) {
	if !c.checkForm(w, r) {
		return
	}
	id, order, who := r.PathValue("id"), strings.TrimSpace(r.PostForm.Get("order")), actor(r)
	item, err := c.inbox.Resolve(r.Context(), id, order, who)
	f := payOutcome(order, item, err)
	if f.Kind == "error" {
		c.log.Error("console: resolve review item", "id", id, "order", order, "actor", who, "error", err)
	} else {
		c.log.Info("console: resolve review item", "id", id, "order", order, "actor", who, "outcome", f.Title)
	}
	c.done(w, r, id, f)
}

// dismiss serves POST /review/{id}/dismiss (reason=TEXT): it closes the
// item without paying anything.
func (c *console) dismiss(w http.ResponseWriter, r *http.Request) {
	if !c.checkForm(w, r) {
		return
	}
	id, reason, who := r.PathValue("id"), strings.TrimSpace(r.PostForm.Get("reason")), actor(r)
	_, err := c.inbox.Dismiss(r.Context(), id, reason, who)
	f := flash{Kind: "ok", Title: "Dismissed: nothing will be paid for this mutation", Detail: "Reason: " + reason}
	if err != nil {
		f = refusal("Not dismissed", err)
		if f.Kind == "error" {
			c.log.Error("console: dismiss review item", "id", id, "actor", who, "error", err)
		}
	} else {
		c.log.Info("console: dismiss review item", "id", id, "actor", who)
	}
	c.done(w, r, id, f)
}

// checkForm reads a console form and checks its CSRF token. A post without
// a valid token is answered 403 here, before anything is done.
func (c *console) checkForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxConsoleFormBytes)
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, http.StatusBadRequest, "the form could not be read: "+err.Error())
		return false
	}
	// The Guard in front checked the token already; checking it here too
	// keeps the console safe should it ever be mounted without one.
	if !validCSRFToken(r, r.PostForm.Get(CSRFField)) {
		c.log.Warn("console: form refused: missing or wrong CSRF token", "remote", r.RemoteAddr, "path", r.URL.Path)
		c.fail(w, r, http.StatusForbidden, "This form did not come from this console, or it is from before lunas restarted. Nothing was done. Reload the page and try again.")
		return false
	}
	return true
}

// done redirects to the item page (post-redirect-get) with the outcome.
func (c *console) done(w http.ResponseWriter, r *http.Request, id string, f flash) {
	path := itemPath(id)
	c.key.setFlash(w, path, f)
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// payOutcome says what a resolve did: paid, already paid (the store had
// the order paid before), refused with the store's reason, or an error.
func payOutcome(order string, item core.ReviewItem, err error) flash {
	if err != nil {
		return refusal("Order "+order+" was not paid", err)
	}
	var last core.ReviewAction
	for _, a := range item.Actions {
		if a.Action == "resolve" {
			last = a
		}
	}
	if strings.Contains(last.Detail, string(sdk.OutcomeAlreadyPaid)) {
		return flash{Kind: "info", Title: "Order " + order + " was already paid", Detail: "The store had it paid before; nothing was paid twice. " + last.Detail}
	}
	return flash{Kind: "ok", Title: "Order " + order + " paid", Detail: "The store answered: " + last.Detail}
}

// refusal is the flash for an inbox error: the business refusals (the
// store refused, someone else closed the item, bad input) as "refused",
// and failures as "error".
func refusal(title string, err error) flash {
	switch {
	case errors.Is(err, core.ErrRefused):
		return flash{Kind: "refused", Title: title + ": the store refused", Detail: err.Error()}
	case errors.Is(err, core.ErrConflict), errors.Is(err, core.ErrInvalid), errors.Is(err, core.ErrNotFound):
		return flash{Kind: "refused", Title: title, Detail: err.Error()}
	}
	return flash{Kind: "error", Title: title + ": error", Detail: err.Error()}
}
