package woo

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// Settings is the settings block of a WooCommerce store in lunas.hcl. The
// JSON names are the contract merchants write; zero values mean defaults.
type Settings struct {
	// BaseURL is the WordPress site address (Settings > General > Site
	// Address), e.g. "https://tokobudi.id" or "https://example.com/shop".
	BaseURL string `json:"base_url"`
	// ConsumerKey and ConsumerSecret are the REST API key ("ck_...", "cs_...").
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"consumer_secret"`
	// Auth is "auto" (default: Basic over HTTPS, OAuth 1.0a over HTTP),
	// "basic", "oauth1" or "query" (key and secret in the query string, for
	// HTTPS hosts that strip the Authorization header).
	Auth string `json:"auth"`
	// PaidStatus is "processing" (default), "completed", or "auto"
	// (completed when the order needs no processing, as WooCommerce's own
	// gateways do, otherwise processing).
	PaidStatus string `json:"paid_status"`
	// PaymentMethods lists the gateway ids whose orders Lunas may confirm;
	// the default is ["bacs"] (Direct bank transfer).
	PaymentMethods []string `json:"payment_methods"`
	// NoteTemplate is the order note written on payment; see noteTemplate
	// for the placeholders. It must contain {mutation_id}.
	NoteTemplate string `json:"note_template"`
	// CustomerNote makes the note visible to (and emailed to) the customer.
	CustomerNote bool `json:"customer_note"`
	// ReversalNoteTemplate is the private order note written when the bank
	// reverses the payment; see noteTemplate for the placeholders. It must
	// contain {reversal_id}.
	ReversalNoteTemplate string `json:"reversal_note_template"`
	// Timeout bounds each HTTP request, as a Go duration ("15s" by default).
	Timeout string `json:"timeout"`
	// CAFile names a PEM file of extra certificate authorities to trust, for
	// stores behind a private CA. TLS verification is never switched off.
	CAFile string `json:"ca_file"`
}

// Defaults for the settings.
const (
	DefaultTimeout      = 15 * time.Second
	DefaultNoteTemplate = "Pembayaran Rp {amount} diterima via {bank} (mutasi Moota {mutation_id}). Dikonfirmasi otomatis oleh Lunas."
	// DefaultReversalNoteTemplate says, in Indonesian, that the bank took
	// the payment back and that the order must be checked before shipping.
	DefaultReversalNoteTemplate = "Pembayaran Rp {amount} via {bank} dibatalkan oleh bank (reversal {reversal_id} atas mutasi Moota {mutation_id}). " +
		"Pesanan dikembalikan ke on-hold; periksa sebelum mengirim."
	maxTimeout = 5 * time.Minute
)

// DefaultPaymentMethods is the gateway list used when payment_methods is not set.
var DefaultPaymentMethods = []string{"bacs"}

// Paid statuses a merchant may choose.
const (
	paidProcessing = "processing"
	paidCompleted  = "completed"
	paidAuto       = "auto"
)

// Authentication modes.
const (
	authAuto   = "auto"
	authBasic  = "basic"
	authOAuth1 = "oauth1"
	authQuery  = "query"
)

// parseSettings decodes and validates the settings of a ConfigureRequest.
// Every error is permanent and names the offending setting; none repeats the
// consumer key or secret.
func parseSettings(req *sdk.ConfigureRequest) (*config, error) {
	if err := rejectInsecureSkipVerify(req.Settings); err != nil {
		return nil, err
	}
	var s Settings
	if err := req.Decode(&s); err != nil {
		return nil, err
	}
	cfg, err := s.validate()
	if err != nil {
		return nil, sdk.Permanent(fmt.Errorf("woocommerce store %q: %w", req.StoreName, err))
	}
	return cfg, nil
}

// rejectInsecureSkipVerify gives the one setting merchants reach for when a
// certificate fails a precise answer instead of "unknown field".
func rejectInsecureSkipVerify(raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(raw, &keys) != nil {
		return nil // Decode reports the syntax error
	}
	if _, ok := keys["insecure_skip_verify"]; ok {
		return sdk.Permanentf("setting insecure_skip_verify is not supported: Lunas never skips TLS certificate checks; " +
			"name the store's certificate authority in ca_file (a PEM file) instead")
	}
	return nil
}

func (s Settings) validate() (*config, error) {
	base, err := parseBaseURL(s.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg := &config{base: base, customerNote: s.CustomerNote}
	https := base.Scheme == "https"
	if err := validateCredentials(s.ConsumerKey, s.ConsumerSecret); err != nil {
		return nil, err
	}
	if cfg.auth, err = chooseAuth(s.Auth, https, s.ConsumerKey, s.ConsumerSecret); err != nil {
		return nil, err
	}
	if cfg.paidStatus, err = choosePaidStatus(s.PaidStatus); err != nil {
		return nil, err
	}
	if cfg.methods, err = paymentMethods(s.PaymentMethods); err != nil {
		return nil, err
	}
	tmpl := s.NoteTemplate
	if tmpl == "" {
		tmpl = DefaultNoteTemplate
	}
	if cfg.note, err = parseNoteTemplate(tmpl); err != nil {
		return nil, fmt.Errorf("setting note_template: %w", err)
	}
	tmpl = s.ReversalNoteTemplate
	if tmpl == "" {
		tmpl = DefaultReversalNoteTemplate
	}
	if cfg.reversalNote, err = parseReversalTemplate(tmpl); err != nil {
		return nil, fmt.Errorf("setting reversal_note_template: %w", err)
	}
	if cfg.timeout, err = parseTimeout(s.Timeout); err != nil {
		return nil, err
	}
	if s.CAFile != "" && !https {
		return nil, fmt.Errorf("setting ca_file is only used with an https:// base_url (base_url is %s)", base)
	}
	if cfg.roots, err = loadCAFile(s.CAFile); err != nil {
		return nil, err
	}
	cfg.secrets = []string{s.ConsumerKey, s.ConsumerSecret}
	return cfg, nil
}

func parseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New(`setting base_url is required: the WordPress site address, e.g. "https://tokobudi.id"`)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("setting base_url must be an absolute http:// or https:// address such as \"https://tokobudi.id\" (got %q)", redactUserinfo(raw))
	}
	if u.User != nil {
		return nil, errors.New("setting base_url must not contain a user name or password: put the API key in consumer_key and consumer_secret")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("setting base_url must not have a query or fragment (got %q)", raw)
	}
	if strings.Contains(u.Path, "/wp-json") {
		return nil, fmt.Errorf("setting base_url must be the site address without /wp-json (got %q): Lunas adds /wp-json/wc/v3 itself", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return u, nil
}

// redactUserinfo keeps a malformed base_url's password out of the error.
func redactUserinfo(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		return "[redacted]@" + raw[at+1:]
	}
	return raw
}

func validateCredentials(key, secret string) error {
	switch {
	case key == "":
		return errors.New("setting consumer_key is required (WooCommerce > Settings > Advanced > REST API > Add key)")
	case secret == "":
		return errors.New("setting consumer_secret is required (shown once when the REST API key is created)")
	case strings.HasPrefix(key, "cs_") && strings.HasPrefix(secret, "ck_"):
		return errors.New("settings consumer_key and consumer_secret are swapped: the key starts with ck_, the secret with cs_")
	case !strings.HasPrefix(key, "ck_"):
		return errors.New("setting consumer_key does not look like a WooCommerce consumer key (it starts with ck_)")
	case !strings.HasPrefix(secret, "cs_"):
		return errors.New("setting consumer_secret does not look like a WooCommerce consumer secret (it starts with cs_)")
	case strings.TrimSpace(key) != key || strings.TrimSpace(secret) != secret:
		return errors.New("settings consumer_key and consumer_secret must not have leading or trailing spaces")
	}
	return nil
}

func chooseAuth(mode string, https bool, key, secret string) (authenticator, error) {
	if mode == "" {
		mode = authAuto
	}
	switch mode {
	case authAuto:
		if https {
			return basicAuth{key: key, secret: secret}, nil
		}
		return newOAuth1(key, secret), nil
	case authBasic, authQuery:
		if !https {
			return nil, fmt.Errorf("setting auth = %q sends the consumer secret in clear text and WooCommerce accepts it only over HTTPS: "+
				"use an https:// base_url, or auth = \"oauth1\" (or \"auto\") over plain HTTP", mode)
		}
		if mode == authQuery {
			return queryAuth{key: key, secret: secret}, nil
		}
		return basicAuth{key: key, secret: secret}, nil
	case authOAuth1:
		return newOAuth1(key, secret), nil
	}
	return nil, fmt.Errorf("setting auth must be \"auto\", \"basic\", \"oauth1\" or \"query\" (got %q)", mode)
}

func choosePaidStatus(s string) (string, error) {
	switch s {
	case "":
		return paidProcessing, nil
	case paidProcessing, paidCompleted, paidAuto:
		return s, nil
	}
	return "", fmt.Errorf("setting paid_status must be \"processing\", \"completed\" or \"auto\" (got %q)", s)
}

func paymentMethods(list []string) (map[string]bool, error) {
	if list == nil {
		list = DefaultPaymentMethods
	}
	if len(list) == 0 {
		return nil, errors.New(`setting payment_methods is empty: list the gateway ids Lunas may confirm, e.g. ["bacs"]`)
	}
	out := make(map[string]bool, len(list))
	for i, m := range list {
		if m == "" || strings.TrimSpace(m) != m || strings.ContainsAny(m, " ,") {
			return nil, fmt.Errorf("setting payment_methods[%d] = %q is not a gateway id (ids look like \"bacs\" or \"cheque\")", i, m)
		}
		out[m] = true
	}
	return out, nil
}

func parseTimeout(s string) (time.Duration, error) {
	if s == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("setting timeout must be a duration such as \"15s\" or \"1m\" (got %q)", s)
	}
	if d <= 0 || d > maxTimeout {
		return 0, fmt.Errorf("setting timeout must be more than 0 and at most %s (got %s)", maxTimeout, d)
	}
	return d, nil
}
