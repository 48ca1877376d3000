// Package chaos holds the fault-tolerance and scale-out tests of Lunas:
// real `lunas serve` processes, real redis-server (and Sentinel) processes
// and a real store plugin (ledgerplugin) whose payment ledger lives in a
// Redis of its own. Each test breaks something on purpose (kill -9 of a
// worker, a crashing plugin, a Redis restart, 429/500 storms, a Sentinel
// failover) while webhooks arrive, then proves from the ledger that every
// accepted payment was applied exactly once.
//
// By default the tests run a few hundred payments each; with
// LUNAS_CHAOS_FULL=1 (make chaos) they run thousands.
package chaos
