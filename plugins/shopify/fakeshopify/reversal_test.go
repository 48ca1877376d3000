package fakeshopify

import (
	"testing"

	"github.com/lunas-dev/lunas/sdk"
)

// A reversal is recorded the way a payment is: the plugin reads two lunas
// metafields of one order under aliases, then sets the second in the same
// document as the note and the tags. The fake must serve both.
func TestAliasedMetafieldsAndReversalAnnotation(t *testing.T) {
	s := newFake(t)
	o := s.AddOrder(NewOrder{Amount: sdk.Rupiah(5000), Note: "asli"})
	const read = `query($id: ID!) { order(id: $id) {
	  displayFinancialStatus
	  paid: metafield(namespace: "lunas", key: "mutation") { value }
	  reversed: metafield(namespace: "lunas", key: "reversed") { value } } }`
	const annotate = `mutation($note: OrderInput!, $id: ID!, $tags: [String!]!, $marker: [MetafieldsSetInput!]!) {
	  orderUpdate(input: $note) { userErrors { field message } }
	  tagsAdd(id: $id, tags: $tags) { userErrors { field message } }
	  metafieldsSet(metafields: $marker) { userErrors { field message } } }`
	mf := func(key, value string) map[string]any {
		return map[string]any{"ownerId": o.ID, "namespace": "lunas", "key": key, "type": "single_line_text_field", "value": value}
	}

	if r := post(t, s, testToken, `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { message } } }`,
		map[string]any{"m": []any{mf("mutation", "mut-1")}}); len(r.Errors) > 0 {
		t.Fatalf("metafieldsSet: %s", r.Raw)
	}
	s.Refund(o.ID)
	r := post(t, s, testToken, annotate, map[string]any{
		"note": map[string]any{"id": o.ID, "note": "asli\nreversed"}, "id": o.ID, "tags": []string{"lunas-reversed"},
		"marker": []any{mf("reversed", "rev-1")},
	})
	if len(r.Errors) > 0 {
		t.Fatalf("annotation: %s", r.Raw)
	}
	r = post(t, s, testToken, read, map[string]any{"id": o.ID})
	order, _ := r.Data["order"].(map[string]any)
	paid, _ := order["paid"].(map[string]any)
	reversed, _ := order["reversed"].(map[string]any)
	if paid["value"] != "mut-1" || reversed["value"] != "rev-1" || order["displayFinancialStatus"] != "REFUNDED" {
		t.Fatalf("aliased read: %s", r.Raw)
	}
	got, _ := s.Order(o.ID)
	if got.Note != "asli\nreversed" || !got.hasTag("lunas-reversed") || got.NoteWrites != 1 || got.TagWrites != 1 || got.MetafieldWrites != 2 ||
		got.Outstanding != 0 || got.MarkPaidCalls != 0 {
		t.Fatalf("after the annotation: %+v", got)
	}
}
