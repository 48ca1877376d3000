package shopify

import (
	"context"
	"fmt"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// pageSize is the number of orders asked per page (Shopify allows 250;
// 100 keeps one page well inside a 1000-point budget).
const pageSize = 100

var findOrders = operation{name: "FindOpenOrders", query: `query FindOpenOrders($q: String!, $first: Int!, $after: String) {
  orders(first: $first, after: $after, query: $q, sortKey: CREATED_AT, reverse: true) {
    pageInfo { hasNextPage endCursor }
    nodes { ` + orderFields + ` }
  }
}`}

type ordersPage struct {
	Orders struct {
		PageInfo struct {
			HasNextPage bool   `json:"hasNextPage"`
			EndCursor   string `json:"endCursor"`
		} `json:"pageInfo"`
		Nodes []orderNode `json:"nodes"`
	} `json:"orders"`
}

// searchQuery is Shopify's search string for unpaid open orders created
// since since. Shopify reads a bare date in the shop's time zone, which may
// be behind UTC, so the date is taken a day early; the exact bound is
// applied to each order afterwards.
func searchQuery(since time.Time) string {
	q := "financial_status:pending status:open"
	if !since.IsZero() {
		q += " created_at:>=" + since.UTC().Add(-24*time.Hour).Format("2006-01-02")
	}
	return q
}

// findOpenOrders pages through the candidates and keeps those a payment by
// bank transfer could settle. Shopify has no amount or gateway filter, and
// its search index lags writes, so every condition is checked here.
func (s *Store) findOpenOrders(ctx context.Context, st *state, req *sdk.FindOpenOrdersRequest) ([]sdk.Order, error) {
	vars := map[string]any{"q": searchQuery(req.Since), "first": pageSize}
	var out []sdk.Order
	for page := 1; ; page++ {
		var p ordersPage
		if err := st.api.do(ctx, findOrders, vars, &p); err != nil {
			return nil, err
		}
		for i := range p.Orders.Nodes {
			if o, ok := s.candidate(&p.Orders.Nodes[i], st.cfg, req); ok {
				out = append(out, o)
			}
		}
		info := p.Orders.PageInfo
		if !info.HasNextPage {
			return out, nil
		}
		if info.EndCursor == "" || info.EndCursor == vars["after"] {
			return nil, sdk.Permanent(fmt.Errorf("shopify FindOpenOrders: page %d says there is more but gives no new cursor", page))
		}
		vars["after"] = info.EndCursor
	}
}

// candidate converts o when it is open, unpaid, placed with a configured
// gateway, created since req.Since and, if req.Amount is set, due exactly
// that amount.
func (s *Store) candidate(o *orderNode, cfg *config, req *sdk.FindOpenOrdersRequest) (sdk.Order, bool) {
	if o.cancelled() || !o.payable() || !o.usesGateway(cfg.gateways) || o.CreatedAt.Before(req.Since) {
		return sdk.Order{}, false
	}
	due, err := o.outstanding()
	if err != nil {
		s.log.Warn("skipping an order whose amount due cannot be read exactly", "order", o.Name, "error", err)
		return sdk.Order{}, false
	}
	if due <= 0 || (req.Amount != 0 && due != req.Amount) {
		return sdk.Order{}, false
	}
	return o.toSDK(due), true
}
