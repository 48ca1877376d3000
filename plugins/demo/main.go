// Command lunas-plugin-demo is the demo store plugin that `lunas dev` runs:
// a real plugin process built with the sdk, keeping its orders in Redis.
package main

import (
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
	"github.com/lunas-dev/lunas/sdk"
)

// Version is set at build time with -ldflags "-X main.Version=..." (make
// build does); left empty, the plugin reports the version in its build info.
var Version string

func main() {
	log := sdk.Logger("demo")
	sdk.Serve(demostore.New(log), sdk.WithLogger(log), sdk.WithVersion(Version))
}
