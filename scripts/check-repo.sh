#!/usr/bin/env bash
# check-repo.sh fails when a tracked file is larger than 1 MB: the
# repository holds source, not build output (binaries, dumps, archives).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((1024 * 1024))
status=0
while IFS= read -r -d '' f; do
	[ -f "$f" ] || continue # deleted in the work tree, not yet committed
	size=$(wc -c <"$f")
	if [ "$size" -gt "$limit" ]; then
		echo "check-repo: $f is $size bytes (limit $limit): keep build output and large data out of git" >&2
		status=1
	fi
done < <(git ls-files -z)
exit "$status"
