"""Shared set-up for the benchmarks: a database chosen on the command line, freshly migrated.

Benchmarks are not tests: they print numbers (and ratios measured in the same run) and never
fail on an absolute time. Results go to bench/out/.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def setup_django(db: str, *, name: str = "auxpost_bench", var_dir: str = "", static: bool = True) -> None:
    """Point auxpost at a fresh benchmark database (SQLite file under ``bench/out/<var_dir or
    var-DB>`` or the PostgreSQL database ``name``, recreated); each benchmark may keep its own."""
    OUT.mkdir(parents=True, exist_ok=True)
    var = OUT / (var_dir or f"var-{db}")
    var.mkdir(parents=True, exist_ok=True)
    os.environ["AUXPOST_VAR_DIR"] = str(var)
    os.environ.setdefault("AUXPOST_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "auxpost.settings"
    sys.path.insert(0, str(ROOT))
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        for suffix in ("", "-wal", "-shm"):
            p = var / f"auxpost.sqlite3{suffix}"
            if p.exists():
                p.unlink()
    else:
        base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        import psycopg

        with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if static:
        call_command("collectstatic", interactive=False, verbosity=0)  # production static set-up


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def summarise(samples: list[float]) -> dict:
    s = sorted(samples)
    p99 = s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]
    return {"n": len(s), "median_ms": round(statistics.median(s) * 1000, 2), "p99_ms": round(p99 * 1000, 2),
            "min_ms": round(s[0] * 1000, 2)}


def write_result(name: str, db: str, result: dict) -> None:
    path = OUT / f"{name}-{db}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
