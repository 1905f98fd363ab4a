"""Issue 6 benchmark: a morning roll-call burst over HTTP (SPEC §5.3.1).

  python bench/rollcall.py [--db sqlite|postgres|all] [--members 10000] [--clients 24] [--workers 3]

Builds a district of ``--members`` members (20 per team) with users and API tokens, one duty area with
two geofence sites per squadron and today's rosters, with bulk inserts; starts the production server
set-up (gunicorn as in the Makefile ``run`` target: ``--workers 3 --threads 4``, DEBUG off, access log
to a file) on a free port, and replays the burst with ``--clients`` concurrent clients (threads, one
keep-alive ``http.client`` connection each):

  * every member checks in once (``POST /api/v1/duty/checkins/``, token auth, a point inside the fence);
    about 5 % are on a shift that started 10 minutes ago (late: the points entry is written too);
  * the same number of requests to a bare authenticated endpoint that does one INSERT (a mark on
    another day), registered only here through a settings override (``ROOT_URLCONF`` of a module the
    script writes under bench/out/, which adds ``/api/v1/duty/bare/`` next to the check-in's route;
    nothing of it is in the production URLs);
  * 1 % of the members check in a second time (must be refused: no duplicated mark).

Reports sustained requests/s, p50/p99 latency for both, the ratio check-in/bare (target ≥ 0.5), and
counts the marks after the run (none lost, none duplicated). ``--db all`` (the default) runs SQLite,
then PostgreSQL when a server answers (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres; the database auxpost_bench_rollcall is recreated).
Benchmarks print numbers, they do not fail on an absolute time; results go to bench/out/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import OUT, ROOT, setup_django, write_result  # noqa: E402

DB_NAME = "auxpost_bench_rollcall"
TEAM_SIZE = 20
LATE_SHARE = 20  # one team in 20 is on the shift that started 10 minutes ago

SETTINGS_MODULE = '''"""Written by bench/rollcall.py: production settings plus the bare benchmark endpoint."""
from auxpost.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench_rollcall_urls"
DEBUG = False
'''

URLS_MODULE = '''"""Written by bench/rollcall.py: the production URLs plus one bare authenticated INSERT."""
import datetime as dt

from django.urls import path
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

import auxpost.duty.api_urls as duty_api
from auxpost.duty.models import Mark


class Bare(APIView):
    """Token-authenticated; one INSERT (a mark on another day), nothing else."""

    def post(self, request):
        now = timezone.now()
        day = timezone.localdate(now) + dt.timedelta(days=int(request.data.get("k", 1)))
        mark = Mark.objects.create(member_id=int(request.data["member"]), day=day, shift_code="bare",
                                   status="on_time", checked_in_at=now, method="phone", created_at=now)
        return Response({"id": mark.pk}, status=201)


# Next to the check-in's route (/api/v1/duty/bare/ just before /api/v1/duty/checkins/), so both pay the
# same URL resolution; auxpost.urls reads this module's list when it is imported below.
duty_api.urlpatterns.insert(0, path("duty/bare/", Bare.as_view()))

from auxpost.urls import urlpatterns  # noqa: E402,F401
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_reachable() -> bool:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        with psycopg.connect(base.replace("postgres://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable": skip PostgreSQL
        return False


# --------------------------------------------------------------------------------------------- data

def build(members: int, now_local: dt.datetime) -> dict:
    """Units, members, users, tokens, areas, sites, the day's policy shifts and rosters; bulk inserts."""
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from auxpost.accounts.models import Role, RoleAssignment, User
    from auxpost.duties.models import WorkLine
    from auxpost.duty.models import DutyArea, GeofenceSite, Roster, RosterAssignment
    from auxpost.org.models import UnitKind
    from auxpost.org.services import unit_create
    from auxpost.people.models import Member
    from auxpost.people.rules import id_check_digit
    from auxpost.policy.daily import daily_from_dict, daily_to_dict
    from auxpost.policy.models import PolicyVersion

    t0 = time.perf_counter()
    today = now_local.date()
    # Two shifts around the real clock: one starting in 30 minutes (on time), one 10 minutes ago (late).
    start = (now_local + dt.timedelta(minutes=30)).time().replace(second=0, microsecond=0)
    late_start = (now_local - dt.timedelta(minutes=10)).time().replace(second=0, microsecond=0)

    def hhmm(t: dt.time, hours: int = 0) -> str:
        return (dt.datetime.combine(today, t) + dt.timedelta(hours=hours)).strftime("%H:%M")

    for pv in PolicyVersion.objects.all():
        doc = daily_to_dict(daily_from_dict(pv.daily))
        doc["shifts"] = [{"code": "bench", "name": "基准早班", "start": hhmm(start), "end": hhmm(start, 4)},
                         {"code": "bench_late", "name": "基准迟班", "start": hhmm(late_start),
                          "end": hhmm(late_start, 4)}]
        # A published version is immutable through the model; the benchmark rewrites its own copy's shifts.
        PolicyVersion.objects.filter(pk=pv.pk).update(daily=doc)

    n_teams = max(1, -(-members // TEAM_SIZE))
    teams_per_squadron = 5
    n_squadrons = max(1, -(-n_teams // teams_per_squadron))
    bureau = unit_create(actor=None, name="基准执法局", kind=UnitKind.BUREAU)
    brigade = unit_create(actor=None, name="基准大队", kind=UnitKind.BRIGADE, parent=bureau)
    line = WorkLine.objects.first() or WorkLine.objects.create(name="市容市貌", code="city")
    squadrons, teams = [], []
    for s in range(n_squadrons):
        sq = unit_create(actor=None, name=f"第{s + 1}中队", kind=UnitKind.SQUADRON, parent=brigade)
        squadrons.append(sq)
        for t in range(teams_per_squadron):
            if len(teams) < n_teams:
                teams.append(unit_create(actor=None, name=f"第{t + 1}小队", kind=UnitKind.TEAM, parent=sq))
    at = dt.datetime.now(dt.UTC)
    centres = {}
    with transaction.atomic():
        areas = DutyArea.objects.bulk_create([DutyArea(unit=sq, work_line=line, name=f"{sq.name}片区", created_at=at)
                                              for sq in squadrons])
        sites = []
        for i, area in enumerate(areas):
            lat, lng = 30.60 + (i % 40) * 0.004, 103.80 + (i // 40) * 0.004
            centres[area.unit_id] = (lat, lng)
            sites += [GeofenceSite(area=area, name="主点位", kind="circle", coord_system="wgs84", center_lat=lat,
                                   center_lng=lng, radius_m=300, created_at=at),
                      GeofenceSite(area=area, name="副点位", kind="circle", coord_system="wgs84",
                                   center_lat=lat + 0.002, center_lng=lng + 0.002, radius_m=200, created_at=at)]
        GeofenceSite.objects.bulk_create(sites)
        users = User.objects.bulk_create([User(username=f"bench{i:06d}", password="!") for i in range(members)],
                                         batch_size=2000)
        rows = []
        for i, user in enumerate(users):
            birth = dt.date(1980, 1, 1) + dt.timedelta(days=i // 400)
            first17 = f"510115{birth:%Y%m%d}{(i % 400) * 2 + 1:03d}"[:17]
            rows.append(Member(name=f"队员{i:05d}", id_number=first17 + id_check_digit(first17), sex="M",
                               birth_date=birth, education="high_school", hire_date=dt.date(2020, 1, 1),
                               unit=teams[i // TEAM_SIZE], status="active", grade=5,
                               grade_effective_date=dt.date(2020, 1, 1), cert_number=f"B{i:06d}",
                               cert_valid_until=dt.date(2030, 12, 31), user=user))
        members_rows = Member.objects.bulk_create(rows, batch_size=2000)
        tokens = [Token(key=Token.generate_key(), user=u) for u in users]
        Token.objects.bulk_create(tokens, batch_size=2000)
        leader = User.objects.create(username="bench_leader", password="!")
        RoleAssignment.objects.create(user=leader, role=Role.BUREAU, scope="all", unit=bureau)
        rosters = Roster.objects.bulk_create([
            Roster(team=team, day=today, shift_code="bench_late" if k % LATE_SHARE == 0 else "bench", work_line=line,
                   area=areas[k // teams_per_squadron], created_by=leader, created_at=at)
            for k, team in enumerate(teams)])
        by_team = {r.team_id: r for r in rosters}
        RosterAssignment.objects.bulk_create([
            RosterAssignment(roster=by_team[m.unit_id], member=m, day=today, shift_code=by_team[m.unit_id].shift_code,
                             group=1 + (j % TEAM_SIZE) // 2) for j, m in enumerate(members_rows)], batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    sq_of_team = {t.pk: t.parent_id for t in teams}
    plan = []
    rng = random.Random(6)
    for m, tok in zip(members_rows, tokens, strict=True):
        lat, lng = centres[sq_of_team[m.unit_id]]
        plan.append({"member": m.pk, "token": tok.key,
                     "lat": lat + rng.uniform(-0.0008, 0.0008), "lng": lng + rng.uniform(-0.0008, 0.0008)})
    return {"plan": plan, "today": today, "build_s": round(time.perf_counter() - t0, 1),
            "late_members": sum(TEAM_SIZE for k in range(len(teams)) if k % LATE_SHARE == 0)}


# ------------------------------------------------------------------------------------------- client

def burst(port: int, jobs: list[tuple[str, str, dict]], clients: int) -> dict:
    """POST every (path, token, body) with ``clients`` threads, each on its own keep-alive connection;
    returns the latencies, the wall time and the status counts."""
    lock = threading.Lock()
    idx = [0]
    lat: list[float] = []
    codes: dict[int, int] = {}
    errors: list[str] = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, my_codes = [], {}
        while True:
            with lock:
                i = idx[0]
                idx[0] += 1
            if i >= len(jobs):
                break
            path, token, body = jobs[i]
            payload = json.dumps(body)
            t = time.perf_counter()
            for attempt in range(2):
                try:
                    conn.request("POST", path, body=payload, headers={
                        "Authorization": f"Token {token}", "Content-Type": "application/json",
                        "Host": "127.0.0.1"})
                    resp = conn.getresponse()
                    data = resp.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    if attempt:
                        raise
            mine.append(time.perf_counter() - t)
            my_codes[resp.status] = my_codes.get(resp.status, 0) + 1
            if resp.status >= 500 and len(errors) < 5:
                errors.append(data[:300].decode("utf-8", "replace"))
        conn.close()
        with lock:
            lat.extend(mine)
            for k, v in my_codes.items():
                codes[k] = codes.get(k, 0) + v

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"lat": lat, "wall": time.perf_counter() - t0, "codes": codes, "errors": errors}


def summary(parts: list[dict]) -> dict:
    """Sustained rate (requests over the summed wall time of the chunks), p50/p99, status counts."""
    lat = sorted(x for p in parts for x in p["lat"])
    wall = sum(p["wall"] for p in parts)
    codes: dict[int, int] = {}
    for p in parts:
        for k, v in p["codes"].items():
            codes[k] = codes.get(k, 0) + v
    return {"requests": len(lat), "seconds": round(wall, 2), "per_s": round(len(lat) / wall, 1) if wall else None,
            "p50_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
            "p99_ms": round(lat[min(len(lat) - 1, int(0.99 * (len(lat) - 1)))] * 1000, 1) if lat else None,
            "status": {str(k): v for k, v in sorted(codes.items())},
            "server_errors": [e for p in parts for e in p["errors"]][:5]}


def wait_up(port: int, proc, seconds: float = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def run_one(args) -> None:
    setup_django(args.db, name=DB_NAME, var_dir=f"var-rollcall-{args.db}")
    from django.db import connection
    from django.utils import timezone

    from auxpost.duty.models import Mark
    from auxpost.points.models import PointsEntry

    now_local = timezone.localtime().replace(tzinfo=None)
    data = build(args.members, now_local)
    plan, today = data["plan"], data["today"]
    connection.close()

    extra = OUT / "rollcall-server"
    extra.mkdir(parents=True, exist_ok=True)
    (extra / "bench_rollcall_settings.py").write_text(SETTINGS_MODULE)
    (extra / "bench_rollcall_urls.py").write_text(URLS_MODULE)
    port = free_port()
    env = dict(os.environ)
    env.pop("AUXPOST_DEBUG", None)
    env["DJANGO_SETTINGS_MODULE"] = "bench_rollcall_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(extra), str(ROOT), env.get("PYTHONPATH", "")])
    log = open(OUT / f"rollcall-gunicorn-{args.db}.log", "w")
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "auxpost.wsgi", "--bind", f"127.0.0.1:{port}",
                             "--workers", str(args.workers), "--threads", "4", "--access-logfile",
                             str(OUT / f"rollcall-access-{args.db}.log"), "--forwarded-allow-ips", "127.0.0.1"],
                            cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_up(port, proc)
        # warm every worker (imports, caches, connections): bare inserts on a third day
        burst(port, [("/api/v1/duty/bare/", p["token"], {"member": p["member"], "k": 2}) for p in plan[:300]],
              args.clients)
        # Interleaved chunks (check-ins, then as many bare inserts, and again), so a change in the
        # machine's load during the run weighs on both alike.
        checkin_parts, bare_parts = [], []
        step = -(-len(plan) // args.rounds)
        for r in range(args.rounds):
            chunk = plan[r * step:(r + 1) * step]
            checkin_parts.append(burst(port, [("/api/v1/duty/checkins/", p["token"],
                                               {"lat": p["lat"], "lng": p["lng"], "accuracy_m": 20}) for p in chunk],
                                          args.clients))
            bare_parts.append(burst(port, [("/api/v1/duty/bare/", p["token"], {"member": p["member"], "k": 1})
                                           for p in chunk], args.clients))
        checkin, bare = summary(checkin_parts), summary(bare_parts)
        dupes = summary([burst(port, [("/api/v1/duty/checkins/", p["token"],
                                       {"lat": p["lat"], "lng": p["lng"], "accuracy_m": 20}) for p in plan[::100]],
                               args.clients)])
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    marks = Mark.objects.filter(day=today).exclude(shift_code="bare")
    n_marks = marks.count()
    n_distinct = marks.values("member_id", "shift_code").distinct().count()
    result = {
        "db": args.db, "members": args.members, "clients": args.clients, "gunicorn": f"{args.workers}x4",
        "build_seconds": data["build_s"],
        "checkin": checkin, "bare_insert": bare,
        "ratio_checkin_to_bare": round(checkin["per_s"] / bare["per_s"], 2) if bare["per_s"] else None,
        "second_checkins": {"sent": dupes["requests"], "status": dupes["status"]},
        "marks_today": n_marks, "distinct_member_shift": n_distinct,
        "lost": args.members - n_marks, "duplicated": n_marks - n_distinct,
        "late_marks": marks.filter(status="late_minor").count(), "late_members_expected": data["late_members"],
        "points_entries": PointsEntry.objects.filter(origin__startswith="duty.mark:").count(),
    }
    write_result("rollcall", args.db, result)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    ap.add_argument("--members", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=24)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=4, help="interleaved chunks of check-ins and bare inserts")
    args = ap.parse_args()
    if args.db != "all":
        run_one(args)
        return
    base = [sys.executable, __file__, "--members", str(args.members), "--clients", str(args.clients),
            "--workers", str(args.workers), "--rounds", str(args.rounds)]
    subprocess.run([*base, "--db", "sqlite"], check=False)
    if pg_reachable():
        subprocess.run([*base, "--db", "postgres"], check=False)
    else:
        print("PostgreSQL not reachable: PostgreSQL roll-call benchmark skipped")


if __name__ == "__main__":
    main()
