package woo

import (
	"net/http"
	"net/url"
)

// authenticator adds the API key to a request whose URL already carries
// its query. Implementations are safe for concurrent use.
type authenticator interface {
	authorize(req *http.Request) error
	// name is the mode as merchants write it in auth.
	name() string
}

// basicAuth is HTTP Basic with the consumer key and secret, which
// WooCommerce accepts only over HTTPS.
type basicAuth struct{ key, secret string }

func (a basicAuth) authorize(req *http.Request) error {
	req.SetBasicAuth(a.key, a.secret)
	return nil
}

func (basicAuth) name() string { return authBasic }

// queryAuth puts the key and secret in the query string, for HTTPS hosts
// whose web server strips the Authorization header.
type queryAuth struct{ key, secret string }

func (a queryAuth) authorize(req *http.Request) error {
	q, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return err
	}
	q.Set("consumer_key", a.key)
	q.Set("consumer_secret", a.secret)
	req.URL.RawQuery = encodeQuery(q)
	return nil
}

func (queryAuth) name() string { return authQuery }
