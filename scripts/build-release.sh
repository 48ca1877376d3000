#!/usr/bin/env bash
# Builds lunas and every bundled plugin (plugins/*/main.go) into OUTDIR, the
# way releases, the container image and `make build` build them: -trimpath
# (no local paths in the binaries), stripped, with the version stamped in.
#
#   scripts/build-release.sh OUTDIR
#
# VERSION, COMMIT and DATE override what is stamped into main.Version,
# main.Commit and main.Date. By default: the version is the latest tag
# (`git describe --tags --dirty`, without its "v": 0.9.0-3-gabc1234 between
# releases) or, without a tag or outside git, the `var Version = "..."` of
# core/cmd/lunas; the commit is git's (12 digits, "-dirty" with uncommitted
# changes; empty outside git, e.g. in the container build, whose context has
# no .git: pass it as a build argument); the date is now in UTC, or
# SOURCE_DATE_EPOCH for a reproducible build. GO names the go command
# (default go); GOOS, GOARCH and CGO_ENABLED are honoured as usual.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
cd "$(dirname "$0")/.."
go=${GO:-go}
# Static binaries: they run on any Linux (the container image has no libc)
# and need nothing but themselves where the systemd unit forbids exec.
export CGO_ENABLED=${CGO_ENABLED:-0}

in_git() { git rev-parse --is-inside-work-tree >/dev/null 2>&1; }
VERSION=${VERSION:-} COMMIT=${COMMIT:-} DATE=${DATE:-}
if [ -z "$VERSION" ]; then
	in_git && VERSION=$(git describe --tags --dirty 2>/dev/null || true)
	[ -n "$VERSION" ] || VERSION=$(sed -n 's/^var Version = "\(.*\)"/\1/p' core/cmd/lunas/*.go | head -n 1)
	VERSION=${VERSION:-dev}
fi
VERSION=${VERSION#v}
if [ -z "$COMMIT" ] && in_git; then
	COMMIT=$(git rev-parse --short=12 HEAD)
	git diff --quiet HEAD 2>/dev/null || COMMIT=$COMMIT-dirty
fi
if [ -z "$DATE" ]; then
	DATE=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%dT%H:%M:%SZ)
fi

ldflags="-s -w -X main.Version=$VERSION -X main.Commit=$COMMIT -X main.Date=$DATE"
mkdir -p "$out"
build() {
	echo "$go build -trimpath -o $out/$1 $2" >&2
	"$go" build -trimpath -ldflags "$ldflags" -o "$out/$1" "$2"
}
build lunas ./core/cmd/lunas
for main in plugins/*/main.go; do
	p=$(basename "$(dirname "$main")")
	build "lunas-plugin-$p" "./plugins/$p"
done
