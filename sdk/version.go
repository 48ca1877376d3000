package sdk

import (
	"runtime/debug"
	"strings"
)

// BuildVersion returns the version recorded in the running binary's build
// info: the main module's version when it was built from a tagged module
// ("v1.4.0"), else the VCS revision it was built from (the first 12
// characters, with "+dirty" when the work tree had changes), else "devel".
// Serve uses it when a plugin sets no version of its own.
func BuildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionOf(info)
}

// versionOf picks the version out of build info (see BuildVersion).
func versionOf(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

// WithVersion sets the version the plugin reports in Health when its own
// HealthResponse leaves Version empty. Plugins built with
// -ldflags "-X main.Version=..." pass that variable; an empty version
// means BuildVersion.
func WithVersion(v string) ServeOption {
	return func(c *serveConfig) { c.version = strings.TrimSpace(v) }
}
