#!/usr/bin/env bash
# Runs a command with a throwaway redis-server on a free loopback port,
# exported as LUNAS_TEST_REDIS_ADDR, and stops the server afterwards. It keeps
# an append-only file (not fsynced) in its temporary directory, because
# lunas serve refuses a Redis without persistence (require_persistence).
set -euo pipefail
if ! command -v redis-server >/dev/null; then
	echo "redis-server is not installed (Debian/Ubuntu: apt-get install -y redis-server)" >&2
	exit 1
fi
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly yes --appendfsync no --databases 4096 --daemonize no --logfile "$dir/redis.log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
	redis-cli -p "$port" ping >/dev/null 2>&1 && break
	sleep 0.05
done
export LUNAS_TEST_REDIS_ADDR="127.0.0.1:$port"
"$@"
