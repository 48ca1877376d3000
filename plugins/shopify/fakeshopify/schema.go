package fakeshopify

import (
	"fmt"
	"slices"
	"strings"
)

// fieldDef describes one field of the fake's slice of the Admin API schema.
type fieldDef struct {
	typ  string   // named type of the field (lists are not distinguished)
	args []string // argument names the field accepts
}

// schema is the part of the Shopify Admin API the fake serves. Queries that
// select anything else fail validation the way Shopify's do, which catches a
// client asking for a field that does not exist.
var schema = map[string]map[string]fieldDef{
	"QueryRoot": {
		"shop":   {typ: "Shop"},
		"orders": {typ: "OrderConnection", args: []string{"first", "after", "last", "before", "query", "sortKey", "reverse"}},
		"order":  {typ: "Order", args: []string{"id"}},
		"node":   {typ: "Node", args: []string{"id"}},
	},
	"Mutation": {
		"orderMarkAsPaid": {typ: "OrderMarkAsPaidPayload", args: []string{"input"}},
		"orderUpdate":     {typ: "OrderUpdatePayload", args: []string{"input"}},
		"tagsAdd":         {typ: "TagsAddPayload", args: []string{"id", "tags"}},
		"metafieldsSet":   {typ: "MetafieldsSetPayload", args: []string{"metafields"}},
	},
	"Shop": {
		"id": {typ: "ID"}, "name": {typ: "String"}, "myshopifyDomain": {typ: "String"}, "currencyCode": {typ: "CurrencyCode"},
	},
	"OrderConnection": {"pageInfo": {typ: "PageInfo"}, "nodes": {typ: "Order"}, "edges": {typ: "OrderEdge"}},
	"OrderEdge":       {"cursor": {typ: "String"}, "node": {typ: "Order"}},
	"PageInfo": {
		"hasNextPage": {typ: "Boolean"}, "hasPreviousPage": {typ: "Boolean"},
		"startCursor": {typ: "String"}, "endCursor": {typ: "String"},
	},
	"Order": {
		"id": {typ: "ID"}, "legacyResourceId": {typ: "UnsignedInt64"}, "name": {typ: "String"},
		"createdAt": {typ: "DateTime"}, "updatedAt": {typ: "DateTime"}, "cancelledAt": {typ: "DateTime"},
		"closed": {typ: "Boolean"}, "closedAt": {typ: "DateTime"},
		"displayFinancialStatus": {typ: "OrderDisplayFinancialStatus"}, "canMarkAsPaid": {typ: "Boolean"},
		"paymentGatewayNames": {typ: "String"}, "note": {typ: "String"}, "tags": {typ: "String"},
		"currencyCode": {typ: "CurrencyCode"}, "totalOutstandingSet": {typ: "MoneyBag"},
		"totalPriceSet": {typ: "MoneyBag"}, "currentTotalPriceSet": {typ: "MoneyBag"},
		"metafield": {typ: "Metafield", args: []string{"namespace", "key"}},
	},
	"MoneyBag":               {"shopMoney": {typ: "MoneyV2"}, "presentmentMoney": {typ: "MoneyV2"}},
	"MoneyV2":                {"amount": {typ: "Decimal"}, "currencyCode": {typ: "CurrencyCode"}},
	"Metafield":              {"id": {typ: "ID"}, "namespace": {typ: "String"}, "key": {typ: "String"}, "value": {typ: "String"}, "type": {typ: "String"}, "compareDigest": {typ: "String"}},
	"OrderMarkAsPaidPayload": {"order": {typ: "Order"}, "userErrors": {typ: "UserError"}},
	"OrderUpdatePayload":     {"order": {typ: "Order"}, "userErrors": {typ: "UserError"}},
	"TagsAddPayload":         {"node": {typ: "Node"}, "userErrors": {typ: "UserError"}},
	"MetafieldsSetPayload":   {"metafields": {typ: "Metafield"}, "userErrors": {typ: "MetafieldsSetUserError"}},
	"UserError":              {"field": {typ: "String"}, "message": {typ: "String"}},
	"MetafieldsSetUserError": {"field": {typ: "String"}, "message": {typ: "String"}, "code": {typ: "String"}, "elementIndex": {typ: "Int"}},
	"Node":                   {"id": {typ: "ID"}},
}

// implementers lists the object types behind each interface.
var implementers = map[string][]string{"Node": {"Order", "Shop"}}

// validate checks sels against type typ, as Shopify does before it runs
// anything: a document with one bad field executes nothing.
func validate(typ string, sels []selection) error {
	for _, s := range sels {
		if s.onType != "" {
			if s.onType != typ && !slices.Contains(implementers[typ], s.onType) {
				return fmt.Errorf("Fragment on %s can't be spread inside %s", s.onType, typ)
			}
			if err := validate(s.onType, s.sels); err != nil {
				return err
			}
			continue
		}
		if s.name == "__typename" {
			continue
		}
		def, ok := schema[typ][s.name]
		if !ok {
			return fmt.Errorf("Field '%s' doesn't exist on type '%s'", s.name, typ)
		}
		for a := range s.args {
			if !slices.Contains(def.args, a) {
				return fmt.Errorf("Field '%s' doesn't accept argument '%s'", s.name, a)
			}
		}
		_, isObject := schema[def.typ]
		switch {
		case isObject && len(s.sels) == 0:
			return fmt.Errorf("Field must have selections (field '%s' returns %s but has no selections. Did you mean '%s { ... }'?)", s.name, def.typ, s.name)
		case !isObject && len(s.sels) > 0:
			return fmt.Errorf("Selections can't be made on scalars (field '%s' returns %s but has selections [%s])", s.name, def.typ, names(s.sels))
		case isObject:
			if err := validate(def.typ, s.sels); err != nil {
				return err
			}
		}
	}
	return nil
}

func names(sels []selection) string {
	out := make([]string, 0, len(sels))
	for _, s := range sels {
		out = append(out, s.name)
	}
	return strings.Join(out, ", ")
}
