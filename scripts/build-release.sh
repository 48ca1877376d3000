#!/usr/bin/env bash
# Builds lunas and every bundled plugin (plugins/*/main.go) into OUTDIR, the
# way releases, the container image and `make build` build them: -trimpath
# (no local paths in the binaries), stripped, with the version stamped in.
#
#   scripts/build-release.sh OUTDIR
#
# VERSION, COMMIT and DATE override what is stamped into main.Version,
# main.Commit and main.Date. By default they come from git: `git describe
# --tags --always --dirty`, the commit hash and the commit's date (so two
# builds of one commit are identical); "dev", "unknown" and "unknown" outside
# a git checkout (the container build, whose context has no .git, passes them
# as build arguments). GO names the go command (default go); GOOS, GOARCH and
# CGO_ENABLED are honoured as usual.
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
if [ -z "${VERSION:-}" ]; then
	VERSION=dev
	in_git && VERSION=$(git describe --tags --always --dirty)
fi
if [ -z "${COMMIT:-}" ]; then
	COMMIT=unknown
	in_git && COMMIT=$(git rev-parse HEAD)
fi
if [ -z "${DATE:-}" ]; then
	DATE=unknown
	in_git && DATE=$(TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd)
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
