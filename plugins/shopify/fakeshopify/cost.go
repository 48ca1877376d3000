package fakeshopify

import (
	"fmt"
	"strings"
)

// Cost rules, after Shopify's calculated query cost: scalars and enums cost
// 0, an object 1, a connection 2 plus `first` times the cost of one node
// (the node itself and the objects inside it), every root mutation field 10.
// The cost is computed before anything runs; nodes a connection did not
// return are refunded afterwards (actualQueryCost).
const (
	mutationCost = 10
	maxPageSize  = 250
)

// requestedCost returns the cost of d with vars, or an error for a
// connection whose page size Shopify would reject.
func requestedCost(d *document, vars map[string]any) (int, error) {
	e := &executor{doc: d, vars: vars}
	if d.opType == "mutation" {
		n := 0
		for _, s := range d.sels {
			if s.name != "__typename" {
				n++
			}
		}
		return n * mutationCost, nil
	}
	return selectionCost("QueryRoot", d.sels, e)
}

func selectionCost(typ string, sels []selection, e *executor) (int, error) {
	total := 0
	for _, s := range sels {
		if s.onType != "" {
			c, err := selectionCost(s.onType, s.sels, e)
			if err != nil {
				return 0, err
			}
			total += c
			continue
		}
		if len(s.sels) == 0 {
			continue
		}
		def := schema[typ][s.name]
		if strings.HasSuffix(def.typ, "Connection") {
			first, err := pageSize(e.args(s))
			if err != nil {
				return 0, err
			}
			total += 2 + first*nodeCost(s, e)
			continue
		}
		c, err := selectionCost(def.typ, s.sels, e)
		if err != nil {
			return 0, err
		}
		total += 1 + c
	}
	return total, nil
}

// nodeCost is the cost of one node of the connection field conn.
func nodeCost(conn selection, e *executor) int {
	best := 0
	for _, s := range conn.sels {
		var c int
		switch s.name {
		case "nodes":
			c, _ = selectionCost("Order", s.sels, e)
			c++
		case "edges":
			c, _ = selectionCost("OrderEdge", s.sels, e)
		default:
			continue
		}
		best = max(best, c)
	}
	return max(best, 1)
}

// pageSize returns the connection's `first` argument, enforcing Shopify's
// limits: one of first or last is required and neither may exceed 250.
func pageSize(args map[string]any) (int, error) {
	if args["last"] != nil {
		return 0, fmt.Errorf("the fake Shopify supports forward pagination only (first/after)")
	}
	f, ok := args["first"].(float64)
	if !ok {
		return 0, fmt.Errorf("you must provide one of first or last")
	}
	if f < 0 || f != float64(int(f)) {
		return 0, fmt.Errorf("Argument 'first' on Field 'orders' has an invalid value (%v). Expected type 'Int'.", f)
	}
	if f > maxPageSize {
		return 0, fmt.Errorf("The maximum number of records that can be requested is %d (first: %d)", maxPageSize, int(f))
	}
	return int(f), nil
}
