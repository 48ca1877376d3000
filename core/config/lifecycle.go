package config

import (
	"net"
	"net/url"
	"regexp"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/lunas-dev/lunas/core/payment"
)

// Defaults of the lifecycle blocks.
const (
	DefaultMootaBaseURL   = "https://app.moota.co/api/v2"
	DefaultLookback       = 48 * time.Hour
	DefaultReversalWindow = payment.DefaultReversalWindow
	// DefaultUnreachableAfter is review.unreachable_after's default.
	DefaultUnreachableAfter = payment.DefaultUnreachableAfter
	// MaxLookback keeps reconciliation inside the 14 days a finished task
	// (and so its dedupe key) is retained, with two days of margin.
	MaxLookback = 12 * 24 * time.Hour
)

// DefaultRecheck is when an unmatched payment is looked at again before it
// goes to review: for orders that reach the store after the transfer.
var DefaultRecheck = []time.Duration{5 * time.Minute, 30 * time.Minute, 2 * time.Hour}

// DefaultReversalPatterns match the narratives Indonesian banks print on a
// debit that returns an earlier credit (reversal, koreksi, retur, pembatalan,
// pengembalian dana, refund). Case is ignored.
var DefaultReversalPatterns = []string{
	`(?i)\brevers`, `(?i)\brvsl\b`, `(?i)\bkoreksi\b`, `(?i)\bretur`, `(?i)\bpembatalan\b`,
	`(?i)\bpengembalian\b`, `(?i)\brefund\b`, `(?i)\bbatal\b`,
}

// Moota is the optional `moota` block: Moota's REST API v2, for
// reconciliation (catching webhooks Moota never delivered) and write-back
// (tagging the mutation with the order it paid).
type Moota struct {
	// APIToken is the personal access token (Bearer). Required.
	APIToken string
	// BaseURL is the API root. Default DefaultMootaBaseURL.
	BaseURL string
	// ReconcileEvery runs reconciliation periodically; 0 (not set) = only on demand.
	ReconcileEvery time.Duration
	// Lookback is how far back reconciliation lists mutations. Default 48h.
	Lookback time.Duration
	// Writeback tags and annotates each paying mutation in Moota. Default true.
	Writeback bool
	// BankIDs to reconcile; default every bank id the stores list (and, when a
	// store claims "*", every bank Moota reports).
	BankIDs []string
	// VerifyPayments confirms each credit through Moota's API before it pays
	// an order, as the official plugin's verifyMutation does: the account
	// must list a mutation with the same id, amount and token. A credit the
	// API does not confirm goes to review as unverified; an API outage
	// retries. Default false: the webhook's signature is trusted alone.
	VerifyPayments bool
}

// Review is the optional `review` block.
type Review struct {
	// Recheck is when an unmatched payment is tried again before it goes to
	// review. Default DefaultRecheck; an empty list sends it to review at once.
	Recheck []time.Duration
	// NotifyURL receives a Slack-compatible JSON message ({"text": ...}) for
	// every new review item. Optional; it may hold a token: never logged.
	NotifyURL string
	// UnreachableAfter is how long a store's calls may fail before each
	// payment waiting for it is raised to review as "store unreachable"
	// (retries go on). Default 30m.
	UnreachableAfter time.Duration
}

// Reversal is the optional `reversal` block.
type Reversal struct {
	// Window is how long after a payment a matching debit counts as its
	// reversal. Default 30 days (also when zero in a Config built in code).
	Window time.Duration
	// Patterns are regular expressions a debit's description must match to be
	// taken for a reversal. Default DefaultReversalPatterns.
	Patterns []string
}

var (
	mootaSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "api_token"}, {Name: "base_url"}, {Name: "reconcile_every"}, {Name: "lookback"},
		{Name: "writeback"}, {Name: "bank_ids"}, {Name: "verify_payments"},
	}}
	reviewSchema   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "recheck"}, {Name: "notify_url"}, {Name: "unreachable_after"}}}
	reversalSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "window"}, {Name: "patterns"}}}
)

func (d *decoder) lifecycle(blocks map[string]hcl.Blocks, c *Config) {
	c.Review = Review{Recheck: append([]time.Duration(nil), DefaultRecheck...), UnreachableAfter: DefaultUnreachableAfter}
	c.Reversal = Reversal{Window: DefaultReversalWindow, Patterns: append([]string(nil), DefaultReversalPatterns...)}
	if b := d.single(blocks["moota"]); b != nil {
		p := newPlace("", "moota", b.DefRange)
		c.src.moota = p
		attrs := d.content(b.Body, mootaSchema).Attributes
		m := &Moota{BaseURL: DefaultMootaBaseURL, Lookback: DefaultLookback, Writeback: true}
		d.str(attrs, "api_token", p, &m.APIToken)
		d.str(attrs, "base_url", p, &m.BaseURL)
		d.duration(attrs, "reconcile_every", p, &m.ReconcileEvery)
		d.duration(attrs, "lookback", p, &m.Lookback)
		d.boolean(attrs, "writeback", p, &m.Writeback)
		d.strs(attrs, "bank_ids", p, &m.BankIDs)
		d.boolean(attrs, "verify_payments", p, &m.VerifyPayments)
		c.Moota = m
	}
	if b := d.single(blocks["review"]); b != nil {
		p := newPlace("", "review", b.DefRange)
		c.src.review = p
		attrs := d.content(b.Body, reviewSchema).Attributes
		var recheck []string
		if _, ok := attrs["recheck"]; ok {
			d.strs(attrs, "recheck", p, &recheck)
			c.Review.Recheck = nil
			for _, s := range recheck {
				t, err := ParseDuration(s)
				if err != nil {
					d.errorf(attrs["recheck"].Expr.Range(), "review: recheck: %v", err)
					continue
				}
				c.Review.Recheck = append(c.Review.Recheck, t)
			}
		}
		d.str(attrs, "notify_url", p, &c.Review.NotifyURL)
		d.duration(attrs, "unreachable_after", p, &c.Review.UnreachableAfter)
	}
	if b := d.single(blocks["reversal"]); b != nil {
		p := newPlace("", "reversal", b.DefRange)
		c.src.reversal = p
		attrs := d.content(b.Body, reversalSchema).Attributes
		d.duration(attrs, "window", p, &c.Reversal.Window)
		if _, ok := attrs["patterns"]; ok {
			c.Reversal.Patterns = nil
			d.strs(attrs, "patterns", p, &c.Reversal.Patterns)
		}
	}
}

func validateLifecycle(v *problems, c *Config, src source) {
	if m := c.Moota; m != nil {
		if m.APIToken == "" {
			v.add(src.moota.at("api_token"), "moota: api_token is required (a personal token from Moota's dashboard; use env(\"MOOTA_TOKEN\"))")
		}
		if u, err := url.Parse(m.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.add(src.moota.at("base_url"), "moota: base_url must be an http(s) URL like %q", DefaultMootaBaseURL)
		}
		if u, err := url.Parse(m.BaseURL); err == nil && m.VerifyPayments && u.Scheme == "http" && !loopback(net.JoinHostPort(u.Hostname(), "0")) {
			v.add(src.moota.at("verify_payments"), "moota: verify_payments needs base_url over https: an answer over plain http can be forged as easily as the webhook it is to confirm")
		}
		if m.ReconcileEvery < 0 || (m.ReconcileEvery > 0 && m.ReconcileEvery < time.Minute) {
			v.add(src.moota.at("reconcile_every"), "moota: reconcile_every must be at least 1m (Moota charges points for API use; poll modestly)")
		}
		if m.Lookback <= 0 || m.Lookback > MaxLookback {
			v.add(src.moota.at("lookback"), "moota: lookback must be positive and at most %s: Lunas recognises a mutation it already has for 14 days, and an older one could pay a second order", FormatDuration(MaxLookback))
		}
	}
	for i, d := range c.Review.Recheck {
		if d <= 0 || (i > 0 && d <= c.Review.Recheck[i-1]) {
			v.add(src.review.at("recheck"), "review: recheck must be positive durations in increasing order")
			break
		}
	}
	if c.Review.NotifyURL != "" {
		if u, err := url.Parse(c.Review.NotifyURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.add(src.review.at("notify_url"), "review: notify_url must be an http(s) URL")
		}
	}
	if c.Review.UnreachableAfter < 0 {
		v.add(src.review.at("unreachable_after"), "review: unreachable_after must be positive")
	}
	if c.Reversal.Window < 0 {
		v.add(src.reversal.at("window"), "reversal: window must be positive")
	}
	for _, p := range c.Reversal.Patterns {
		if _, err := regexp.Compile(p); err != nil {
			v.add(src.reversal.at("patterns"), "reversal: patterns: %s is not a regular expression: %v", quote(p), err)
		}
	}
}
