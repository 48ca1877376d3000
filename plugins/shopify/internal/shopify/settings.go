package shopify

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// Settings is the settings block of a Shopify store in lunas.hcl. The JSON
// names are the contract merchants write; unknown names are refused.
type Settings struct {
	Shop                 string    `json:"shop"`                   // "toko-sari.myshopify.com"
	APIVersion           string    `json:"api_version"`            // "2026-01" (YYYY-MM, MM in 01/04/07/10)
	AccessToken          string    `json:"access_token"`           // legacy custom app token (shpat_...)
	ClientID             string    `json:"client_id"`              // or: client-credentials grant
	ClientSecret         string    `json:"client_secret"`          //
	Gateways             []string  `json:"gateways"`               // manual payment method names ["Bank Deposit"]
	Tags                 *[]string `json:"tags"`                   // tags added to a paid order ["lunas-paid"]; [] adds none
	NoteTemplate         *string   `json:"note_template"`          // line appended to the note; "" appends none
	ReversalTags         *[]string `json:"reversal_tags"`          // tags added when the bank reverses the payment ["lunas-reversed"]; [] adds none
	ReversalNoteTemplate *string   `json:"reversal_note_template"` // line appended then; "" appends none (not both empty)
	Timeout              string    `json:"timeout"`                // per request, a Go duration ["15s"]
	BaseURL              string    `json:"base_url"`               // replaces https://{shop} (tests, proxies)
	CAFile               string    `json:"ca_file"`                // extra PEM roots to trust (tests)
}

// Defaults.
const (
	DefaultAPIVersion = "2026-01"
	DefaultTimeout    = 15 * time.Second
	maxTimeout        = 2 * time.Minute
	maxTagLength      = 40
)

var (
	shopPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)
	versionPattern = regexp.MustCompile(`^20\d\d-(01|04|07|10)$`)
)

// config is validated Settings with defaults applied.
type config struct {
	shop         string
	apiVersion   string
	baseURL      string // scheme://host[:port], no trailing slash
	accessToken  string
	clientID     string
	clientSecret string
	gateways     []string
	tags         []string
	note         noteTemplate
	reversalTags []string
	reversalNote noteTemplate
	timeout      time.Duration
	roots        *x509.CertPool // nil: the system roots
}

func (c *config) graphqlURL() string {
	return c.baseURL + "/admin/api/" + c.apiVersion + "/graphql.json"
}

func (c *config) tokenURL() string { return c.baseURL + "/admin/oauth/access_token" }

// parseSettings decodes and validates the settings. Every error is
// Permanent and names the setting; no error repeats a credential.
func parseSettings(req *sdk.ConfigureRequest) (*config, error) {
	var s Settings
	if err := req.Decode(&s); err != nil {
		return nil, err
	}
	c := &config{}
	var err error
	for _, step := range []func(*Settings, *config) error{
		parseShop, parseVersion, parseCredentials, parseGateways, parseTags, parseNote, parseReversal, parseTimeout, parseBaseURL, parseCAFile,
	} {
		if err = step(&s, c); err != nil {
			return nil, sdk.Permanent(err)
		}
	}
	return c, nil
}

func parseShop(s *Settings, c *config) error {
	shop := strings.ToLower(strings.TrimSpace(s.Shop))
	if shop == "" {
		return fmt.Errorf(`shop is required: the shop's myshopify.com domain, like "toko-sari.myshopify.com"`)
	}
	if !shopPattern.MatchString(shop) {
		return fmt.Errorf(`shop %q is not a myshopify.com domain: write it like "toko-sari.myshopify.com", without https:// or a path (find it in Shopify admin > Settings > Domains)`, s.Shop)
	}
	c.shop = shop
	return nil
}

func parseVersion(s *Settings, c *config) error {
	c.apiVersion = strings.TrimSpace(s.APIVersion)
	if c.apiVersion == "" {
		c.apiVersion = DefaultAPIVersion
	}
	if !versionPattern.MatchString(c.apiVersion) {
		return fmt.Errorf(`api_version %q is not a Shopify API version: use YYYY-MM with MM one of 01, 04, 07, 10 (default %q)`, s.APIVersion, DefaultAPIVersion)
	}
	return nil
}

func parseCredentials(s *Settings, c *config) error {
	c.accessToken = strings.TrimSpace(s.AccessToken)
	c.clientID = strings.TrimSpace(s.ClientID)
	c.clientSecret = strings.TrimSpace(s.ClientSecret)
	pair := c.clientID != "" || c.clientSecret != ""
	switch {
	case c.accessToken != "" && pair:
		return fmt.Errorf("access_token and client_id/client_secret are both set: use one (access_token for a legacy custom app, client_id + client_secret for a new app)")
	case c.accessToken == "" && !pair:
		return fmt.Errorf("credentials are missing: set access_token (legacy custom app, shpat_...) or client_id and client_secret (new app)")
	case pair && c.clientID == "":
		return fmt.Errorf("client_id is required with client_secret")
	case pair && c.clientSecret == "":
		return fmt.Errorf("client_secret is required with client_id")
	}
	return nil
}

func parseGateways(s *Settings, c *config) error {
	if s.Gateways == nil {
		c.gateways = []string{"Bank Deposit"}
		return nil
	}
	if len(s.Gateways) == 0 {
		return fmt.Errorf(`gateways is empty: name the manual payment methods whose orders Lunas may pay, like ["Bank Deposit"]`)
	}
	for i, g := range s.Gateways {
		g = strings.TrimSpace(g)
		if g == "" {
			return fmt.Errorf("gateways[%d] is empty", i)
		}
		c.gateways = append(c.gateways, g)
	}
	return nil
}

func parseTags(s *Settings, c *config) (err error) {
	c.tags, err = tagList("tags", s.Tags, []string{"lunas-paid"})
	return err
}

// tagList validates the tags setting called name; nil means def.
func tagList(name string, list *[]string, def []string) ([]string, error) {
	if list == nil {
		return def, nil
	}
	out := []string{}
	for i, t := range *list {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
			return nil, fmt.Errorf("%s[%d] is empty", name, i)
		case strings.Contains(t, ","):
			return nil, fmt.Errorf("%s[%d] %q contains a comma, which Shopify reads as two tags", name, i, t)
		case len(t) > maxTagLength:
			return nil, fmt.Errorf("%s[%d] %q is longer than Shopify's %d characters", name, i, t, maxTagLength)
		}
		out = append(out, t)
	}
	return out, nil
}

func parseNote(s *Settings, c *config) error {
	text := DefaultNoteTemplate
	if s.NoteTemplate != nil {
		text = *s.NoteTemplate
	}
	n, err := newNoteTemplate(text)
	if err != nil {
		return fmt.Errorf("note_template: %w", err)
	}
	c.note = n
	return nil
}

func parseReversal(s *Settings, c *config) (err error) {
	if c.reversalTags, err = tagList("reversal_tags", s.ReversalTags, []string{"lunas-reversed"}); err != nil {
		return err
	}
	text := DefaultReversalNoteTemplate
	if s.ReversalNoteTemplate != nil {
		text = *s.ReversalNoteTemplate
	}
	if c.reversalNote, err = newReversalTemplate(text); err != nil {
		return fmt.Errorf("reversal_note_template: %w", err)
	}
	if !c.reversalNote.enabled() && len(c.reversalTags) == 0 {
		return fmt.Errorf("reversal_note_template and reversal_tags are both empty: an order whose payment the bank reversed " +
			"would show no sign of it in Shopify admin; keep the note line or at least one tag")
	}
	return nil
}

func parseTimeout(s *Settings, c *config) error {
	c.timeout = DefaultTimeout
	if s.Timeout == "" {
		return nil
	}
	d, err := time.ParseDuration(s.Timeout)
	if err != nil || d <= 0 || d > maxTimeout {
		return fmt.Errorf(`timeout %q must be a Go duration between 0 and %s, like "15s"`, s.Timeout, maxTimeout)
	}
	c.timeout = d
	return nil
}

// parseBaseURL accepts https anywhere, and plain http only on loopback: a
// token must never cross a network in clear text.
func parseBaseURL(s *Settings, c *config) error {
	c.baseURL = "https://" + c.shop
	if s.BaseURL == "" {
		return nil
	}
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(s.BaseURL), "/"))
	switch {
	case err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("base_url %q must be an absolute URL like https://proxy.example.com", s.BaseURL)
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return fmt.Errorf("base_url %q uses http on a non-loopback host: use https", s.BaseURL)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("base_url %q must use https", s.BaseURL)
	}
	c.baseURL = u.String()
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func parseCAFile(s *Settings, c *config) error {
	if s.CAFile == "" {
		return nil
	}
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		return fmt.Errorf("ca_file: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return fmt.Errorf("ca_file %q holds no PEM certificate", s.CAFile)
	}
	c.roots = roots
	return nil
}
