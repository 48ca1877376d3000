package config

import (
	"encoding/json"
	"fmt"
	"regexp"
)

var (
	pluginRE = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)
	sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

func validateStores(v *problems, stores []Store, src source) {
	if len(stores) == 0 {
		v.add(src.root.at(""), `at least one store "NAME" { plugin = "...", bank_ids = [...] } block is required`)
	}
	first := map[string]int{}  // store name -> index of its first declaration
	claims := map[string]int{} // bank id (or "*") -> index of the store claiming it
	for i, s := range stores {
		p := src.store(i, s.Name)
		what := "store " + quote(s.Name)
		v.name(p.at(""), what, s.Name)
		if j, dup := first[s.Name]; dup {
			v.add(p.at(""), "%s is declared twice%s", what, alsoAt(src.store(j, s.Name)))
			continue // its bank ids would only repeat the clash
		}
		first[s.Name] = i
		validatePlugin(v, s, p, what)
		validateBankIDs(v, stores, i, claims, src)
		if s.Window <= 0 {
			v.add(p.at("window"), "%s: match window must be positive", what)
		}
		if s.Slack < 0 {
			v.add(p.at("slack"), "%s: match slack must not be negative", what)
		}
		if s.Timeout <= 0 {
			v.add(p.at("timeout"), "%s: timeout must be positive", what)
		}
		if len(s.Settings) > 0 && !jsonObject(s.Settings) {
			v.add(p.at("settings"), "%s: settings must be a JSON object", what)
		}
	}
}

func validatePlugin(v *problems, s Store, p place, what string) {
	switch {
	case s.Plugin == "" && s.Path == "":
		v.add(p.at(""), "%s: set plugin (a bundled plugin such as \"woocommerce\") or path (a plugin executable)", what)
	case s.Plugin != "" && s.Path != "":
		v.add(p.at("path"), "%s: set plugin or path, not both", what)
	case s.Plugin != "" && !pluginRE.MatchString(s.Plugin):
		v.add(p.at("plugin"), "%s: plugin %s is not a plugin name (lowercase letters, digits and '-')", what, quote(s.Plugin))
	}
	if s.SHA256 != "" && !sha256RE.MatchString(s.SHA256) {
		v.add(p.at("sha256"), "%s: sha256 must be 64 lowercase hexadecimal digits, as sha256sum prints them", what)
	}
}

// validateBankIDs checks store i's bank ids and records its claims, so that
// a bank id claimed by two stores is reported with both names.
func validateBankIDs(v *problems, stores []Store, i int, claims map[string]int, src source) {
	s := stores[i]
	p := src.store(i, s.Name)
	what := "store " + quote(s.Name)
	if len(s.BankIDs) == 0 {
		v.add(p.at("bank_ids"), "%s: bank_ids is empty; list the Moota bank ids that pay this store, or [\"*\"] for all", what)
	}
	for k, id := range s.BankIDs {
		j, taken := claims[id]
		switch {
		case id == "":
			v.add(p.at("bank_ids"), "%s: bank_ids[%d] is empty", what, k)
		case id == AnyBank && len(s.BankIDs) > 1:
			v.add(p.at("bank_ids"), "%s: \"*\" already claims every bank id; it must be alone in bank_ids", what)
		case taken && j == i:
			v.add(p.at("bank_ids"), "%s: bank id %s is listed twice", what, quote(id))
		case taken && id == AnyBank:
			v.add(p.at("bank_ids"), "%s and store %s%s both claim every bank id (\"*\"); only one store may", what, quote(stores[j].Name), alsoAtStore(src, stores, j))
		case taken:
			v.add(p.at("bank_ids"), "%s and store %s%s both claim bank id %s; a bank account pays one store", what, quote(stores[j].Name), alsoAtStore(src, stores, j), quote(id))
		default:
			claims[id] = i
		}
	}
}

func alsoAtStore(src source, stores []Store, j int) string {
	if r := src.store(j, stores[j].Name).at(""); r != nil {
		return fmt.Sprintf(" (line %d)", r.Start.Line)
	}
	return ""
}

// jsonObject reports whether b is one valid JSON object.
func jsonObject(b []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(b, &m) == nil && m != nil
}
