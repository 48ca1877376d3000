// Command lunas-plugin-woocommerce is the Lunas store plugin for WooCommerce.
// It is started by the Lunas core (lunas serve), never by hand; see README.md
// for the settings a store block takes.
package main

import (
	"github.com/lunas-dev/lunas/plugins/woocommerce/internal/woo"
	"github.com/lunas-dev/lunas/sdk"
)

// Version is set at build time with -ldflags "-X main.Version=..." (make
// build does); left empty, the plugin reports the version in its build info.
var Version string

func main() {
	log := sdk.Logger("woocommerce")
	sdk.Serve(woo.New(log), sdk.WithLogger(log), sdk.WithVersion(Version))
}
