#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then stop and delete it.
# initdb into a temp dir (as the postgres user when run as root: initdb refuses
# root), start it on 127.0.0.1 and a free port, createdb, export DATABASE_URL.
# Exit code 3 means no PostgreSQL binaries were found; `with-postgres.sh --check`
# only looks for them (exit 0 or 3), so a caller can tell that apart from the
# command's own exit code 3.
set -euo pipefail

pgbin=""
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) "$(pg_config --bindir 2>/dev/null || true)"; do
  if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then pgbin=$dir; break; fi
done
if [ -z "$pgbin" ]; then
  echo "with-postgres: no PostgreSQL server binaries (initdb, pg_ctl) found" >&2
  exit 3
fi
if [ "${1:-}" = --check ]; then exit 0; fi

tmp=$(mktemp -d /tmp/interviewprep-pg.XXXXXX)
as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$tmp"
  as=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
  "${as[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# Stopped by a signal (make test stops a run it no longer waits for), exit through
# the cleanup too.
trap 'exit 130' INT
trap 'exit 143' TERM

"${as[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --no-sync >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 1; }
# Durability is pointless for a cluster deleted at exit; these make the tests faster.
# NEVER in production: with fsync, synchronous_commit or full_page_writes off, a
# crash loses saves the app already acknowledged (and can corrupt the cluster).
# PG_DURABLE=1 leaves them out (fsync, synchronous_commit and full_page_writes stay
# on, as in production): the fault drill crashes the server and checks what survived.
speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ "${PG_DURABLE:-}" = 1 ]; then speed=""; fi
"${as[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $tmp $speed -c max_connections=100" \
  start >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres interviewprep

echo "with-postgres: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/interviewprep"
"$@"
