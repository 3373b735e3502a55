#!/usr/bin/env bash
# The whole suite: static checks, then pytest on SQLite and on a throwaway PostgreSQL.
# Outside CI a part that cannot run here is reported loudly as skipped; with CI=true
# every part must run.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
ci=false
case "${CI:-}" in 1|true|TRUE|yes) ci=true ;; esac
export CI=$ci
failed=()
skipped=()
# Byte code is written (to the ignored __pycache__ folders) even where the
# environment says not to: otherwise each of the four pytest workers and each
# manage.py check compiles the project and rewrites every test module's asserts
# anew, some 4 s of CPU a process.
unset PYTHONDONTWRITEBYTECODE

step() { echo; echo "==> $*"; }

# Static checks run against a scratch data dir so they never touch ./data.
export DATA_DIR
DATA_DIR=$(mktemp -d /tmp/interviewprep-test.XXXXXX)
# The PostgreSQL run goes on in the background (below): stop it, with its cluster,
# when this script ends before it does (Ctrl-C).
pg_pid=""
cleanup() {
  if [ -n "$pg_pid" ]; then kill -TERM -- -"$pg_pid" 2>/dev/null && wait "$pg_pid"; fi
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Chromium for the browser tests"
if ! scripts/ensure-chromium.sh; then
  if $ci; then failed+=("chromium"); else skipped+=("browser tests: Chromium is not installed"); fi
fi

step "Pango and fonts for the PDF prep sheet (WeasyPrint)"
scripts/ensure-system-libs.sh || failed+=("system libraries for WeasyPrint")

step "npm packages for the audits: axe-core, vnu-jar (Java runs vnu)"
# --ignore-scripts: vnu-jar's install script would download a Java runtime; the
# machine's own Java 17 runs the jar.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  if ! npm ci --no-audit --no-fund --ignore-scripts; then
    if $ci; then failed+=("npm ci"); else skipped+=("audits: npm ci failed"); fi
  fi
fi
if ! command -v java >/dev/null; then
  if $ci; then failed+=("java for vnu"); else skipped+=("markup audit: no java"); fi
fi

# Beside the static checks (one core each): a collection that compiles the project
# and rewrites the tests' asserts once, for the four pytest workers to load.
$bin/python -m pytest --collect-only -q -p no:cacheprovider >/dev/null 2>&1 &
warm_pid=$!

step "ruff"
$bin/ruff check . && $bin/ruff format --check . || failed+=("ruff")

step "migrations are up to date"
$bin/python manage.py makemigrations --check --dry-run || failed+=("makemigrations --check")

step "fixtures match their sources"
$bin/python manage.py build_fixtures --check || failed+=("build_fixtures --check")

step "check --deploy on production settings"
DEBUG=false HTTPS=true ALLOWED_HOSTS=prep.example.org \
  SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(60))')" \
  $bin/python manage.py check --deploy --fail-level WARNING || failed+=("check --deploy")

# Its result is the runs' own to report.
wait "$warm_pid"

# pytest in parallel (pytest-xdist): one worker per core unless PYTEST_WORKERS says
# otherwise (PYTEST_WORKERS=0 runs in this process). Each worker has its own test
# database. Exit code 5 means no test ran: a failure in CI, loudly skipped outside
# it (extra arguments such as -k may select nothing on one database).
workers=${PYTEST_WORKERS:-auto}
pytest_result() {
  local name=$1 code=$2
  case $code in
    0) ;;
    5) if $ci; then failed+=("pytest ($name): no tests ran"); else skipped+=("pytest ($name): no tests ran"); fi ;;
    *) failed+=("pytest ($name)") ;;
  esac
}

# The PostgreSQL run starts beside the SQLite one, in the background: the browser
# tests spend much of their time waiting on the browser, time the other run can use.
# Its output is kept and shown after the SQLite run's. The browser tests drive the
# same views on either database; on PostgreSQL only those marked postgres_too run
# (full-text search, conflicts).
pg_log="$DATA_DIR/pytest-postgresql.log"
if scripts/with-postgres.sh --check; then
  # In its own process group (setsid), which cleanup can stop as a whole.
  setsid scripts/with-postgres.sh $bin/python -m pytest -n "$workers" \
    -m "not browser or postgres_too" "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
elif $ci; then
  failed+=("PostgreSQL: no server binaries")
else
  skipped+=("PostgreSQL suite: no server binaries")
fi

step "pytest on SQLite (PostgreSQL runs meanwhile)"
env -u DATABASE_URL $bin/python -m pytest -n "$workers" "$@"
pytest_result SQLite $?

if [ -n "$pg_pid" ]; then
  step "pytest on PostgreSQL (browser tests: only those marked postgres_too)"
  wait "$pg_pid"
  code=$?
  pg_pid=""
  cat "$pg_log"
  pytest_result PostgreSQL $code
fi

echo
if [ ${#skipped[@]} -gt 0 ]; then
  echo "!!!!!!!! SKIPPED — this run is incomplete:"
  printf '!!!!!!!!   %s\n' "${skipped[@]}"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "make test: all parts passed"
