package fakewoo

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// oauthWindow is how far a timestamp may be from now, and how long a nonce
// stays used.
const oauthWindow = 15 * time.Minute

// checkOAuth mirrors perform_oauth_authentication: required parameters,
// the consumer key, the signature (recomputed here), then timestamp and
// nonce. A nonce is recorded only once everything else passed.
func (s *Server) checkOAuth(r *http.Request, params map[string]string) (*Key, *wpError) {
	var missing []string
	for _, p := range []string{"oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method"} {
		if params[p] == "" {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return nil, authError("Missing OAuth parameter " + strings.Join(missing, ", "))
	}
	key, ok := s.keys[params["oauth_consumer_key"]]
	if !ok {
		return nil, authError("Consumer key is invalid.")
	}
	var newHash func() hash.Hash
	switch params["oauth_signature_method"] {
	case "HMAC-SHA1":
		newHash = sha1.New
	case "HMAC-SHA256":
		newHash = sha256.New
	default:
		return nil, authError("Invalid signature - signature method is invalid.")
	}
	// PHP decoded "+" in the signature to a space; WooCommerce turns it
	// back and rawurldecodes once more.
	given := strings.ReplaceAll(params["oauth_signature"], " ", "+")
	if dec, err := url.PathUnescape(given); err == nil {
		given = dec
	}
	mac := hmac.New(newHash, []byte(key.ConsumerSecret+"&"))
	mac.Write([]byte(stringToSign(r, params)))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(given)) {
		return nil, authError("Invalid signature - provided signature does not match.")
	}
	now := time.Now()
	ts, err := strconv.ParseInt(params["oauth_timestamp"], 10, 64)
	if err != nil || ts < now.Add(-oauthWindow).Unix() || ts > now.Add(oauthWindow).Unix() {
		return nil, authError("Invalid timestamp.")
	}
	used := s.nonces[key.ConsumerKey]
	if used == nil {
		used = make(map[string]time.Time)
		s.nonces[key.ConsumerKey] = used
	}
	for n, at := range used {
		if now.Sub(at) > oauthWindow {
			delete(used, n)
		}
	}
	nonce := params["oauth_nonce"]
	if _, seen := used[nonce]; seen {
		return nil, authError("Invalid nonce - nonce has already been used.")
	}
	used[nonce] = now
	return &key, nil
}

// stringToSign builds the signature base string the way WooCommerce's PHP
// does: raw keys sorted byte-wise (before encoding, unlike RFC 5849, which
// matters only for names with reserved characters), each key and value rawurlencoded, every
// "key=value" rawurlencoded again and joined with "%26", after the method
// and the rawurlencoded home URL plus request path.
func stringToSign(r *http.Request, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "oauth_signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = rawurlencode(rawurlencode(k) + "=" + rawurlencode(params[k]))
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	home := scheme + "://" + r.Host + r.URL.EscapedPath()
	return strings.ToUpper(r.Method) + "&" + rawurlencode(home) + "&" + strings.Join(pairs, "%26")
}

// rawurlencode is PHP's rawurlencode (RFC 3986): only letters, digits and
// "-_.~" stay as they are; a space becomes %20.
func rawurlencode(s string) string {
	const keep = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
