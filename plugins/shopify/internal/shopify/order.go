package shopify

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// Where Lunas keeps its idempotency marker: the id of the mutation that paid
// the order, in an order metafield.
const (
	markerNamespace = "lunas"
	markerKey       = "mutation"
	markerType      = "single_line_text_field"
)

// reversedKey is the lunas metafield holding the id of the debit that
// reversed the payment: the idempotency marker of ReversePayment.
const reversedKey = "reversed"

// reversalField reads the reversal marker under the alias "reversed"; only
// single-order reads ask for it.
const reversalField = `reversed: metafield(namespace: "` + markerNamespace + `", key: "` + reversedKey + `") { value }`

// orderFields is the selection every order read uses.
const orderFields = `id name createdAt cancelledAt displayFinancialStatus canMarkAsPaid
      paymentGatewayNames note tags
      totalOutstandingSet { shopMoney { amount currencyCode } }
      metafield(namespace: "` + markerNamespace + `", key: "` + markerKey + `") { value }`

// orderNode is an Order as the queries above return it.
type orderNode struct {
	ID                     string     `json:"id"`
	Name                   string     `json:"name"`
	CreatedAt              time.Time  `json:"createdAt"`
	CancelledAt            *time.Time `json:"cancelledAt"`
	DisplayFinancialStatus string     `json:"displayFinancialStatus"`
	CanMarkAsPaid          bool       `json:"canMarkAsPaid"`
	PaymentGatewayNames    []string   `json:"paymentGatewayNames"`
	Note                   *string    `json:"note"`
	Tags                   []string   `json:"tags"`
	TotalOutstandingSet    struct {
		ShopMoney struct {
			Amount       string `json:"amount"`
			CurrencyCode string `json:"currencyCode"`
		} `json:"shopMoney"`
	} `json:"totalOutstandingSet"`
	Metafield *struct {
		Value string `json:"value"`
	} `json:"metafield"`
	Reversed *struct {
		Value string `json:"value"`
	} `json:"reversed"` // only in reads that select reversalField
}

// Financial statuses (OrderDisplayFinancialStatus) Lunas acts on.
const (
	statusPending       = "PENDING"
	statusPartiallyPaid = "PARTIALLY_PAID"
	statusPaid          = "PAID"
)

// payable reports whether the financial status still expects money.
func (o *orderNode) payable() bool {
	return o.DisplayFinancialStatus == statusPending || o.DisplayFinancialStatus == statusPartiallyPaid
}

func (o *orderNode) cancelled() bool { return o.CancelledAt != nil }

func (o *orderNode) marker() string {
	if o.Metafield == nil {
		return ""
	}
	return o.Metafield.Value
}

// reversal returns the id of the debit that reversed the payment, "" when
// none did (or the read did not ask).
func (o *orderNode) reversal() string {
	if o.Reversed == nil {
		return ""
	}
	return o.Reversed.Value
}

func (o *orderNode) note() string {
	if o.Note == nil {
		return ""
	}
	return *o.Note
}

// outstanding parses the amount due, a Decimal string such as "149.9".
func (o *orderNode) outstanding() (sdk.Amount, error) {
	a, err := sdk.ParseAmount(o.TotalOutstandingSet.ShopMoney.Amount)
	if err != nil {
		return 0, fmt.Errorf("order %s: totalOutstandingSet: %w", o.Name, err)
	}
	return a, nil
}

// usesGateway reports whether the order was placed with one of gateways.
func (o *orderNode) usesGateway(gateways []string) bool {
	return slices.ContainsFunc(o.PaymentGatewayNames, func(name string) bool {
		return slices.ContainsFunc(gateways, func(g string) bool { return strings.EqualFold(strings.TrimSpace(name), g) })
	})
}

func (o *orderNode) hasTags(tags []string) bool {
	for _, t := range tags {
		if !slices.ContainsFunc(o.Tags, func(have string) bool { return strings.EqualFold(have, t) }) {
			return false
		}
	}
	return true
}

func (o *orderNode) toSDK(amount sdk.Amount) sdk.Order {
	return sdk.Order{
		ID: o.ID, Number: o.Name, Status: o.DisplayFinancialStatus, Amount: amount,
		Currency: o.TotalOutstandingSet.ShopMoney.CurrencyCode, CreatedAt: o.CreatedAt, PaidBy: o.marker(),
	}
}

var numericID = regexp.MustCompile(`^[0-9]+$`)

const orderGIDPrefix = "gid://shopify/Order/"

// orderGID turns an order id from the core into a global id: a GID is kept,
// a numeric (legacy) id is converted, anything else is not a Shopify order.
func orderGID(id string) (string, bool) {
	id = strings.TrimSpace(id)
	if rest, ok := strings.CutPrefix(id, orderGIDPrefix); ok && numericID.MatchString(rest) {
		return id, true
	}
	if numericID.MatchString(id) {
		return orderGIDPrefix + id, true
	}
	return "", false
}
