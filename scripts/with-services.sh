#!/usr/bin/env bash
# Runs a command with every service the tests use, each a throwaway of its
# own: a redis-server (LUNAS_TEST_REDIS_ADDR, scripts/with-redis.sh) and a
# PostgreSQL cluster (LUNAS_TEST_POSTGRES_DSN, scripts/with-postgres.sh).
set -euo pipefail
here=$(dirname "$0")
exec "$here/with-redis.sh" "$here/with-postgres.sh" "$@"
