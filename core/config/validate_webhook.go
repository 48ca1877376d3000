package config

import (
	"fmt"
	"net/netip"

	"github.com/hashicorp/hcl/v2"
	"strings"
)

func validateWebhooks(v *problems, ws []Webhook, inFlight int64, src source) {
	if inFlight <= 0 {
		v.add(src.root.at("max_body_bytes_in_flight"), "max_body_bytes_in_flight must be positive")
	}
	if len(ws) == 0 {
		v.add(src.root.at(""), `at least one webhook "NAME" { secrets = [...] } block is required`)
	}
	first := map[string]int{}
	for i, w := range ws {
		p := src.webhook(i, w.Name)
		what := "webhook " + quote(w.Name)
		v.name(p.at(""), what, w.Name)
		if j, dup := first[w.Name]; dup {
			v.add(p.at(""), "%s is declared twice%s", what, alsoAt(src.webhook(j, w.Name)))
		} else {
			first[w.Name] = i
		}
		if len(w.Secrets) == 0 {
			v.add(p.at("secrets"), "%s: secrets is empty; at least one secret is required", what)
		}
		for k, s := range w.Secrets {
			if s == "" {
				v.add(p.at("secrets"), "%s: secrets[%d] is empty", what, k)
			}
		}
		v.prefixes(p.at("allowed_ips"), what+": allowed_ips", w.AllowedIPs)
		v.prefixes(p.at("trusted_proxies"), what+": trusted_proxies", w.TrustedProxies)
		if w.MaxBodyBytes <= 0 {
			v.add(p.at("max_body_bytes"), "%s: max_body_bytes must be positive", what)
		}
		if inFlight > 0 && w.MaxBodyBytes > inFlight/4 {
			// One source gets a quarter of the budget (webhook.Budget).
			v.add(p.at("max_body_bytes"), "%s: max_body_bytes %d is more than a quarter of max_body_bytes_in_flight (%d), so one sender could never deliver a body that large", what, w.MaxBodyBytes, inFlight)
		}
	}
}

// prefixes checks that each entry is an IP address or a CIDR prefix.
func (v *problems) prefixes(r *hcl.Range, what string, list []string) {
	for i, s := range list {
		if _, err := parsePrefix(s); err != nil {
			v.add(r, "%s[%d]: %s is not an IP address or CIDR prefix like \"203.0.113.0/24\"", what, i, quote(s))
		}
	}
}

// parsePrefix parses "203.0.113.7" (a single address) or "203.0.113.0/24".
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// alsoAt says where the first of two declarations is, when that is known.
func alsoAt(p place) string {
	if r := p.at(""); r != nil {
		return fmt.Sprintf(" (first at line %d)", r.Start.Line)
	}
	return ""
}
