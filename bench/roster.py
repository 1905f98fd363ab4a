"""Issue 2 benchmark: the roster at province scale, and the roster import.

  python bench/roster.py --db sqlite|postgres [--members 100000] [--import-rows 10000]

Reports
  * the roster list's first filtered page (unit subtree + name search), through the full Django
    stack (test client, middleware, template), median and p99 over repeated requests, with its
    query count — for a bureau user filtering by a brigade and for a squadron leader (own scope);
  * the 10,000-row roster import time as a ratio to openpyxl merely reading the same file.
Targets (issue 2): page under 50 ms median on both databases; import within 3x the read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import tempfile
import time
from pathlib import Path

from common import setup_django, summarise, timed, write_result


def build_tree(brigades: int, squadrons: int, teams: int):
    from auxpost.org.models import UnitKind
    from auxpost.org.services import unit_create

    bureau = unit_create(actor=None, name="省级基准执法局", kind=UnitKind.BUREAU)
    leaves = []
    brigade_units = []
    squadron_units = []
    for b in range(1, brigades + 1):
        bu = unit_create(actor=None, name=f"第{b}大队", kind=UnitKind.BRIGADE, parent=bureau)
        brigade_units.append(bu)
        for s in range(1, squadrons + 1):
            su = unit_create(actor=None, name=f"第{s}中队", kind=UnitKind.SQUADRON, parent=bu)
            squadron_units.append(su)
            for t in range(1, teams + 1):
                leaves.append(unit_create(actor=None, name=f"第{t}小队", kind=UnitKind.TEAM, parent=su))
    return bureau, brigade_units, squadron_units, leaves


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--import-rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=100)
    args = ap.parse_args()
    setup_django(args.db)

    from django.db import connection
    from django.test import Client
    from openpyxl import Workbook, load_workbook

    from auxpost.accounts.models import Role
    from auxpost.core.demo import generate_members, save_members
    from auxpost.duties.models import WorkLine
    from auxpost.imports.services import import_run
    from auxpost.people.models import Member
    from auxpost.people.roster_columns import EDUCATION_WRITTEN, GRADE_WRITTEN, ROSTER_COLUMNS
    from auxpost.testing import make_user

    result: dict = {"db": args.db, "members": args.members}
    t0 = time.perf_counter()
    bureau, brigades, squadrons, teams = build_tree(10, 10, 3)
    lines = [WorkLine.objects.create(name=n, code=c, sort_order=i)
             for i, (n, c) in enumerate([("扬尘", "dust"), ("机动", "mobile"), ("市容市貌", "appearance")])]
    today = dt.date(2026, 11, 27)
    gen = generate_members(args.members, teams, lines, seed=7, today=today)
    save_members(gen, batch_size=5000)
    del gen  # 200,000 model instances would otherwise make every later garbage collection slow
    # Fresh statistics (and, on PostgreSQL, the visibility map index-only scans need), as
    # autovacuum would give a live system.
    connection.cursor().execute("VACUUM ANALYZE" if args.db == "postgres" else "ANALYZE")
    result["generate_seconds"] = round(time.perf_counter() - t0, 1)
    print(f"[{args.db}] {Member.objects.count()} members in {result['generate_seconds']} s")

    bureau_user = make_user("bench-bureau", Role.BUREAU, unit=bureau)
    squadron_user = make_user("bench-squadron", Role.LINE_MANAGER, unit=squadrons[23])
    surname = "王"
    cases = {
        "bureau: brigade subtree + name search": (bureau_user, f"/people/?unit={brigades[2].pk}&q={surname}"),
        "squadron leader: own scope + name search": (squadron_user, f"/people/?q={surname}"),
        "bureau: whole district, first page": (bureau_user, "/people/"),
    }
    result["roster_page"] = {}
    for label, (user, url) in cases.items():
        client = Client()
        client.force_login(user)
        for _ in range(5):  # warm caches
            assert client.get(url).status_code == 200
        seen: list[str] = []

        def count(execute, sql, params, many, context, seen=seen):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        samples = timed(lambda c=client, u=url: c.get(u), args.repeat)
        stats = summarise(samples)
        stats["queries"] = len(seen)
        stats["sql"] = seen
        stats["url"] = url
        result["roster_page"][label] = stats
        print(f"[{args.db}] {label}: median {stats['median_ms']} ms, p99 {stats['p99_ms']} ms, "
              f"{stats['queries']} queries")

    # ---- import: 10,000 new members as a real workbook
    taken = set(Member.objects.values_list("id_number", flat=True))
    fresh = generate_members(args.import_rows, teams, lines, seed=99, today=today,
                             taken_id_numbers={i[:17] for i in taken})
    unit_names = {u.pk: u.full_name() for u in teams}
    line_names = {wl.pk: wl.name for wl in lines}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append([h for h, _f in ROSTER_COLUMNS])
    for m in fresh.members:
        ws.append([m.name, m.id_number, m.phone, EDUCATION_WRITTEN[m.education], m.political_status,
                   m.work_start_date, m.hire_date, unit_names[m.unit_id], line_names.get(m.work_line_id, ""),
                   GRADE_WRITTEN[m.grade], m.grade_effective_date, m.cert_number, m.cert_valid_until])
    path = Path(tempfile.mkdtemp()) / "roster-10000.xlsx"
    wb.save(path)
    del fresh, taken, wb
    gc.collect()

    def read_only():
        wbr = load_workbook(path, read_only=True, data_only=True)
        for _row in wbr.worksheets[0].iter_rows(values_only=True):
            pass
        wbr.close()

    read_s = min(timed(read_only, 3))
    t = time.perf_counter()
    report = import_run(kind="roster", source=path, actor=None)
    import_s = time.perf_counter() - t
    assert report.ok and report.written, report.lines()[:5] + report.file_errors
    result["import"] = {
        "rows": args.import_rows, "openpyxl_read_seconds": round(read_s, 3),
        "import_seconds": round(import_s, 3), "ratio_import_to_read": round(import_s / read_s, 2),
        "counts": report.counts,
    }
    print(f"[{args.db}] import {args.import_rows} rows: {import_s:.2f} s vs read {read_s:.2f} s "
          f"= {import_s / read_s:.2f}x (target <= 3x)")
    write_result("roster", args.db, result)


if __name__ == "__main__":
    main()
