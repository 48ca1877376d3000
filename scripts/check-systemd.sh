#!/usr/bin/env bash
# Checks an installed systemd unit without a running systemd: `systemd-analyze
# verify` must print nothing (it exits 0 even on unknown keys, so any output
# is a failure), and `systemd-analyze security --offline=true` must rate its
# exposure at most MAX (default 4.0, on systemd's 0-10 scale). verify also
# checks that ExecStart's binary exists, so check the unit `make install`
# wrote, not deploy/systemd/lunas.service.
#
#   scripts/check-systemd.sh UNIT [MAX]
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 UNIT [MAX]" >&2
	exit 2
fi
unit=$1
max=${2:-4.0}
if ! command -v systemd-analyze >/dev/null; then
	echo "systemd-analyze is not installed (Debian/Ubuntu: apt-get install -y systemd)" >&2
	exit 1
fi
version=$(systemd-analyze --version | awk 'NR == 1 { print $2 }')
if [ "${version%%.*}" -lt 252 ]; then
	echo "systemd-analyze $version is too old: security --offline needs systemd 252 or later" >&2
	exit 1
fi

out=$(systemd-analyze verify "$unit" 2>&1) || true
if [ -n "$out" ]; then
	echo "systemd-analyze verify $unit:" >&2
	echo "$out" >&2
	exit 1
fi
echo "systemd-analyze verify: clean"

# --threshold takes the exposure times ten (4.0 -> 40).
threshold=$(awk -v m="$max" 'BEGIN { printf "%d", m * 10 + 0.5 }')
report=$(systemd-analyze security --offline=true --threshold="$threshold" "$unit" 2>&1) && rc=0 || rc=$?
echo "$report" | grep 'Overall exposure level' || true
if [ "$rc" -ne 0 ]; then
	echo "$report" | grep '✗' >&2 || echo "$report" >&2
	echo "the exposure of $unit is above $max" >&2
	exit 1
fi
