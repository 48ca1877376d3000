// Command ledgerplugin is the store plugin of the chaos tests: a real plugin
// process, written with the public sdk only, whose orders and payment
// ledger live in a Redis of their own (see package ledger). Its settings
// make it misbehave on purpose, deterministically: crash (os.Exit) on a
// share of calls, answer 429 and 500 in storms, hold a booked payment
// before answering. The tests build it with `go build -o`.
package main

import "github.com/lunas-dev/lunas/sdk"

func main() {
	log := sdk.Logger("ledger")
	sdk.Serve(newStore(log), sdk.WithLogger(log))
}
