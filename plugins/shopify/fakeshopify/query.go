package fakeshopify

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// visibleDays is how far back orders are visible without read_all_orders.
const visibleDays = 60

var orderGID = regexp.MustCompile(`^gid://shopify/Order/(\d+)$`)
var anyGID = regexp.MustCompile(`^gid://shopify/[A-Za-z]+/\d+$`)

// root returns the query or mutation root object. Callers hold s.mu.
func (s *Server) root(opType string) object {
	if opType == "mutation" {
		return &record{typ: "Mutation", fields: map[string]any{
			"orderMarkAsPaid": resolver(s.orderMarkAsPaid),
			"orderUpdate":     resolver(s.orderUpdate),
			"tagsAdd":         resolver(s.tagsAdd),
			"metafieldsSet":   resolver(s.metafieldsSet),
		}}
	}
	return &record{typ: "QueryRoot", fields: map[string]any{
		"shop":   s.shopRecord(),
		"orders": resolver(s.ordersConnection),
		"order":  resolver(func(a map[string]any) (any, error) { return s.orderField(a, false) }),
		"node":   resolver(func(a map[string]any) (any, error) { return s.orderField(a, true) }),
	}}
}

func (s *Server) shopRecord() object {
	return &record{typ: "Shop", fields: map[string]any{
		"id": "gid://shopify/Shop/1", "name": s.opts.ShopName,
		"myshopifyDomain": "toko-sari.myshopify.com", "currencyCode": "IDR",
	}}
}

// orderField serves order(id:) and node(id:).
func (s *Server) orderField(args map[string]any, node bool) (any, error) {
	id, _ := args["id"].(string)
	if node && id == "gid://shopify/Shop/1" {
		return s.shopRecord(), nil
	}
	if node && anyGID.MatchString(id) && !orderGID.MatchString(id) {
		return nil, nil
	}
	o, err := s.orderByGID(id)
	if err != nil || o == nil {
		return nil, err
	}
	return s.orderRecord(o), nil
}

// orderByGID finds a visible order; a malformed id is an error, an unknown
// or invisible one is nil, as in Shopify.
func (s *Server) orderByGID(id string) (*order, error) {
	if !orderGID.MatchString(id) {
		return nil, fmt.Errorf("Invalid global id '%s'", id)
	}
	o := s.orders[id]
	if o == nil || !s.visible(o) {
		return nil, nil
	}
	return o, nil
}

// visible applies Shopify's 60-day window for apps without read_all_orders.
func (s *Server) visible(o *order) bool {
	return s.scopes["read_all_orders"] || o.CreatedAt.After(time.Now().AddDate(0, 0, -visibleDays))
}

func (s *Server) orderRecord(o *order) object {
	var cancelledAt, closedAt, note any
	if o.Cancelled() {
		cancelledAt = o.CancelledAt.Format(time.RFC3339)
	}
	if o.Closed {
		closedAt = o.CreatedAt.Add(time.Hour).Format(time.RFC3339)
	}
	if o.Note != "" {
		note = o.Note
	}
	tags := append([]string{}, o.Tags...)
	return &record{typ: "Order", fields: map[string]any{
		"id": o.ID, "legacyResourceId": strconv.FormatInt(o.LegacyID, 10), "name": o.Name,
		"createdAt": o.CreatedAt.Format(time.RFC3339), "updatedAt": o.CreatedAt.Format(time.RFC3339),
		"cancelledAt": cancelledAt, "closed": o.Closed, "closedAt": closedAt,
		"displayFinancialStatus": o.FinancialStatus, "canMarkAsPaid": o.canMarkAsPaid(),
		"paymentGatewayNames": append([]string{}, o.Gateways...), "note": note, "tags": tags,
		"currencyCode": o.Currency, "totalOutstandingSet": moneyBag(o.Outstanding, o.Currency),
		"totalPriceSet": moneyBag(o.Total, o.Currency), "currentTotalPriceSet": moneyBag(o.Total, o.Currency),
		"metafield": resolver(func(a map[string]any) (any, error) {
			ns, _ := a["namespace"].(string)
			key, _ := a["key"].(string)
			mf, ok := o.Metafields[ns+"."+key]
			if !ok {
				return nil, nil
			}
			return metafieldRecord(o, mf), nil
		}),
	}}
}

func metafieldRecord(o *order, mf Metafield) object {
	return &record{typ: "Metafield", fields: map[string]any{
		"id":        fmt.Sprintf("gid://shopify/Metafield/%d%d", o.LegacyID, len(mf.Namespace)*100+len(mf.Key)),
		"namespace": mf.Namespace, "key": mf.Key, "value": mf.Value, "type": mf.Type,
		"compareDigest": digest(mf.Value),
	}}
}

func moneyBag(a sdk.Amount, currency string) object {
	m := &record{typ: "MoneyV2", fields: map[string]any{"amount": formatDecimal(a), "currencyCode": currency}}
	return &record{typ: "MoneyBag", fields: map[string]any{"shopMoney": m, "presentmentMoney": m}}
}

// formatDecimal writes an amount the way Shopify's Decimal scalar does:
// unpadded, with at least one fractional digit ("150000.0", "149.9").
func formatDecimal(a sdk.Amount) string {
	s := a.String()
	if !strings.Contains(s, ".") {
		return s + ".0"
	}
	return strings.TrimRight(s, "0")
}
