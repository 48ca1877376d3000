package shopify

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// annotateAttempts bounds the tries of the annotation request: the order
// is already paid by then, so a passing throttle or network fault is worth
// waiting out rather than leaving the order without its marker.
const annotateAttempts = 3

// annotate records the payment on a paid order with whatever it still
// lacks: the note line (appended; orderUpdate replaces the whole note), the
// tags, and the lunas.mutation marker.
func (s *Store) annotate(ctx context.Context, st *state, o *orderNode, m sdk.Mutation) error {
	return s.mark(ctx, st, o, "Annotate", paymentMarks(st.cfg, o, m))
}

// marks is what Lunas leaves on an order to record an event: a line in the
// note, tags, and a lunas metafield holding a mutation id (the event's
// idempotency marker).
type marks struct {
	line  string   // appended to the note unless it is there; "" for none
	tags  []string // added unless the order has them all
	key   string   // metafield key in the lunas namespace
	value string   // the mutation id it must hold
	have  string   // what the order's metafield holds now
}

func paymentMarks(cfg *config, o *orderNode, m sdk.Mutation) marks {
	mk := marks{tags: cfg.tags, key: markerKey, value: m.ID, have: o.marker()}
	if cfg.note.enabled() {
		mk.line = cfg.note.render(o.Name, m)
	}
	return mk
}

// mark writes whatever of mk the order lacks in one request (named op)
// whose root mutations run independently; sending it again is harmless,
// since each part sets a value rather than adding to one. A passing
// throttle or network fault is waited out: the event has happened by then,
// and leaving the order without its marker is worse than a short wait.
func (s *Store) mark(ctx context.Context, st *state, o *orderNode, op string, mk marks) error {
	query, vars := annotation(op, o, mk)
	if query == "" {
		return nil
	}
	doc := operation{name: op, query: query}
	var out map[string]*struct {
		UserErrors []userError `json:"userErrors"`
	}
	err := retrying(ctx, annotateAttempts, func() error { return st.api.do(ctx, doc, vars, &out) })
	if err != nil {
		return err
	}
	var problems []string
	for field, r := range out {
		if r != nil && len(r.UserErrors) > 0 {
			problems = append(problems, field+": "+messages(r.UserErrors))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return sdk.Permanentf("shopify %s: order %s: %s", op, o.Name, st.api.cleaner().clean(strings.Join(problems, "; ")))
	}
	s.log.Debug("order annotated", "op", op, "order", o.Name, "marker", mk.key, "value", mk.value, "parts", len(out))
	return nil
}

// annotation builds the mutation document named op for what o lacks of mk;
// "" when nothing is missing.
func annotation(op string, o *orderNode, mk marks) (string, map[string]any) {
	var decls, fields []string
	vars := map[string]any{}
	if mk.line != "" && !strings.Contains(o.note(), mk.line) {
		decls = append(decls, "$note: OrderInput!")
		fields = append(fields, "orderUpdate(input: $note) { userErrors { field message } }")
		vars["note"] = map[string]any{"id": o.ID, "note": appendLine(o.note(), mk.line)}
	}
	if len(mk.tags) > 0 && !o.hasTags(mk.tags) {
		decls = append(decls, "$id: ID!", "$tags: [String!]!")
		fields = append(fields, "tagsAdd(id: $id, tags: $tags) { userErrors { field message } }")
		vars["id"], vars["tags"] = o.ID, mk.tags
	}
	if mk.have != mk.value {
		decls = append(decls, "$marker: [MetafieldsSetInput!]!")
		fields = append(fields, "metafieldsSet(metafields: $marker) { userErrors { field message } }")
		vars["marker"] = []any{map[string]any{
			"ownerId": o.ID, "namespace": markerNamespace, "key": mk.key, "type": markerType, "value": mk.value,
		}}
	}
	if len(fields) == 0 {
		return "", nil
	}
	return "mutation " + op + "(" + strings.Join(decls, ", ") + ") {\n  " + strings.Join(fields, "\n  ") + "\n}", vars
}

// retrying calls f up to attempts times while it fails with a retryable
// error whose delay fits in ctx.
func retrying(ctx context.Context, attempts int, f func() error) error {
	for i := 1; ; i++ {
		err := f()
		if err == nil || sdk.IsPermanent(err) || i == attempts || ctx.Err() != nil {
			return err
		}
		_, d := sdk.ClassOf(err)
		d = max(d, minDelay)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			return err
		}
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
	}
}
