package fakeshopify

import (
	"fmt"
	"strings"
)

// checkVariables applies GraphQL's variable rules: every variable used is
// declared, every declared one is used, and non-null ones are provided.
func (d *document) checkVariables(vars map[string]any) error {
	op := d.name
	if op == "" {
		op = "anonymous " + d.opType
	}
	for n := range d.usedVars {
		if _, ok := d.varTypes[n]; !ok {
			return fmt.Errorf("Variable $%s is used by %s but not declared", n, op)
		}
	}
	for n, typ := range d.varTypes {
		if !d.usedVars[n] {
			return fmt.Errorf("Variable $%s is declared by %s but not used", n, op)
		}
		_, given := vars[n]
		_, hasDefault := d.varDefs[n]
		if strings.HasSuffix(typ, "!") && !hasDefault && (!given || vars[n] == nil) {
			return fmt.Errorf("Variable $%s of type %s was provided invalid value", n, typ)
		}
	}
	return nil
}

// resolveValue replaces variable references and enum markers in v.
func (d *document) resolveValue(v any, vars map[string]any) any {
	switch x := v.(type) {
	case varRef:
		if val, ok := vars[string(x)]; ok {
			return val
		}
		if def, ok := d.varDefs[string(x)].(enumVal); ok {
			return string(def)
		}
		return d.varDefs[string(x)]
	case enumVal:
		return string(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = d.resolveValue(e, vars)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = d.resolveValue(e, vars)
		}
		return out
	}
	return v
}
