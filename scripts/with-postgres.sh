#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster (initdb + pg_ctl in a
# temporary directory, on a free loopback port, a random password), exported
# as LUNAS_TEST_POSTGRES_DSN, and stops and deletes the cluster afterwards.
# The machine's own PostgreSQL, if any, is never touched.
#
# When LUNAS_TEST_POSTGRES_DSN is already set, the command runs against it.
# Without PostgreSQL's server binaries the command runs without a DSN (the SQL
# plugin's tests then skip, or fail when CI is set); Debian/Ubuntu: apt-get
# install -y postgresql. LUNAS_PG_BINDIR names the binaries' directory when
# they are not in /usr/lib/postgresql/*/bin or on the PATH.
set -euo pipefail

if [ -n "${LUNAS_TEST_POSTGRES_DSN:-}" ]; then
	exec "$@"
fi

bindir=${LUNAS_PG_BINDIR:-}
if [ -z "$bindir" ]; then
	# The newest installed major version, else whatever initdb is on the PATH.
	bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$bindir" ] && command -v initdb >/dev/null; then
		bindir=$(dirname "$(command -v initdb)")
	fi
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
	echo "with-postgres: PostgreSQL's initdb and pg_ctl were not found (Debian/Ubuntu: apt-get install -y postgresql);" \
		"running without LUNAS_TEST_POSTGRES_DSN" >&2
	exec "$@"
fi

# PostgreSQL refuses to run as root: then the cluster belongs to an
# unprivileged user (postgres when the package created it, else nobody).
as=()
if [ "$(id -u)" = 0 ]; then
	user=postgres
	id -u "$user" >/dev/null 2>&1 || user=nobody
	as=(runuser -u "$user" --)
fi

# As root, the cluster's user must reach the directory: /tmp, not a TMPDIR
# under root's home.
base=${TMPDIR:-/tmp}
[ ${#as[@]} -eq 0 ] || base=/tmp
dir=$(mktemp -d "$base/lunas-pg.XXXXXX")
chmod 700 "$dir"
[ ${#as[@]} -eq 0 ] || chown "$user" "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

started=
cleanup() {
	if [ -n "$started" ]; then
		"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -s stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The password file is read by initdb only and deleted with the directory.
(umask 077 && printf '%s\n' "$password" >"$dir/pwfile")
[ ${#as[@]} -eq 0 ] || chown "$user" "$dir/pwfile"
if ! "${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -A scram-sha-256 \
	-E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
	echo "with-postgres: initdb failed:" >&2
	cat "$dir/initdb.log" >&2
	exit 1
fi
rm -f "$dir/pwfile"

# fsync off: the cluster is thrown away, durability is not what is tested.
started=1
if ! "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -s \
	-o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c max_connections=200" start; then
	echo "with-postgres: the server did not start:" >&2
	cat "$dir/postgres.log" >&2
	exit 1
fi

export LUNAS_TEST_POSTGRES_DSN="postgres://postgres:$password@127.0.0.1:$port/postgres?sslmode=disable"
"$@"
