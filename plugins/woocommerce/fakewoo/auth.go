package fakewoo

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authenticate follows WC_REST_Authentication: over TLS, Basic credentials
// or consumer_key/consumer_secret in the query; otherwise (and as a
// fallback) OAuth 1.0a. No credentials at all is an anonymous request
// (nil, nil), refused later by the route's permission check. Basic over
// plain HTTP is ignored, as WordPress does.
func (s *Server) authenticate(r *http.Request) (*Key, *wpError) {
	if r.TLS != nil {
		if user, pass, ok := r.BasicAuth(); ok {
			return s.checkSecret(user, pass)
		}
		q := r.URL.Query()
		if q.Has("consumer_key") && q.Has("consumer_secret") {
			return s.checkSecret(q.Get("consumer_key"), q.Get("consumer_secret"))
		}
	}
	params := phpQuery(r)
	if _, ok := params["oauth_consumer_key"]; !ok {
		return nil, nil
	}
	return s.checkOAuth(r, params)
}

func (s *Server) checkSecret(ck, cs string) (*Key, *wpError) {
	key, ok := s.keys[ck]
	if !ok {
		return nil, authError("Consumer key is invalid.")
	}
	if subtle.ConstantTimeCompare([]byte(key.ConsumerSecret), []byte(cs)) != 1 {
		return nil, authError("Consumer secret is invalid.")
	}
	return &key, nil
}

// checkPermissions is WooCommerce's key permission check: reads need read
// or read_write, writes need write or read_write.
func checkPermissions(k *Key, method string) *wpError {
	switch method {
	case http.MethodGet, http.MethodHead:
		if k.Permissions != Read && k.Permissions != ReadWrite {
			return authError("The API key provided does not have read permissions.")
		}
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		if k.Permissions != Write && k.Permissions != ReadWrite {
			return authError("The API key provided does not have write permissions.")
		}
	}
	return nil
}

// phpQuery decodes the query string the way PHP fills $_GET: "+" and %20
// are spaces, and a repeated key keeps its last value.
func phpQuery(r *http.Request) map[string]string {
	out := make(map[string]string)
	for k, vs := range r.URL.Query() {
		out[k] = vs[len(vs)-1]
	}
	return out
}

// hasCredentialParam reports whether a query key is authentication, which
// pagination links leave out.
func hasCredentialParam(k string) bool {
	return strings.HasPrefix(k, "oauth_") || k == "consumer_key" || k == "consumer_secret"
}
