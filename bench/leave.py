"""Issue 6 benchmark: §5.3.4 leave requests created and approved through the services, with 100,000 leave
requests already stored against an empty table.

  python bench/leave.py [--db sqlite|postgres|all] [--members 10000] [--stored 100000] [--ops 300]

For each database (``all``, the default: SQLite, then PostgreSQL when a server answers — each in its own
process, one run): a fresh database (PostgreSQL ``auxpost_bench_leave``; SQLite under
``bench/out/var-leave-sqlite``) with a district of 4 brigades × 10 squadrons × 3 teams, ``--members``
members with their logins, a 中队长 per squadron, a 大队长 per brigade and a 局领导. Then:

1. *empty*: ``--ops`` members each ask for leave (``leave_create``: 1 working day, approved by the 中队长, or
   2 working days, by the 大队长) and the right approver approves it (``leave_decide``) — the table holds
   only what this phase wrote;
2. ``--stored`` leave requests (10 per member by default, spread over 2025 and the first half of 2026,
   mostly reported back) are bulk-inserted;
3. *stored*: the same as 1 for other members on other days.

The figure is request+approval pairs per second (wall time over the phase; the clash check, the 年休假
balance and the approval queue each read one member's requests through the (member, start) index, so the
rate should not fall with the table). The ratio empty/stored is the target (≤ 1.5). The plan of the clash
query is printed (EXPLAIN) for the stored table. Results: bench/out/leave-<db>.json and stdout.
Benchmarks are not tests: no threshold fails anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import common

DB_NAME = "auxpost_bench_leave"
SEED = 20260606


def _log(db: str, msg: str) -> None:
    print(f"[leave {db} {time.strftime('%H:%M:%S', time.gmtime())}] {msg}", flush=True)


def _build(n_members: int):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from auxpost.accounts.models import Role, RoleAssignment, User
    from auxpost.org.models import UnitKind
    from auxpost.org.services import unit_create
    from auxpost.people.models import Member

    def unit(name, kind, parent):
        return unit_create(actor=None, name=name, kind=kind, parent=parent)

    bureau = unit("区综合行政执法局", UnitKind.BUREAU, None)
    teams, leaders = [], {}
    unusable = make_password(None)
    users = []
    for b in range(4):
        brigade = unit(f"第{b + 1}大队", UnitKind.BRIGADE, bureau)
        users.append((f"brigade{b}", Role.LINE_MANAGER, brigade))
        for s in range(10):
            sq = unit(f"第{b + 1}大队第{s + 1}中队", UnitKind.SQUADRON, brigade)
            users.append((f"sq{b}_{s}", Role.LINE_MANAGER, sq))
            for t in range(3):
                teams.append(unit(f"第{t + 1}小队", UnitKind.TEAM, sq))
    users.append(("bureau", Role.BUREAU, bureau))
    for username, role, u in users:
        user = User.objects.create(username=username, password=unusable)
        RoleAssignment.objects.create(user=user, role=role, scope="all" if role == Role.BUREAU else "unit", unit=u)
        leaders[u.pk] = user
    member_users = User.objects.bulk_create([User(username=f"m{i:06d}", password=unusable)
                                             for i in range(n_members)], batch_size=2000)
    now = timezone.now()
    Member.objects.bulk_create([
        Member(name=f"队员{i}", id_number=f"510115199001{i:06d}", sex="M", birth_date=dt.date(1990, 1, 1),
               education="high_school", hire_date=dt.date(2018, 3, 1), unit=teams[i % len(teams)],
               status="active", user=member_users[i], created_at=now, updated_at=now)
        for i in range(n_members)], batch_size=2000)
    return leaders


def _bulk_store(n_stored: int, members: list) -> None:
    """``n_stored`` requests spread over each member's weeks of 2025 – June 2026 (no two of a member clash)."""
    from decimal import Decimal

    from django.utils import timezone

    from auxpost.leave.models import LeaveRequest

    rng = random.Random(SEED)
    now = timezone.now()
    per = max(1, n_stored // len(members))
    first_monday = dt.date(2025, 1, 6)
    rows = []
    made = 0
    for m in members:
        weeks = rng.sample(range(0, 76), per)
        for w in weeks:
            if made >= n_stored:
                break
            start = first_monday + dt.timedelta(weeks=w, days=rng.randrange(3))
            n = rng.choice((1, 1, 2, 3))
            end = start + dt.timedelta(days=n - 1)
            status = rng.choices(["returned", "rejected", "cancelled", "approved"], [85, 5, 5, 5])[0]
            level = "squadron" if n == 1 else "brigade" if n <= 3 else "bureau"
            approval_unit_id = m.unit.parent_id if level == "squadron" else m.unit.parent.parent_id
            rows.append(LeaveRequest(
                member_id=m.pk, type_code="personal", type_name="事假", start=start, end=end, reason="家中有事",
                days=Decimal(n), counting="working", policy_version="1", status=status, approver_level=level,
                approval_unit_id=approval_unit_id, report_back_due=end + dt.timedelta(days=1),
                returned_on=end + dt.timedelta(days=1) if status == "returned" else None, created_at=now,
                submitted_at=now))
            made += 1
        if len(rows) >= 5000:
            LeaveRequest.objects.bulk_create(rows, batch_size=5000)
            rows = []
    if rows:
        LeaveRequest.objects.bulk_create(rows, batch_size=5000)


def _phase(members: list, leaders: dict, first_day: dt.date, *, label: str, db: str) -> dict:
    from django.utils import timezone

    from auxpost.leave import services
    from auxpost.workcal.selectors import add_working_days

    at = timezone.make_aware(dt.datetime(2026, 8, 31, 9))
    day = add_working_days(first_day, 1)
    plans = []
    for i, m in enumerate(members):
        n = 1 if i % 2 == 0 else 2
        start = add_working_days(day + dt.timedelta(days=i % 20), 1)
        end = add_working_days(start, n)
        plans.append((m, start, end))
    t0 = time.perf_counter()
    for m, start, end in plans:
        req = services.leave_create(member=m, by=m.user, type_code="personal", start=start, end=end,
                                    reason="办理个人事务", at=at)
        approver = leaders[req.approval_unit_id]
        services.leave_decide(request=req, by=approver, approve=True, at=at)
    wall = time.perf_counter() - t0
    rate = len(plans) / wall
    _log(db, f"{label}: {len(plans)} create+approve in {wall:.2f} s = {rate:.1f}/s")
    return {"ops": len(plans), "seconds": round(wall, 3), "per_second": round(rate, 1)}


def _explain(db: str) -> str:
    from django.db import connection

    from auxpost.leave.models import BLOCKING, LeaveRequest

    m = LeaveRequest.objects.order_by("pk").values_list("member_id", flat=True).first()
    qs = LeaveRequest.objects.filter(member_id=m, start__lte=dt.date(2026, 9, 30), end__gte=dt.date(2026, 9, 1),
                                     status__in=BLOCKING)
    with connection.cursor() as cur:
        sql, params = qs.query.sql_with_params()
        cur.execute(("EXPLAIN QUERY PLAN " if db == "sqlite" else "EXPLAIN ") + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cur.fetchall())


def run_one(db: str, n_members: int, n_stored: int, ops: int) -> dict:
    common.setup_django(db, name=DB_NAME, var_dir=f"var-leave-{db}", static=False)
    from auxpost.leave.models import LeaveRequest
    from auxpost.people.models import Member

    t = time.perf_counter()
    leaders = _build(n_members)
    _log(db, f"district of {n_members} members built in {time.perf_counter() - t:.1f} s")
    members = list(Member.objects.select_related("unit__parent__parent", "user").order_by("pk"))
    rng = random.Random(SEED)
    sample = rng.sample(members, 2 * ops + 20)
    warm, first, second = sample[:20], sample[20:20 + ops], sample[20 + ops:]
    _phase(warm, leaders, dt.date(2026, 12, 1), label="warm-up", db=db)
    LeaveRequest.objects.all().delete()
    empty = _phase(first, leaders, dt.date(2026, 9, 1), label="empty table", db=db)
    t = time.perf_counter()
    _bulk_store(n_stored, members)
    stored_n = LeaveRequest.objects.count()
    _log(db, f"{stored_n} leave requests stored in {time.perf_counter() - t:.1f} s")
    if db == "postgres":
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE leave_leaverequest")
    stored = _phase(second, leaders, dt.date(2026, 10, 12), label=f"{stored_n} stored", db=db)
    plan = _explain(db)
    result = {"db": db, "members": n_members, "stored": stored_n, "empty": empty, "with_stored": stored,
              "ratio_empty_over_stored": round(empty["per_second"] / stored["per_second"], 2),
              "clash_query_plan": plan}
    common.write_result("leave", db, result)
    return result


def _pg_up() -> bool:
    try:
        import psycopg

        base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        with psycopg.connect(base.replace("postgres://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:
        return False


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    ap.add_argument("--members", type=int, default=10000)
    ap.add_argument("--stored", type=int, default=100000)
    ap.add_argument("--ops", type=int, default=300)
    a = ap.parse_args()
    if a.db != "all":
        run_one(a.db, a.members, a.stored, a.ops)
        return
    dbs = ["sqlite"] + (["postgres"] if _pg_up() else [])
    if "postgres" not in dbs:
        print("PostgreSQL not reachable: the PostgreSQL run is skipped", flush=True)
    rows = []
    for db in dbs:
        subprocess.run([sys.executable, __file__, "--db", db, "--members", str(a.members), "--stored",
                        str(a.stored), "--ops", str(a.ops)], check=True)
        rows.append(json.loads((common.OUT / f"leave-{db}.json").read_text()))
    print("\nleave: request+approval pairs per second")
    print(f"{'db':10} {'empty':>10} {'stored':>10} {'ratio':>7}")
    for r in rows:
        print(f"{r['db']:10} {r['empty']['per_second']:>10} {r['with_stored']['per_second']:>10} "
              f"{r['ratio_empty_over_stored']:>7}  ({r['stored']} stored)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
