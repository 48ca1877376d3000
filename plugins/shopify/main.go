// Command lunas-plugin-shopify connects Lunas to a Shopify shop through the
// Admin GraphQL API: it lists unpaid bank-transfer orders, marks a matched
// order paid, and notes the payment on it (see README.md for the settings).
//
// The Lunas core starts this binary; it is not run by hand.
package main

import (
	"github.com/lunas-dev/lunas/plugins/shopify/internal/shopify"
	"github.com/lunas-dev/lunas/sdk"
)

// Version is set at build time with -ldflags "-X main.Version=..." (make
// build does); left empty, the plugin reports the version in its build info.
var Version string

func main() {
	log := sdk.Logger("shopify")
	sdk.Serve(shopify.New(log), sdk.WithLogger(log), sdk.WithVersion(Version))
}
