// Command lunas-plugin-sql connects Lunas to a store whose orders live in a
// PostgreSQL table: it lists open orders with one SELECT and applies a
// payment in one transaction that locks the order's row, so two workers
// can never both pay it. The table's and columns' names are settings.
//
// It is written with the public sdk only, as an agency would write one.
// The Lunas core starts this binary; it is not run by hand.
package main

import "github.com/lunas-dev/lunas/sdk"

// Version is set at build time with -ldflags "-X main.Version=..." (make
// build does); left empty, the plugin reports the version in its build info.
var Version string

func main() {
	log := sdk.Logger("sql")
	sdk.Serve(NewStore(log), sdk.WithLogger(log), sdk.WithVersion(Version))
}
