package woo

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// oauth1 signs requests with one-legged OAuth 1.0a, the only scheme
// WooCommerce accepts over plain HTTP. The oauth_* parameters travel in the
// query string; the body is not signed.
type oauth1 struct {
	key, secret string
	now         func() time.Time       // for tests; time.Now in production
	nonce       func() (string, error) // for tests; 128 random bits in production
}

func newOAuth1(key, secret string) *oauth1 {
	return &oauth1{key: key, secret: secret, now: time.Now, nonce: randomNonce}
}

func (*oauth1) name() string { return authOAuth1 }

func (o *oauth1) authorize(req *http.Request) error {
	q, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return err
	}
	nonce, err := o.nonce()
	if err != nil {
		return err
	}
	q.Set("oauth_consumer_key", o.key)
	q.Set("oauth_nonce", nonce)
	q.Set("oauth_signature_method", "HMAC-SHA256")
	q.Set("oauth_timestamp", strconv.FormatInt(o.now().Unix(), 10))
	base := signatureBase(req.Method, baseURI(req.URL), q)
	// WooCommerce keys the HMAC with the raw secret and an empty token.
	mac := hmac.New(sha256.New, []byte(o.secret+"&"))
	mac.Write([]byte(base))
	q.Set("oauth_signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	req.URL.RawQuery = encodeQuery(q)
	return nil
}

func randomNonce() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// signatureBase is RFC 5849 section 3.4.1: the method, the base string URI
// and the normalised parameters, each percent-encoded and joined by "&".
// The parameters are encoded, sorted by name then value, joined as k=v with
// "&", and that string is encoded once more. (WooCommerce sorts the names
// before encoding them; for the names Lunas sends, letters, digits and "_",
// both orders are the same.)
func signatureBase(method, uri string, params url.Values) string {
	type pair struct{ k, v string }
	pairs := make([]pair, 0, len(params))
	for k, vs := range params {
		for _, v := range vs {
			pairs = append(pairs, pair{percentEncode(k), percentEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var norm strings.Builder
	for i, p := range pairs {
		if i > 0 {
			norm.WriteByte('&')
		}
		norm.WriteString(p.k + "=" + p.v)
	}
	return strings.ToUpper(method) + "&" + percentEncode(uri) + "&" + percentEncode(norm.String())
}

// baseURI is the request URL without query or fragment, with the scheme
// and host in lower case and the default port left out.
func baseURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if p := u.Port(); (scheme == "http" && p == "80") || (scheme == "https" && p == "443") {
		host = strings.TrimSuffix(host, ":"+p)
	}
	return scheme + "://" + host + u.EscapedPath()
}

// percentEncode is RFC 3986 encoding: everything but ALPHA, DIGIT and
// "-._~" becomes %XX in upper case, so a space is %20 (url.QueryEscape
// would write "+", which breaks the signature).
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// encodeQuery writes a query string with RFC 3986 encoding, sorted by key
// so that requests are reproducible in logs and tests.
func encodeQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(percentEncode(k) + "=" + percentEncode(v))
		}
	}
	return b.String()
}
