package queue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// Inbox is the review inbox's behaviour: what a person can do with an item.
// Resolving applies the payment through the store plugin exactly as the
// worker would (same idempotency key), so a resolve racing a retry, or two
// people resolving at once, pay the order once. Every action is recorded
// on the item with who did it and when.
type Inbox struct {
	Store  core.ReviewStore
	Worker *Worker
}

// Get returns one item.
func (in *Inbox) Get(ctx context.Context, id string) (core.ReviewItem, error) {
	return in.Store.GetReview(ctx, id)
}

// List returns the items passing f.
func (in *Inbox) List(ctx context.Context, f core.ReviewFilter) ([]core.ReviewItem, error) {
	return in.Store.ListReview(ctx, f)
}

// Dismiss closes an open item without paying anything.
func (in *Inbox) Dismiss(ctx context.Context, id, reason, actor string) (core.ReviewItem, error) {
	if strings.TrimSpace(reason) == "" {
		return core.ReviewItem{}, fmt.Errorf("a reason is required to dismiss a review item: %w", core.ErrInvalid)
	}
	return in.Store.UpdateReview(ctx, id, func(item *core.ReviewItem) error {
		if err := stillOpen(item); err != nil {
			return err
		}
		item.Status = core.ReviewDismissed
		item.Actions = append(item.Actions, core.ReviewAction{At: time.Now().UTC(), Actor: actor, Action: "dismiss", Detail: reason})
		return nil
	})
}

// Resolve pays the order numbered orderNumber with the item's mutation.
// The order must be open in the item's store with the mutation's exact
// amount; the store re-checks it. A refusal leaves the item open (and
// says why, wrapping core.ErrRefused); an item already resolved or dismissed
// is refused with who closed it and when (wrapping core.ErrConflict).
func (in *Inbox) Resolve(ctx context.Context, id, orderNumber, actor string) (core.ReviewItem, error) {
	orderNumber = strings.TrimSpace(orderNumber)
	if orderNumber == "" {
		return core.ReviewItem{}, fmt.Errorf("an order number is required to resolve a review item: %w", core.ErrInvalid)
	}
	// The item stays claimed while the store is called, so a second resolve
	// cannot start until the first one has finished (a claim older than two
	// minutes is taken to be from a process that died).
	_, err := in.Store.UpdateReview(ctx, id, func(item *core.ReviewItem) error {
		if err := stillOpen(item); err != nil {
			return err
		}
		if item.ClaimedBy != "" && time.Since(item.ClaimedAt) < 2*time.Minute {
			return fmt.Errorf("review item %s is being resolved by %s right now: %w", id, item.ClaimedBy, core.ErrConflict)
		}
		item.ClaimedBy, item.ClaimedAt = actor, time.Now().UTC()
		return nil
	})
	if err != nil {
		return core.ReviewItem{}, err
	}
	item, err := in.Store.GetReview(ctx, id)
	if err != nil {
		return core.ReviewItem{}, err
	}
	outcome, applyErr := in.apply(ctx, item, orderNumber)
	item, err = in.Store.UpdateReview(ctx, id, func(item *core.ReviewItem) error {
		now := time.Now().UTC()
		item.ClaimedBy, item.ClaimedAt = "", time.Time{}
		switch {
		case applyErr != nil:
			item.Actions = append(item.Actions, core.ReviewAction{At: now, Actor: actor, Action: "resolve_failed", Detail: "order " + orderNumber + ": " + applyErr.Error()})
		case outcome.Outcome == sdk.OutcomeRefused:
			item.Actions = append(item.Actions, core.ReviewAction{At: now, Actor: actor, Action: "resolve_refused", Detail: "order " + orderNumber + ": " + outcome.Reason})
		default:
			item.Status = core.ReviewResolved
			item.ResolvedOrder = orderNumber
			item.Actions = append(item.Actions, core.ReviewAction{At: now, Actor: actor, Action: "resolve", Detail: fmt.Sprintf("order %s: %s (status %s)", orderNumber, outcome.Outcome, outcome.Status)})
		}
		return nil
	})
	switch {
	case err != nil:
		return item, err
	case applyErr != nil:
		return item, applyErr
	case outcome.Outcome == sdk.OutcomeRefused:
		return item, fmt.Errorf("order %s: %s: %w", orderNumber, outcome.Reason, core.ErrRefused)
	}
	return item, nil
}

func stillOpen(item *core.ReviewItem) error {
	if item.Status == core.ReviewOpen {
		return nil
	}
	last := core.ReviewAction{}
	for _, a := range item.Actions {
		if a.Action == "resolve" || a.Action == "dismiss" {
			last = a
		}
	}
	return fmt.Errorf("review item %s was already %s by %s at %s (%s): %w",
		item.ID, item.Status, last.Actor, last.At.Format(time.RFC3339), last.Detail, core.ErrConflict)
}

func (in *Inbox) apply(ctx context.Context, item core.ReviewItem, orderNumber string) (*sdk.ApplyPaymentResponse, error) {
	if in.Worker == nil {
		return nil, fmt.Errorf("this process runs no store plugins (--role receiver): resolve through a worker's admin listener: %w", core.ErrConflict)
	}
	if len(item.Mutation) == 0 {
		return nil, errors.New("the review item holds no mutation to apply")
	}
	m, err := core.ParseMutation(item.Mutation)
	if err != nil {
		return nil, err
	}
	if m.Type != core.Credit {
		return nil, fmt.Errorf("mutation %s is a debit: it cannot pay an order: %w", m.ID, core.ErrInvalid)
	}
	route, ok := in.Worker.cfg.Routes.ForBank(m.BankID)
	if !ok {
		return nil, fmt.Errorf("no store in lunas.hcl lists bank_id %s", m.BankID)
	}
	window := route.Window
	if window <= 0 {
		window = 168 * time.Hour
	}
	var found *sdk.FindOpenOrdersResponse
	err = in.Worker.call(ctx, route, "FindOpenOrders", func(ctx context.Context) (err error) {
		found, err = route.Store.FindOpenOrders(ctx, &sdk.FindOpenOrdersRequest{Amount: m.Amount, Since: time.Now().Add(-window), Hints: []string{orderNumber}, BankID: m.BankID})
		return err
	})
	if err != nil {
		return nil, err
	}
	want := strings.TrimPrefix(orderNumber, "#")
	var order *sdk.Order
	for i, o := range found.Orders {
		if strings.TrimPrefix(o.Number, "#") == want && o.Amount == m.Amount {
			order = &found.Orders[i]
			break
		}
	}
	if order == nil {
		return nil, fmt.Errorf("order %s is not an open order of %s in store %q (created in the last %s): %w", orderNumber, m.Amount, route.Name, window, core.ErrNotFound)
	}
	if err := in.Worker.remember(ctx, &m, *order); err != nil {
		return nil, err
	}
	resp, err := in.Worker.Apply(ctx, route, &m, *order)
	if err != nil {
		return nil, err
	}
	if resp.Outcome == sdk.OutcomePaid || resp.Outcome == sdk.OutcomeAlreadyPaid {
		if err := in.Worker.afterPaid(ctx, route, &m, *order); err != nil {
			return nil, err
		}
	}
	return resp, nil
}
