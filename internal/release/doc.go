// Package release holds the tests of how Lunas is built and installed:
// scripts/build-release.sh (which `make build` and the container image use)
// and `make install`. It has no code of its own.
package release
