package fakeshopify

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// Order is the fake's copy of one Shopify order together with its ledger:
// how often each kind of write touched it. Values returned by the Server
// are snapshots; changing them changes nothing in the fake.
type Order struct {
	ID              string    // global id, "gid://shopify/Order/5000000001"
	LegacyID        int64     // numeric id
	Name            string    // what customers see, "#1001"
	CreatedAt       time.Time //
	CancelledAt     time.Time // zero while not cancelled
	Closed          bool      // archived
	FinancialStatus string    // displayFinancialStatus: PENDING, PAID, PARTIALLY_PAID, ...
	Gateways        []string  // paymentGatewayNames
	Total           sdk.Amount
	Outstanding     sdk.Amount // totalOutstandingSet
	Currency        string
	Note            string
	Tags            []string
	Metafields      map[string]Metafield // by "namespace.key"

	MarkPaidCalls   int // orderMarkAsPaid calls that recorded a payment
	MarkPaidTries   int // orderMarkAsPaid calls naming this order, refused ones included
	NoteWrites      int // orderUpdate calls that set the note
	TagWrites       int // tagsAdd calls that added at least one tag
	MetafieldWrites int // metafieldsSet entries written for this order
}

// Metafield is a metafield stored on an order.
type Metafield struct {
	Namespace, Key, Type, Value string
}

// Cancelled reports whether the order was cancelled.
func (o Order) Cancelled() bool { return !o.CancelledAt.IsZero() }

// Metafield returns the value of namespace.key, "" when unset.
func (o Order) Metafield(namespace, key string) string {
	return o.Metafields[namespace+"."+key].Value
}

func (o Order) clone() Order {
	o.Gateways = slices.Clone(o.Gateways)
	o.Tags = slices.Clone(o.Tags)
	o.Metafields = maps.Clone(o.Metafields)
	return o
}

// canMarkAsPaid mirrors Order.canMarkAsPaid: an open balance on an order
// that is not cancelled.
func (o *Order) canMarkAsPaid() bool {
	return !o.Cancelled() && o.Outstanding > 0 &&
		(o.FinancialStatus == "PENDING" || o.FinancialStatus == "PARTIALLY_PAID" || o.FinancialStatus == "AUTHORIZED")
}

func (o *Order) hasTag(tag string) bool {
	return slices.ContainsFunc(o.Tags, func(t string) bool { return strings.EqualFold(t, tag) })
}

// NewOrder describes an order to seed with AddOrder. Zero values mean:
// currency IDR, created now, gateway "Bank Deposit", status PENDING.
type NewOrder struct {
	Amount          sdk.Amount
	Currency        string
	CreatedAt       time.Time
	Gateways        []string
	FinancialStatus string // PAID seeds an order with nothing outstanding
	Note            string
	Tags            []string
	Cancelled       bool
	Closed          bool
}

// searchView is what Shopify's (eventually consistent) search index knows
// of an order; the orders query filters on it, not on the order itself.
type searchView struct {
	financial string
	closed    bool
	cancelled bool
	createdAt time.Time
}

type order struct {
	Order
	indexed searchView
}

func (o *order) reindex() {
	o.indexed = searchView{
		financial: strings.ToLower(o.FinancialStatus), closed: o.Closed,
		cancelled: o.Cancelled(), createdAt: o.CreatedAt,
	}
}
