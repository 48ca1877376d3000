// Package sdk is the only package a Lunas store plugin imports.
//
// A store plugin is a separate process that the Lunas core starts with
// hashicorp/go-plugin and talks to over gRPC. The plugin implements Store and
// hands it to Serve in its main function:
//
//	func main() { sdk.Serve(&myStore{}) }
//
// The core decides which order a bank mutation pays (the matcher lives in the
// core, not in the plugin); the plugin lists candidate orders and applies a
// matched payment the way its store needs. Business outcomes (paid, already
// paid, refused) are data in the response; errors are failures and carry a
// class (see Retryable and Permanent) that tells the core whether to retry.
//
// Plugins log with hclog to stderr (see Logger) and never write to stdout,
// which go-plugin uses for its handshake.
package sdk
