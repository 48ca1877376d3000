// Package webhook is the public HTTP side of Lunas: it receives Moota
// webhooks, checks them in a fixed order (method, size, source IP,
// signature, payload), hands each mutation to a core.Queue and answers in
// milliseconds. It knows nothing of stores.
package webhook
