// Command lunas-plugin-demo is the demo store plugin that `lunas dev` runs:
// a real plugin process built with the sdk, keeping its orders in Redis.
package main

import (
	"github.com/lunas-dev/lunas/plugins/demo/demostore"
	"github.com/lunas-dev/lunas/sdk"
)

func main() {
	log := sdk.Logger("demo")
	sdk.Serve(demostore.New(log), sdk.WithLogger(log))
}
