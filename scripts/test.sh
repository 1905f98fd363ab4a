#!/usr/bin/env bash
# The whole suite (make test): lint, translations, migrations check, then pytest on SQLite and on
# PostgreSQL. PostgreSQL is the server TEST_DATABASE_URL names if set, else a throwaway cluster
# started here when the PostgreSQL server binaries are installed; otherwise the PostgreSQL run is
# reported as skipped, plainly.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export AUXPOST_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true PYTHONDONTWRITEBYTECODE=1
work=$(mktemp -d -t auxpost-test.XXXXXX)
export AUXPOST_VAR_DIR="$work/var"
status=0
summary=()

step() { echo; echo "=== $*"; }

step "ruff (lint)"
if $BIN/ruff check .; then summary+=("lint: ok"); else summary+=("lint: FAILED"); status=1; fi

step "translations complete (zh_Hans)"
if $BIN/auxpost i18n check; then summary+=("translations: ok"); else summary+=("translations: FAILED"); status=1; fi

step "makemigrations --check"
if $BIN/auxpost makemigrations --check --dry-run; then summary+=("migrations: ok"); else summary+=("migrations: FAILED (missing migration)"); status=1; fi

# Browser tests need Chromium; say so instead of failing obscurely.
browser_args=()
if [ ! -x "${AUXPOST_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "!!! Chromium not found at ${AUXPOST_CHROMIUM:-/usr/bin/chromium}: browser tests are skipped (apt-get install chromium)"
  browser_args=(-m "not browser")
  summary+=("browser tests: SKIPPED (no Chromium)")
fi

PYTEST_ARGS=("$@")
run_one() {  # $1 = label, $2 = marker expression, then environment settings for env(1)
  local label=$1 marker=$2; shift 2
  step "pytest: $label"
  env "$@" $BIN/pytest -q -rs -m "$marker" "${PYTEST_ARGS[@]}"
  local rc=$?
  case $rc in
    0) summary+=("$label: passed") ;;
    5) summary+=("$label: no tests selected") ;;
    *) summary+=("$label: FAILED (exit $rc)"); status=1 ;;
  esac
}
run_pytest() {  # $1 = database label, then environment settings for env(1)
  local db=$1; shift
  run_one "unit and integration tests on $db" "not browser" "$@"
  if [ ${#browser_args[@]} -eq 0 ]; then
    run_one "browser tests (Chromium) on $db" "browser" "$@"
  fi
}

run_pytest SQLite -u DATABASE_URL

pg_url="${TEST_DATABASE_URL:-}"
pg_started=""
if [ -z "$pg_url" ]; then
  initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
  if [ -n "$initdb" ]; then
    pgbin=$(dirname "$initdb")
    pgdir="$work/pg"; mkdir -p "$pgdir"
    port=$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    runas=()
    if [ "$(id -u)" = 0 ]; then chown -R postgres "$work" 2>/dev/null && runas=(su postgres -s /bin/sh -c); fi
    cmd_init="$pgbin/initdb -D $pgdir/data -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >$pgdir/initdb.log 2>&1"
    cmd_start="$pgbin/pg_ctl -D $pgdir/data -l $pgdir/server.log -o '-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off' -w start >/dev/null"
    if { [ ${#runas[@]} -gt 0 ] && "${runas[@]}" "$cmd_init" && "${runas[@]}" "$cmd_start"; } || \
       { [ ${#runas[@]} -eq 0 ] && sh -c "$cmd_init" && sh -c "$cmd_start"; }; then
      pg_url="postgres://postgres@127.0.0.1:$port/postgres"
      pg_started="$pgbin/pg_ctl -D $pgdir/data -m fast stop"
      echo "started a throwaway PostgreSQL cluster on 127.0.0.1:$port"
    else
      echo "could not start a throwaway PostgreSQL cluster (see $pgdir)"
    fi
  fi
fi

if [ -n "$pg_url" ]; then
  run_pytest PostgreSQL DATABASE_URL="$pg_url" TEST_DATABASE_NAME="auxpost_test_$$"
  if [ -n "$pg_started" ]; then
    if [ ${#runas[@]} -gt 0 ]; then "${runas[@]}" "$pg_started" >/dev/null; else sh -c "$pg_started" >/dev/null; fi
  fi
else
  echo "!!! PostgreSQL run SKIPPED: TEST_DATABASE_URL is not set and no PostgreSQL server binaries (initdb) are installed"
  summary+=("pytest on PostgreSQL: SKIPPED (no server)")
fi

rm -rf "$work"
echo
echo "=== summary"
printf '  %s\n' "${summary[@]}"
exit $status
