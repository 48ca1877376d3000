package fakeshopify

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
)

// connection is one page of the orders connection.
type connection struct {
	s         *Server
	requested int // the page size asked for (first)
	page      []*order
	after     bool
	hasNext   bool
	sortKey   string
}

func (c *connection) typeName() string { return "OrderConnection" }

func (c *connection) field(name string, _ map[string]any) (any, error) {
	switch name {
	case "nodes":
		out := make([]object, 0, len(c.page))
		for _, o := range c.page {
			out = append(out, c.s.orderRecord(o))
		}
		return out, nil
	case "edges":
		out := make([]object, 0, len(c.page))
		for _, o := range c.page {
			out = append(out, &record{typ: "OrderEdge", fields: map[string]any{
				"cursor": encodeCursor(o, c.sortKey), "node": c.s.orderRecord(o),
			}})
		}
		return out, nil
	case "pageInfo":
		var start, end any
		if len(c.page) > 0 {
			start, end = encodeCursor(c.page[0], c.sortKey), encodeCursor(c.page[len(c.page)-1], c.sortKey)
		}
		return &record{typ: "PageInfo", fields: map[string]any{
			"hasNextPage": c.hasNext, "hasPreviousPage": c.after, "startCursor": start, "endCursor": end,
		}}, nil
	}
	return nil, nil
}

// cursor is the position an opaque cursor stands for: the sort value and
// id of the last order of a page, as Shopify encodes it.
type cursor struct {
	LastID    int64 `json:"last_id"`
	LastValue int64 `json:"last_value"`
}

func sortValue(o *order, sortKey string) int64 {
	if sortKey == "CREATED_AT" {
		return o.CreatedAt.UnixMilli()
	}
	return o.LegacyID
}

func encodeCursor(o *order, sortKey string) string {
	b, _ := json.Marshal(cursor{LastID: o.LegacyID, LastValue: sortValue(o, sortKey)})
	return base64.StdEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.LastID == 0 {
		return c, fmt.Errorf("Invalid cursor for current pagination")
	}
	return c, nil
}

// ordersConnection serves orders(first, after, query, sortKey, reverse).
func (s *Server) ordersConnection(args map[string]any) (any, error) {
	first, err := pageSize(args)
	if err != nil {
		return nil, err
	}
	sortKey, _ := args["sortKey"].(string)
	if sortKey == "" {
		sortKey = "ID"
	}
	if sortKey != "ID" && sortKey != "CREATED_AT" {
		return nil, fmt.Errorf("the fake Shopify sorts orders by ID or CREATED_AT, not %s", sortKey)
	}
	reverse, _ := args["reverse"].(bool)
	q, _ := args["query"].(string)
	terms := parseSearch(q)

	var all []*order
	for _, o := range s.orders {
		ok, err := matches(o.indexed, terms)
		if err != nil {
			return nil, err
		}
		if ok && s.visible(o) {
			all = append(all, o)
		}
	}
	compare := func(a, b cursor) int {
		c := cmp.Or(cmp.Compare(a.LastValue, b.LastValue), cmp.Compare(a.LastID, b.LastID))
		if reverse {
			return -c
		}
		return c
	}
	pos := func(o *order) cursor { return cursor{LastID: o.LegacyID, LastValue: sortValue(o, sortKey)} }
	slices.SortFunc(all, func(a, b *order) int { return compare(pos(a), pos(b)) })

	conn := &connection{s: s, requested: first, sortKey: sortKey}
	if after, _ := args["after"].(string); after != "" {
		c, err := decodeCursor(after)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(all, func(o *order) bool { return compare(pos(o), c) > 0 })
		if i < 0 {
			i = len(all)
		}
		all, conn.after = all[i:], true
	}
	conn.hasNext = len(all) > first
	conn.page = all[:min(first, len(all))]
	return conn, nil
}
