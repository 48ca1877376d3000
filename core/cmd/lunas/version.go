package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is the release of this source, a semantic version. `make build`
// stamps the one `git describe --tags` gives (-X main.Version=...) and
// falls back to this value, so bump it when releasing.
var Version = "0.9.0"

// Commit and Date are stamped by `make build` (-X main.Commit=...,
// -X main.Date=...): the git commit and the UTC build time. A plain `go
// build` leaves them empty and version reads the VCS stamp Go embeds.
var (
	Commit string
	Date   string
)

// buildInfo is what `lunas version` prints.
type buildInfo struct {
	Version, Commit, Date, Go, Platform string
}

// currentBuild returns the stamped values, else the VCS revision and
// commit time Go records in a binary built with `go build` inside the
// repository, else "unknown" (`go run` and `go test` record none).
func currentBuild() buildInfo {
	b := buildInfo{Version: Version, Commit: Commit, Date: Date, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok && b.Commit == "" {
		var rev, at string
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" {
			b.Commit = rev[:min(len(rev), 12)]
			if modified {
				b.Commit += " (with uncommitted changes)"
			}
		}
		if b.Date == "" && at != "" {
			b.Date = at + " (commit time)"
		}
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

func (b buildInfo) String() string {
	return fmt.Sprintf("lunas %s\n  commit  %s\n  built   %s\n  go      %s %s\n", strings.TrimPrefix(b.Version, "v"), b.Commit, b.Date, b.Go, b.Platform)
}

func versionCommand() *command {
	return &command{
		name: "version", summary: "print the version, commit, build date and Go version",
		run: func(_ context.Context, inv *invocation) error {
			fmt.Fprint(inv.stdout, currentBuild())
			return nil
		},
	}
}
