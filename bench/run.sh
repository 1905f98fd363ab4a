#!/usr/bin/env bash
# Run the benchmarks on SQLite and, when a server answers, on PostgreSQL (BENCH_DATABASE_URL,
# default postgres://postgres@127.0.0.1:5432/postgres — a database auxpost_bench is recreated).
# BENCH_MEMBERS (default 100000) sizes every benchmark; BENCH_LEDGER_PER_MEMBER (default 200) the
# province benchmark's 2026 points ledger (100,000 × 200 = 20 million rows: 10–20 minutes a database).
# bench/evaluation.py (a whole grade evaluation round and the pay sheet) uses its own database,
# auxpost_bench_eval on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
members=${BENCH_MEMBERS:-100000}
ledger=${BENCH_LEDGER_PER_MEMBER:-200}
$PY bench/roster.py --db sqlite --members "$members"
$PY bench/province.py --db sqlite --members "$members" --ledger-per-member "$ledger"
$PY bench/evaluation.py --db sqlite --members "$members"
$PY bench/rollcall.py --db all --members "${BENCH_ROLLCALL_MEMBERS:-10000}"  # SQLite, then PostgreSQL when reachable
$PY bench/leave.py --db all  # §5.3.4 leave: SQLite and (when reachable) PostgreSQL in one run
if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  $PY bench/roster.py --db postgres --members "$members"
  $PY bench/province.py --db postgres --members "$members" --ledger-per-member "$ledger"
  $PY bench/evaluation.py --db postgres --members "$members"
else
  echo "PostgreSQL not reachable: PostgreSQL benchmarks skipped"
fi
