// Package core holds the Lunas domain: Moota mutations, the matcher that
// decides which order a payment belongs to, and review records for the
// payments a person must look at. Adapters live in subpackages (webhook,
// queue, pluginhost, config, ops, dev) and never import each other; the
// lunas command in cmd/lunas wires them together.
package core
