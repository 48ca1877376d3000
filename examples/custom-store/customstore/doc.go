// Package customstore is a small store that implements the Lunas custom
// store contract (plugins/custom/openapi.yaml): orders in memory, every
// request's Lunas-Signature verified, each order paid at most once.
//
// It is the library half of the runnable example in the parent directory,
// and is meant to be started in-process by tests:
//
//	srv, _ := customstore.New(customstore.Config{Secret: secret})
//	srv.Seed(customstore.Order{Number: "1042", Amount: customstore.Rupiah(150123)})
//	ts := httptest.NewServer(srv)
//	// configure the custom plugin with base_url = ts.URL, secret = secret
//
// A merchant's real store does the same work in its own language; the
// handlers here are short on purpose so they can be read as a reference.
package customstore
