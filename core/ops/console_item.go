package ops

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// itemPage is one review item: the mutation, the candidates, the history
// and the forms that settle it.
type itemPage struct {
	page
	Item       core.ReviewItem
	Label      string
	Path       string
	Open       bool
	Mutation   mutationView
	Candidates []candidateView
	Actions    []core.ReviewAction
	Queue      string
	TaskURL    string
	Flash      *flash
}

// mutationView is the mutation as the bank wrote it.
type mutationView struct {
	ID, BankID, AccountNumber, BankType, Type string
	Amount                                    sdk.Amount
	Date                                      time.Time
	Description, Note                         string
	Raw                                       string // the JSON Moota sent, minus bank.meta, indented
}

type candidateView struct {
	core.OrderRef
	URL string
}

// item serves GET /review/{id}.
func (c *console) item(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	item, err := c.inbox.Get(r.Context(), id)
	if err != nil {
		c.inboxFailed(w, r, "get review item", err)
		return
	}
	path := itemPath(item.ID)
	p := itemPage{
		page: c.page(r, "Review "+item.ID, "review"), Item: item, Label: reasonLabel(item.Reason),
		Path: path, Open: item.Status == core.ReviewOpen, Mutation: mutationOf(item),
		Actions: item.Actions, Queue: taskQueue(item), Flash: c.key.takeFlash(w, r, path),
	}
	p.TaskURL = taskURL(p.Queue, item.ID)
	for _, o := range item.Candidates {
		v := candidateView{OrderRef: o}
		if c.orderURL != nil {
			v.URL = c.orderURL(item.Store, o)
		}
		p.Candidates = append(p.Candidates, v)
	}
	c.render(w, http.StatusOK, "item", p)
}

// mutationOf reads the fields the bank wrote from the stored mutation,
// falling back to the item's copy of them when it has none.
func mutationOf(item core.ReviewItem) mutationView {
	v := mutationView{ID: item.MutationID, BankID: item.BankID, Type: item.Type, Amount: item.Amount,
		Date: item.Date, Description: item.Description}
	if len(item.Mutation) == 0 {
		return v
	}
	var buf bytes.Buffer
	if json.Indent(&buf, item.Mutation, "", "  ") == nil {
		v.Raw = buf.String()
	}
	if m, err := core.ParseMutation(item.Mutation); err == nil {
		v.AccountNumber, v.BankType, v.Note = m.AccountNumber, m.BankType, m.Note
	}
	return v
}

// inboxFailed answers a failed inbox read with the page its error calls for.
func (c *console) inboxFailed(w http.ResponseWriter, r *http.Request, what string, err error) {
	switch {
	case errors.Is(err, core.ErrNotFound):
		c.fail(w, r, http.StatusNotFound, err.Error())
	case errors.Is(err, core.ErrInvalid):
		c.fail(w, r, http.StatusBadRequest, err.Error())
	default:
		c.log.Error("console: "+what, "error", err)
		c.fail(w, r, http.StatusBadGateway, "the review inbox did not answer: "+err.Error())
	}
}
