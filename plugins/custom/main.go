// Command lunas-plugin-custom connects Lunas to any store that speaks the
// small HTTP/JSON contract in openapi.yaml: list open orders, apply a
// payment, answer a health check. Every request it sends is signed with the
// Lunas-Signature header (see the signature package).
//
// The Lunas core starts this binary; it is not run by hand.
package main

import "github.com/lunas-dev/lunas/sdk"

// Version is set at build time with -ldflags "-X main.Version=..." (make
// build does); left empty, the plugin reports the version in its build info.
var Version string

func main() {
	log := sdk.Logger("custom")
	sdk.Serve(NewStore(log), sdk.WithLogger(log), sdk.WithVersion(Version))
}
