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
// tags, and the lunas.mutation marker. It sends one request whose root
// mutations run independently; sending it again is harmless, since each
// part sets a value rather than adding to one.
func (s *Store) annotate(ctx context.Context, st *state, o *orderNode, m sdk.Mutation) error {
	query, vars := annotation(st.cfg, o, m)
	if query == "" {
		return nil
	}
	op := operation{name: "Annotate", query: query}
	var out map[string]*struct {
		UserErrors []userError `json:"userErrors"`
	}
	err := retrying(ctx, annotateAttempts, func() error { return st.api.do(ctx, op, vars, &out) })
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
		return sdk.Permanentf("shopify Annotate: order %s: %s", o.Name, st.api.cleaner().clean(strings.Join(problems, "; ")))
	}
	s.log.Debug("order annotated", "order", o.Name, "mutation", m.ID, "parts", len(out))
	return nil
}

// annotation builds the mutation document for what o lacks; "" when
// nothing is missing.
func annotation(cfg *config, o *orderNode, m sdk.Mutation) (string, map[string]any) {
	var decls, fields []string
	vars := map[string]any{}
	if cfg.note.enabled() {
		if line := cfg.note.render(o.Name, m); !strings.Contains(o.note(), line) {
			decls = append(decls, "$note: OrderInput!")
			fields = append(fields, "orderUpdate(input: $note) { userErrors { field message } }")
			vars["note"] = map[string]any{"id": o.ID, "note": appendLine(o.note(), line)}
		}
	}
	if len(cfg.tags) > 0 && !o.hasTags(cfg.tags) {
		decls = append(decls, "$id: ID!", "$tags: [String!]!")
		fields = append(fields, "tagsAdd(id: $id, tags: $tags) { userErrors { field message } }")
		vars["id"], vars["tags"] = o.ID, cfg.tags
	}
	if o.marker() != m.ID {
		decls = append(decls, "$marker: [MetafieldsSetInput!]!")
		fields = append(fields, "metafieldsSet(metafields: $marker) { userErrors { field message } }")
		vars["marker"] = []any{map[string]any{
			"ownerId": o.ID, "namespace": markerNamespace, "key": markerKey, "type": markerType, "value": m.ID,
		}}
	}
	if len(fields) == 0 {
		return "", nil
	}
	return "mutation Annotate(" + strings.Join(decls, ", ") + ") {\n  " + strings.Join(fields, "\n  ") + "\n}", vars
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
