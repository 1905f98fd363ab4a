#!/usr/bin/env bash
# Run the benchmarks on SQLite and, when a server answers, on PostgreSQL (BENCH_DATABASE_URL,
# default postgres://postgres@127.0.0.1:5432/postgres — a database auxpost_bench is recreated).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
members=${BENCH_MEMBERS:-100000}
$PY bench/roster.py --db sqlite --members "$members"
if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  $PY bench/roster.py --db postgres --members "$members"
else
  echo "PostgreSQL not reachable: PostgreSQL benchmark skipped"
fi
