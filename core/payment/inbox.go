package payment

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/sdk"
)

// Inbox is the review inbox's behaviour: what a person can do with an item.
// Resolving applies the payment through Service.Pay, exactly as the worker
// would (same idempotency key), so a resolve racing a retry, or two people
// resolving at once, pay the order once. Every action is recorded on the
// item with who did it and when. It is safe for concurrent use.
type Inbox struct {
	Store core.ReviewStore // required
	// Payments applies resolutions. Nil (a receiver-only process runs no
	// store plugins): items can be listed and dismissed, not resolved.
	Payments *Service
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (in *Inbox) now() time.Time {
	if in.Now != nil {
		return in.Now().UTC()
	}
	return time.Now().UTC()
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
		item.Actions = append(item.Actions, core.ReviewAction{At: in.now(), Actor: actor, Action: "dismiss", Detail: reason})
		return nil
	})
}

// Resolve pays the order numbered orderNumber with the item's mutation.
// The order must be open in the item's store with the mutation's exact
// amount; the store re-checks it. A refusal leaves the item open (and says
// why, wrapping core.ErrRefused); an item already resolved or dismissed is
// refused with who closed it and when (wrapping core.ErrConflict).
func (in *Inbox) Resolve(ctx context.Context, id, orderNumber, actor string) (core.ReviewItem, error) {
	orderNumber = strings.TrimSpace(orderNumber)
	if orderNumber == "" {
		return core.ReviewItem{}, fmt.Errorf("an order number is required to resolve a review item: %w", core.ErrInvalid)
	}
	// The item stays claimed while the store is called, so a second resolve
	// cannot start until the first one has finished.
	item, err := in.Store.UpdateReview(ctx, id, func(item *core.ReviewItem) error {
		if err := stillOpen(item); err != nil {
			return err
		}
		if item.ClaimedBy != "" && in.now().Sub(item.ClaimedAt) < ClaimTimeout {
			return fmt.Errorf("review item %s is being resolved by %s right now: %w", id, item.ClaimedBy, core.ErrConflict)
		}
		item.ClaimedBy, item.ClaimedAt = actor, in.now()
		return nil
	})
	if err != nil {
		return core.ReviewItem{}, err
	}
	outcome, applyErr := in.pay(ctx, item, orderNumber)
	item, err = in.Store.UpdateReview(ctx, id, func(item *core.ReviewItem) error {
		now := in.now()
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

// stillOpen refuses an item a person already closed, saying who and when.
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

func (in *Inbox) pay(ctx context.Context, item core.ReviewItem, orderNumber string) (*sdk.ApplyPaymentResponse, error) {
	if in.Payments == nil {
		return nil, fmt.Errorf("this process runs no store plugins (--role receiver): resolve through a worker's admin listener: %w", core.ErrConflict)
	}
	if len(item.Mutation) == 0 {
		return nil, fmt.Errorf("the review item holds no mutation to apply: %w", core.ErrInvalid)
	}
	m, err := core.ParseMutation(item.Mutation)
	if err != nil {
		return nil, fmt.Errorf("the review item's mutation: %v: %w", err, core.ErrInvalid)
	}
	return in.Payments.PayOrder(ctx, &m, orderNumber)
}

// PayOrder applies the credit m to the order numbered orderNumber, a
// person's decision from the review inbox. The order must be open in the
// store that owns m's account, with m's exact amount; it is remembered as
// the mutation's choice first, so a worker retrying m goes to the same
// order. The store's answer is returned as it is (paid, already paid,
// refused); errors wrap core.ErrInvalid, core.ErrNotFound or the store's.
func (s *Service) PayOrder(ctx context.Context, m *core.Mutation, orderNumber string) (*sdk.ApplyPaymentResponse, error) {
	if m.Type != core.Credit {
		return nil, fmt.Errorf("mutation %s is a debit: it cannot pay an order: %w", m.ID, core.ErrInvalid)
	}
	route, ok := s.cfg.Routes.ForBank(m.BankID)
	if !ok {
		return nil, fmt.Errorf("no store in lunas.hcl lists bank_id %s: %w", m.BankID, core.ErrNotFound)
	}
	if m.Amount <= 0 {
		return nil, fmt.Errorf("mutation %s is a credit of Rp %s: it cannot pay an order: %w", m.ID, m.Amount, core.ErrInvalid)
	}
	want := strings.TrimPrefix(orderNumber, "#")
	// A credit pays at most one order, ever: once it paid one, a person can
	// confirm that order again but not pay another with it.
	if done, ok, err := s.applied(ctx, m); err != nil {
		return nil, err
	} else if ok && strings.TrimPrefix(done.OrderNumber, "#") != want {
		return nil, fmt.Errorf("mutation %s already paid order %s in store %s: it cannot pay order %s too: %w", m.ID, done.OrderNumber, done.Store, orderNumber, core.ErrConflict)
	}
	// The person chose the order: no matching rule is second-guessed but the
	// exact amount and that the order existed within the window before the
	// money arrived (a customer may place the order after paying, so no
	// upper bound); the store re-checks that the order is still open.
	w := s.orderWindow(route, m)
	orders, err := s.find(ctx, route, m, w.Since, []string{orderNumber})
	if err != nil {
		return nil, err
	}
	var order *sdk.Order
	for i, o := range orders {
		if strings.TrimPrefix(o.Number, "#") == want && o.Amount == m.Amount && (core.Window{Since: w.Since}).Contains(o.CreatedAt) {
			order = &orders[i]
			break
		}
	}
	if order == nil {
		return nil, fmt.Errorf("order %s is not an open order of %s in store %q created since %s: %w", orderNumber, m.Amount, route.Name, w.Since.In(core.Jakarta).Format(timeLayout), core.ErrNotFound)
	}
	if err := s.cfg.Choices.Choose(ctx, m.TaskID(), *order); err != nil {
		return nil, err
	}
	resp, err := s.apply(ctx, route, m, *order)
	if err != nil {
		return nil, err
	}
	if resp.Outcome == sdk.OutcomePaid || resp.Outcome == sdk.OutcomeAlreadyPaid {
		if err := s.afterPaid(ctx, route, m, *order, time.Time{}); err != nil {
			return nil, err
		}
	}
	return resp, nil
}
