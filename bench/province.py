"""Issue 3 benchmark: grade outcomes (`evaluate`) and annual results (`annual-results`) at province scale.

  python bench/province.py --db sqlite|postgres [--members 100000] [--ledger-per-member 200]

Builds a province: 20 brigades × 10 squadrons × 3 teams, ``--members`` members (the roster
generator of the demo, with a grade pyramid wide enough at the top for the 二级/一级 quotas to bind),
five years (2021–2025) of confirmed/imported annual results, settled/imported annual points and
basic-requirement records, skills scores (two batches a year, 2021–2026), the 2026 monthly
scorecards (12 per member) and the 2026 points ledger (``--ledger-per-member`` approved entries per
member from the default rule catalogue: mostly small ± rules, some 旷工 and lates; deductions carry an
approver). Every member has a latent "performance" that drives all their scores, plus occasional bad
years, so outcomes mix promotions, quota ranking, demotions and the 优秀 cap.

Reports, each the median of ``--repeat`` runs:
  * ``outcomes_compute(as_of=2026-06-30)`` and ``evaluate --as-of 2026-06-30 --format json``;
  * ``annual_results_compute(year=2026)`` and ``annual-results --year 2026 --format json``;
each as a ratio to its data-loading floor: bare GROUP BY queries (plain SQL, rows fetched into
Python) reading the same rows. Target (issue 3): within 3× of the floor.
Memory: each computation runs once more in a fresh child process, which reports its peak resident
set (VmHWM) over its resident set just before the call — for annual-results once with a quarter of
the ledger loaded and once with all of it: the peak must not grow with the ledger
(``--command-memory``: the two commands as well).
Loading: ``auxpost.core.bulk.insert_many`` in chunks of 50,000–100,000 rows, one transaction each;
the loaded tables' secondary indexes (and, on PostgreSQL, their foreign keys) are dropped around the load
and re-created, then the database is analysed (VACUUM ANALYZE on PostgreSQL), as autovacuum would.
Results: bench/out/province-<db>.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import inspect
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from common import OUT, ROOT, setup_django, write_result

AS_OF = dt.date(2026, 6, 30)
YEAR = 2026  # the ledger / monthly year whose annual results are computed
HISTORY_YEARS = range(2021, 2026)  # imported / confirmed annual results and points
SKILLS_YEARS = range(2021, 2027)
TODAY = AS_OF  # the roster generator's "today": hires up to the as-of date
STAMP_TZ = dt.timezone(dt.timedelta(hours=8))
STAMP = dt.datetime(2027, 1, 5, 10, 0, tzinfo=STAMP_TZ)
# A pyramid with more 二级/一级 than the demo's (about 29.5 % of the roster after probationers, just under the
# 30 % quota), so this year's promotions into 二级 exceed the places left and are quota-ranked.
GRADE_WEIGHTS = [(5, 25.6), (4, 23.5), (3, 20.5), (2, 20.3), (1, 10.1)]
MEMORY_PHASE_STRIDE = 4  # the first ledger load is every 4th entry of each member (50 of 200)
CENT = Decimal("0.01")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def _dec(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(CENT, rounding=ROUND_HALF_UP)


def _clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def _proc_status_kb(key: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"{key}:\s+(\d+)", text).group(1))


def _log(db: str, msg: str) -> None:
    print(f"[{db} {time.strftime('%H:%M:%S', time.gmtime())}] {msg}", flush=True)


class Timer:
    def __init__(self):
        self.steps: dict[str, float] = {}
        self._t = time.perf_counter()
        self._t0 = self._t

    def step(self, name: str) -> float:
        now = time.perf_counter()
        self.steps[name] = round(now - self._t, 1)
        self._t = now
        return self.steps[name]

    def total(self) -> float:
        return round(time.perf_counter() - self._t0, 1)


# --------------------------------------------------------------------------------------------
# generation
# --------------------------------------------------------------------------------------------

def build_tree(brigades: int, squadrons: int, teams: int):
    from auxpost.org.models import UnitKind
    from auxpost.org.services import unit_create

    bureau = unit_create(actor=None, name="省级基准执法局", kind=UnitKind.BUREAU)
    team_units, squadron_of = [], {}
    for b in range(1, brigades + 1):
        bu = unit_create(actor=None, name=f"第{b}大队", kind=UnitKind.BRIGADE, parent=bureau)
        for s in range(1, squadrons + 1):
            su = unit_create(actor=None, name=f"第{s}中队", kind=UnitKind.SQUADRON, parent=bu)
            for t in range(1, teams + 1):
                tu = unit_create(actor=None, name=f"第{t}小队", kind=UnitKind.TEAM, parent=su)
                team_units.append(tu)
                squadron_of[tu.pk] = su.pk
    return bureau, team_units, squadron_of


def cache_decimal_conversions() -> None:
    """Bench-side shim: ``insert_many`` prepares every DecimalField value through the field's
    ``get_db_prep_save`` (about 5 µs a value, the largest single cost of loading 20 million ledger rows,
    whose quantities are a handful of values); cache the prepared value per raw value, as ``insert_many``
    already does for DateTimeFields. Only the benchmark's own loading is affected."""
    from django.db import models

    from auxpost.core import bulk

    if getattr(bulk._converter, "bench_cached", False):
        return
    original = bulk._converter
    missing = object()

    def converter(field, stamp):
        convert = original(field, stamp)
        if not isinstance(field, models.DecimalField):
            return convert
        cache: dict = {}
        attname = field.attname

        def cached(row):
            key = row.get(attname, missing)
            try:
                return cache[key]
            except KeyError:
                value = cache[key] = convert(row)
                return value

        return cached

    converter.bench_cached = True
    bulk._converter = converter


def insert_chunked(model, rows_iter, chunk: int = 50_000) -> int:
    """insert_many in chunks, one transaction per chunk (on SQLite, autocommit would commit every row)."""
    from django.db import transaction

    from auxpost.core.bulk import insert_many

    total = 0
    buf: list = []
    for row in rows_iter:
        buf.append(row)
        if len(buf) >= chunk:
            with transaction.atomic():
                total += insert_many(model, buf, stamp=STAMP, batch=5000)
            buf = []
    if buf:
        with transaction.atomic():
            total += insert_many(model, buf, stamp=STAMP, batch=5000)
    return total


class MemberInfo:
    __slots__ = ("pk", "squadron", "grade", "grade_eff", "hire", "status", "education", "birth", "sex", "q")

    def __init__(self, pk, squadron, grade, grade_eff, hire, status, education, birth, sex, q):
        self.pk, self.squadron, self.grade, self.grade_eff, self.hire = pk, squadron, grade, grade_eff, hire
        self.status, self.education, self.birth, self.sex, self.q = status, education, birth, sex, q


def make_members(n: int, teams, squadron_of, seed: int) -> list[MemberInfo]:
    from auxpost.core import demo
    from auxpost.duties.models import WorkLine
    from auxpost.people.models import Member

    lines = [WorkLine.objects.create(name=nm, code=c, sort_order=i)
             for i, (nm, c) in enumerate([("扬尘", "dust"), ("机动", "mobile"), ("市容市貌", "appearance")])]
    saved = demo._GRADE_WEIGHTS
    demo._GRADE_WEIGHTS = GRADE_WEIGHTS
    try:
        gen = demo.generate_members(n, teams, lines, seed=seed, today=TODAY)
    finally:
        demo._GRADE_WEIGHTS = saved
    demo.save_members(gen, batch_size=5000)
    del gen
    gc.collect()
    rng = random.Random(seed + 1)
    out = []
    for pk, unit_id, grade, eff, hire, status, edu, birth, sex in (
        Member.objects.order_by("pk").values_list("pk", "unit_id", "grade", "grade_effective_date", "hire_date",
                                                  "status", "education", "birth_date", "sex").iterator(5000)
    ):
        # Latent performance: higher grades were reached by better performers.
        q = rng.gauss(0, 1) + 0.3 * (4 - grade)
        out.append(MemberInfo(pk, squadron_of[unit_id], grade, eff, hire, status, edu, birth, sex, q))
    return out


MONTHLY_MAX = [("attendance", 20), ("discipline", 20), ("uniform", 10), ("duty_performance", 40),
               ("public_feedback", 10)]
SKILLS_PARTS = ["law", "practical", "fitness", "peer_rating"]
SKILLS_WEIGHTS = [0.3, 0.3, 0.2, 0.2]


def _scorecard(total: float) -> tuple[dict, Decimal]:
    """Indicator scores (strings, to the half point) whose sum is about ``total``."""
    loss = 100 - total
    scores, s = {}, Decimal(0)
    for code, mx in MONTHLY_MAX:
        v = Decimal(round(2 * max(0.0, mx - loss * mx / 100)) / 2).quantize(Decimal("0.1"))
        scores[code] = str(v)
        s += v
    return scores, s.quantize(CENT)


def _skills(rng: random.Random, level: float) -> tuple[dict, Decimal]:
    comps = {}
    total = 0.0
    for code, w in zip(SKILLS_PARTS, SKILLS_WEIGHTS, strict=True):
        v = round(_clamp(level + rng.gauss(0, 4), 0, 100), 1)
        comps[code] = str(v)
        total += w * v
    return comps, _dec(total)


def _band(c: float) -> str:
    return "excellent" if c >= 90 else "pass" if c >= 70 else "basic" if c >= 60 else "fail"


def generate_history(members: list[MemberInfo], seed: int, users: dict, assessor, timer: Timer, db: str,
                     keep_records: bool) -> dict:
    """Annual results + points (2021–2025), skills (2021–2026), basic records, 2026 monthly scores.

    Processed one squadron at a time (the 优秀 cap is per squadron), inserted in chunks.
    Returns the counts, and (``keep_records``) each member's history for the pure-rule cross-check.
    """
    from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsRound, SkillsScore
    from auxpost.grading.models import BasicRecord
    from auxpost.points.models import AnnualPoints

    rounds = {}
    for y in SKILLS_YEARS:
        for b in (1, 2):
            rounds[(y, b)] = SkillsRound.objects.create(
                year=y, batch=b, name=f"{y}年第{b}批集中考核", assessor_id=assessor, status="closed",
                policy_version="1", created_by_id=users["bureau"],
                created_at=dt.datetime(y, 5 if b == 1 else 10, 1, 9, tzinfo=STAMP_TZ)).pk
    rng = random.Random(seed + 2)
    by_squadron: dict[int, list[MemberInfo]] = defaultdict(list)
    for m in members:
        by_squadron[m.squadron].append(m)

    buffers: dict = {AnnualResult: [], AnnualPoints: [], SkillsScore: [], BasicRecord: [], MonthlyScore: []}
    counts: Counter = Counter()
    records: dict[int, dict] = {}

    def flush(force=False):
        for model, buf in buffers.items():
            if buf and (force or len(buf) >= 50_000):
                counts[model._meta.label] += insert_chunked(model, buf)
                buf.clear()

    months = [dt.date(YEAR, mo, 1) for mo in range(1, 13)]
    for squadron, group in by_squadron.items():
        per_year: dict[int, list] = defaultdict(list)  # year → [(composite, points, service, member, row)]
        for m in group:
            rec = {"points": {}, "results": {}, "skills": {}, "sanctions": [], "health_failed": False,
                   "commendations": []} if keep_records else None
            bad_years = set()
            for y in HISTORY_YEARS:
                if m.hire.year > y:
                    continue
                r = rng.random()
                d_month = d_skill = d_pts = 0.0
                if r < 0.012:  # a bad year: 旷工, complaints — fails and points below 60
                    d_month, d_skill, d_pts = -30, -15, -40
                    bad_years.add(y)
                elif r < 0.04:  # a mediocre year
                    d_month, d_skill, d_pts = -12, -8, -15
                monthly = _clamp(84 + 4.5 * m.q + rng.gauss(0, 2.5) + d_month, 0, 100)
                skills = []
                for b in (1, 2):
                    comps, comp = _skills(rng, _clamp(78 + 6 * m.q + rng.gauss(0, 4) + d_skill, 0, 100))
                    skills.append(comp)
                    buffers[SkillsScore].append({
                        "round_id": rounds[(y, b)], "member_id": m.pk, "year": y, "components": comps,
                        "composite": comp, "source": "imported" if y < 2023 else "entered",
                        "entered_by_id": users["assessor"], "entered_at": STAMP})
                skills_mean = sum(skills) / 2
                pts = int(_clamp(round(92 + 7 * m.q + rng.gauss(0, 5) + d_pts), 0, 120))
                composite = 0.4 * monthly + 0.4 * float(skills_mean) + 0.2 * min(pts, 100)
                service = (dt.date(y, 12, 31) - m.hire).days
                per_year[y].append([round(composite, 2), pts, service, m, round(monthly, 2), skills_mean])
                buffers[AnnualPoints].append({
                    "member_id": m.pk, "year": y, "total": Decimal(pts), "source": "imported" if y < 2023 else "settled",
                    "explanation": f"{y}年度积分{pts}", "policy_version": "" if y < 2023 else "1",
                    "recorded_by_id": users["bureau"], "recorded_at": dt.datetime(y + 1, 1, 10, tzinfo=STAMP_TZ)})
                if keep_records:
                    rec["points"][y] = float(pts)
                    rec["skills"][y] = [float(s) for s in skills]
                # §6.1 basic records: a health check and a conduct attestation each year.
                failed = y == 2025 and rng.random() < 0.005
                buffers[BasicRecord].append({
                    "member_id": m.pk, "kind": "health", "date": dt.date(y, 3, 15), "passed": not failed,
                    "description": f"{y}年度体检", "recorded_by_id": users["bureau"], "recorded_at": STAMP})
                buffers[BasicRecord].append({
                    "member_id": m.pk, "kind": "conduct", "date": dt.date(y, 12, 20), "passed": True,
                    "description": f"{y}年度行为规范考察", "recorded_by_id": users["bureau"], "recorded_at": STAMP})
                if keep_records:
                    rec["health_failed"] = failed if y == 2025 else rec["health_failed"]
            if m.hire.year <= 2025 and (rng.random() < 0.008 or 2025 in bad_years and rng.random() < 0.3):
                day = dt.date(2025, 7, 1) + dt.timedelta(days=rng.randrange(360))
                buffers[BasicRecord].append({
                    "member_id": m.pk, "kind": "sanction", "date": day, "passed": False,
                    "description": "警告处分", "recorded_by_id": users["bureau"], "recorded_at": STAMP})
                if keep_records:
                    rec["sanctions"].append(day)
            if m.hire.year <= 2025 and rng.random() < 0.05:
                level = rng.choices(["district", "city", "province"], [60, 30, 10])[0]
                day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(540))
                buffers[BasicRecord].append({
                    "member_id": m.pk, "kind": "commendation", "date": day, "passed": True, "level": level,
                    "description": "表彰", "recorded_by_id": users["bureau"], "recorded_at": STAMP})
                if keep_records:
                    rec["commendations"].append((day, level))
            # 2026: skills (two batches) and monthly scorecards from the month of hire.
            for b in (1, 2):
                comps, comp = _skills(rng, _clamp(78 + 6 * m.q + rng.gauss(0, 4), 0, 100))
                buffers[SkillsScore].append({
                    "round_id": rounds[(YEAR, b)], "member_id": m.pk, "year": YEAR, "components": comps,
                    "composite": comp, "source": "entered", "entered_by_id": users["assessor"], "entered_at": STAMP})
            first = dt.date(m.hire.year, m.hire.month, 1) if m.hire.year == YEAR else months[0]
            for mo in months:
                if mo < first:
                    continue
                scores, total = _scorecard(_clamp(84 + 4.5 * m.q + rng.gauss(0, 4), 0, 100))
                buffers[MonthlyScore].append({
                    "member_id": m.pk, "month": mo, "scores": scores, "prefill": scores, "adjustments": {},
                    "total": total, "source": "entered", "policy_version": "1", "scored_by_id": users["squadron"],
                    "scored_at": dt.datetime(mo.year, mo.month, 28, 17, tzinfo=STAMP_TZ)})
            if keep_records:
                records[m.pk] = rec
        # §7.3 results per squadron and year: rank, 优秀 cap (15 %), bands.
        for y, rows in per_year.items():
            rows.sort(key=lambda r: (-r[0], -r[1], -r[2], r[3].pk))
            allowed = math.floor(len(rows) * 0.15)
            excellent = 0
            for rank, (composite, pts, _service, m, monthly, skills_mean) in enumerate(rows, start=1):
                band = _band(composite)
                reasons = []
                if band == "excellent":
                    excellent += 1
                    if excellent > allowed:
                        band = "pass"
                        reasons = [f"优秀名额已满（排名第{rank}，名额{allowed}）"]
                buffers[AnnualResult].append({
                    "member_id": m.pk, "year": y, "cap_unit_id": squadron, "composite": _dec(composite),
                    "band": band, "rank": rank, "unit_size": len(rows), "monthly_mean": _dec(monthly),
                    "skills_mean": Decimal(skills_mean).quantize(CENT), "annual_points": Decimal(pts),
                    "explanation": f"综合得分{composite:.2f}", "reasons": reasons,
                    "status": "imported" if y < 2023 else "confirmed", "policy_version": "" if y < 2023 else "1",
                    "computed_at": dt.datetime(y + 1, 1, 15, tzinfo=STAMP_TZ),
                    "confirmed_by_id": None if y < 2023 else users["bureau"],
                    "confirmed_at": None if y < 2023 else dt.datetime(y + 1, 1, 20, tzinfo=STAMP_TZ)})
                if keep_records:
                    records[m.pk]["results"][y] = (band, composite)
        flush()
    flush(force=True)
    _log(db, "history: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return {"counts": dict(counts), "records": records}


# The default catalogue (points/rules.py WENJIANG_DEFAULT): code → (name, points per unit, source, per_quantity)
RULES = {
    "late": ("迟到", -1, "roll_call", 1),
    "absence": ("旷工", -10, "roll_call", 1),
    "leave_post": ("脱岗", -5, "duty", 1),
    "valid_complaint": ("有效投诉", -5, "complaint", 1),
    "discipline_breach": ("违反纪律", -20, "manual", 1),
    "uniform_fail": ("着装检查不合格", -2, "uniform_check", 1),
    "meeting_absence": ("无故缺席会议", -2, "meeting", 1),
    "training_extra": ("超出要求完成培训", 1, "training", 8),
    "commendation_district": ("区级表彰", 5, "commendation", 1),
    "commendation_city": ("市级表彰", 10, "commendation", 1),
    "no_complaint_year": ("全年无有效投诉", 3, "complaint", 1),
}


def ledger_plan(rng: random.Random, q: float, n: int) -> list[tuple[str, int]]:
    """A member's year of entries, (rule code, quantity), about ``n`` of them, summing to a target total."""
    fixed: list[tuple[str, int]] = [("late", 1)] * min(n // 4, max(0, int(rng.gauss(6 - 3.5 * q, 4))))
    if rng.random() < (0.08 if q < -1.5 else 0.03):
        fixed += [("absence", rng.randint(1, 3)) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.10:
        fixed.append(("leave_post", 1))
    fixed.append(("valid_complaint", 1) if rng.random() < 0.08 else ("no_complaint_year", 1))
    if rng.random() < 0.005:
        fixed.append(("discipline_breach", 1))
    r = rng.random()
    if r < 0.05:
        fixed.append(("commendation_district", 1))
    elif r < 0.06:
        fixed.append(("commendation_city", 1))
    fixed = fixed[:n]
    fixed_sum = sum(RULES[c][1] * (qty // RULES[c][3]) for c, qty in fixed)
    k = n - len(fixed)
    target = round(92 + 7 * q + rng.gauss(0, 5)) - 100
    rest = target - fixed_sum
    n_minus = int(_clamp(round((k - rest) / 3), 0, k))
    n_plus = k - n_minus
    half = n_minus // 2
    return (fixed + [("training_extra", 8)] * n_plus + [("uniform_fail", 1)] * half
            + [("meeting_absence", 1)] * (n_minus - half))


def generate_ledger(members: list[MemberInfo], per_member: int, seed: int, users: dict, phase: int,
                    db: str) -> int:
    """Phase 1: every ``MEMORY_PHASE_STRIDE``-th entry of each member's year; phase 2: the others;
    phase 0: all of them. Each member's plan comes from its own seeded RNG, so both phases agree."""
    from auxpost.points.models import PointsEntry

    days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    at = [dt.datetime(d.year, d.month, d.day, 18, tzinfo=STAMP_TZ) for d in days]
    approved_at = [a + dt.timedelta(days=1) for a in at]
    rec, appr = users["squadron"], users["bureau"]
    base = {}
    for code, (name, _pts, source, _per) in RULES.items():
        base[code] = {"rule_code": code, "rule_name": name, "source": source, "status": "approved",
                      "policy_version": "1", "recorded_by_id": rec, "evidence": ""}
    dec_cache = {q: Decimal(q) for q in range(1, 20)}
    last_day = 364

    def rows():
        for m in members:
            rng = random.Random(seed * 1_000_003 + m.pk)
            items = ledger_plan(rng, m.q, per_member)
            if phase == 1:
                items = items[::MEMORY_PHASE_STRIDE]
            elif phase == 2:
                del items[::MEMORY_PHASE_STRIDE]
            lo = (m.hire - days[0]).days if m.hire.year == YEAR else 0
            drng = random.Random(seed * 7_000_003 + m.pk * 3 + phase)
            for code, qty in items:
                i = last_day if code == "no_complaint_year" else drng.randint(lo, last_day)
                pts = RULES[code][1] * (qty // RULES[code][3])
                row = dict(base[code])
                row["member_id"] = m.pk
                row["date"] = days[i]
                row["quantity"] = dec_cache[qty]
                row["points"] = pts
                row["recorded_at"] = at[i]
                if pts < 0:
                    row["approved_by_id"] = appr
                    row["approved_at"] = approved_at[i]
                else:
                    row["approved_at"] = at[i]
                yield row

    return insert_chunked(PointsEntry, rows(), chunk=100_000)


def secondary_indexes_drop(tables: list[str]) -> list[str]:
    """Drop the tables' secondary indexes (not those backing constraints) and, on PostgreSQL, their
    foreign keys (checked row by row during COPY; re-adding one validates the table in one join).
    Returns the statements that re-create them."""
    again = []
    for table in tables:
        again += _drop_secondary(table)
    return again


def _drop_secondary(table: str) -> list[str]:
    from django.db import connection

    quote = connection.ops.quote_name
    again = []
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                      "AND sql IS NOT NULL", [table])
        else:
            c.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                      "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
        for name, sql in c.fetchall():
            c.execute(f"DROP INDEX {quote(name)}")
            again.append(sql)
        if connection.vendor == "postgresql":
            c.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                      "AND contype = 'f'", [table])
            for name, definition in c.fetchall():
                c.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                again.append(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    return again


def secondary_indexes_create(sqls: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SET maintenance_work_mem = '512MB'")  # this session's index sorts only
        for sql in sqls:
            c.execute(sql)


def analyze(db: str, table: str = "") -> None:
    from django.db import connection

    sql = ("VACUUM ANALYZE" if db == "postgres" and not table else "ANALYZE")
    connection.cursor().execute(f"{sql} {connection.ops.quote_name(table)}" if table else sql)


# --------------------------------------------------------------------------------------------
# the computations and their floors
# --------------------------------------------------------------------------------------------

def find_callable(candidates: list[tuple[str, str]]):
    """The first of (module, name) that exists, as (callable, "module.name"); (None, why) if none."""
    import importlib

    tried = []
    for mod, name in candidates:
        try:
            fn = getattr(importlib.import_module(mod), name, None)
        except ImportError as e:
            tried.append(f"{mod}: {e}")
            continue
        if fn is not None:
            return fn, f"{mod}.{name}"
        tried.append(f"{mod}.{name} missing")
    return None, "; ".join(tried)


EVALUATE = [("auxpost.grading.selectors", "outcomes_compute"), ("auxpost.grading.services", "outcomes_compute")]
ANNUAL = [("auxpost.assessment.services", "annual_results_compute"),
          ("auxpost.assessment.selectors", "annual_results_compute")]


def _call(fn, **kwargs):
    """Call with the keyword arguments it accepts; a required actor/user gets the benchmark's bureau user."""
    params = inspect.signature(fn).parameters
    for name in ("actor", "user", "viewer"):
        p = params.get(name)
        if p is not None and p.default is inspect.Parameter.empty:
            from auxpost.accounts.models import User

            kwargs[name] = User.objects.get(username="bench-bureau")
    out = fn(**kwargs)
    if not isinstance(out, list | tuple | dict):
        out = list(out)
    return out


def run_evaluate():
    fn, _ = find_callable(EVALUATE)
    return _call(fn, as_of=AS_OF)


def run_annual():
    fn, _ = find_callable(ANNUAL)
    return _call(fn, year=YEAR)


def run_evaluate_command():
    run_command("evaluate", "--as-of", AS_OF.isoformat(), "--format", "json", "--output", os.devnull)


def run_annual_command():
    with tempfile.TemporaryDirectory() as tmp:
        run_command("annual-results", "--year", str(YEAR), "--format", "json", "--output",
                    str(Path(tmp) / "annual-results.json"))


def run_command(name: str, *args: str) -> None:
    from django.core.management import call_command

    call_command(name, *args)


def command_exists(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def _fetch(sql: str, params: list) -> int:
    from django.db import connection

    n = 0
    with connection.cursor() as c:
        c.execute(sql, params)
        while True:
            chunk = c.fetchmany(10_000)
            if not chunk:
                return n
            n += len(chunk)


def floor_queries(kind: str) -> list[tuple[str, str, list]]:
    """The bare aggregate queries reading the rows a computation needs: (label, SQL, params)."""
    from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsScore
    from auxpost.grading.models import BasicRecord
    from auxpost.people.models import ON_ROSTER, Member
    from auxpost.points.models import AnnualPoints, PointsEntry

    t = {m: m._meta.db_table for m in (AnnualResult, MonthlyScore, SkillsScore, BasicRecord, Member,
                                       AnnualPoints, PointsEntry)}
    roster = [str(s) for s in ON_ROSTER]
    ph = ", ".join(["%s"] * len(roster))
    members = ("members on roster",
               f"SELECT id, unit_id, grade, grade_effective_date, education, birth_date, sex, hire_date "
               f"FROM {t[Member]} WHERE status IN ({ph})", roster)
    if kind == "evaluate":
        # The longest window of the default grade table is 4 years (二级→一级): 2022–2025.
        y0, y1 = AS_OF.year - 4, AS_OF.year - 1
        return [
            members,
            ("annual results, last 4 years",
             f"SELECT member_id, COUNT(*), SUM(composite) FROM {t[AnnualResult]} WHERE year BETWEEN %s AND %s "
             f"AND status IN ('confirmed', 'imported') GROUP BY member_id", [y0, y1]),
            ("annual points, last 4 years",
             f"SELECT member_id, COUNT(*), SUM(total) FROM {t[AnnualPoints]} WHERE year BETWEEN %s AND %s "
             f"GROUP BY member_id", [y0, y1]),
            ("skills, last year",
             f"SELECT member_id, COUNT(*), SUM(composite) FROM {t[SkillsScore]} WHERE year = %s "
             f"AND composite IS NOT NULL GROUP BY member_id", [y1]),
            ("basic records up to as-of",
             f"SELECT member_id, COUNT(*), MAX(date) FROM {t[BasicRecord]} WHERE date <= %s GROUP BY member_id",
             [AS_OF]),
        ]
    from django.db import connection

    year = [dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)]
    scans = [
        ("ledger 2026 (approved)",
         f"SELECT member_id, SUM(points), COUNT(*), "
         f"SUM(CASE WHEN rule_code = 'absence' THEN quantity ELSE 0 END), "
         f"SUM(CASE WHEN rule_code = 'late' THEN 1 ELSE 0 END) FROM {t[PointsEntry]}{{hint}} "
         f"WHERE status = 'approved' AND date BETWEEN %s AND %s GROUP BY member_id", year),
        ("monthly 2026",
         f"SELECT member_id, COUNT(*), SUM(total) FROM {t[MonthlyScore]}{{hint}} WHERE month BETWEEN %s AND %s "
         f"GROUP BY member_id", year),
    ]
    out = [members]
    for label, sql, params in scans:
        out.append((label, sql.format(hint=""), params))
        if connection.vendor == "sqlite":
            # SQLite's planner walks the date index over a whole-year range (a table lookup per row);
            # the floor is the faster of that and a plain table scan.
            out.append((f"{label} [table scan]", sql.format(hint=" NOT INDEXED"), params))
    return out + [
        ("skills 2026",
         f"SELECT member_id, COUNT(*), SUM(composite) FROM {t[SkillsScore]} WHERE year = %s "
         f"AND composite IS NOT NULL GROUP BY member_id", [YEAR]),
        ("sanctions 2026",
         f"SELECT member_id, COUNT(*) FROM {t[BasicRecord]} WHERE kind = 'sanction' AND date BETWEEN %s AND %s "
         f"GROUP BY member_id", year),
    ]


def measure_floor(kind: str, repeat: int) -> dict:
    queries = floor_queries(kind)
    per_query: dict[str, list[float]] = {label: [] for label, _s, _p in queries}
    totals = []
    rows = {}
    for _ in range(repeat):
        best: dict[str, float] = {}  # "X" and "X [table scan]" read the same rows: the faster counts
        for label, sql, params in queries:
            t = time.perf_counter()
            rows[label] = _fetch(sql, params)
            el = time.perf_counter() - t
            per_query[label].append(el)
            group = label.split(" [")[0]
            best[group] = min(best.get(group, math.inf), el)
        totals.append(sum(best.values()))
    return {"median_s": round(_median(totals), 3), "samples_s": [round(x, 3) for x in totals],
            "queries": {label: {"median_s": round(_median(v), 3), "rows": rows[label]}
                        for label, v in per_query.items()},
            "sql": {label: sql for label, sql, _p in queries}}


def measure(fn, repeat: int) -> dict:
    samples = []
    out = None
    for _ in range(repeat):
        out = None
        gc.collect()
        t = time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - t)
    res = {"median_s": round(_median(samples), 3), "samples_s": [round(x, 3) for x in samples]}
    if out is not None:
        res["items"] = len(out)
        mix = outcome_mix(out)
        if mix:
            res["mix"] = mix
    return res


def _field(item, name):
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def outcome_mix(out) -> dict:
    """Best effort: count outcomes (evaluate) or bands (annual results) in what a computation returned."""
    items = out.values() if isinstance(out, dict) else out
    mix: Counter = Counter()
    for item in items:
        for candidate in (item, _field(item, "outcome"), _field(item, "result")):
            if candidate is None:
                continue
            for name in ("outcome", "band"):
                v = _field(candidate, name)
                if isinstance(v, str):
                    mix[f"{name}:{v}"] += 1
                    if name == "outcome" and _field(candidate, "quota_rank") is not None:
                        mix["quota_ranked"] += 1
                    break
            else:
                continue
            break
    return dict(sorted(mix.items()))


def expected_outcomes(members: list[MemberInfo], records: dict) -> dict:
    """The outcome mix by the pure §6 rules over the generated history (headcount = everyone on the roster)."""
    from auxpost.grading.rules import CandidateRecord, evaluate, rank_for_quota

    cands = []
    for m in members:
        rec = records[m.pk]
        record = CandidateRecord(
            grade=m.grade, grade_effective_date=m.grade_eff, education=m.education, birth_date=m.birth, sex=m.sex,
            hire_date=m.hire, annual_points=rec["points"], annual_results=rec["results"],
            skills_scores=rec["skills"], sanctions=rec["sanctions"], health_check_failed=rec["health_failed"],
            commendation_levels=rec["commendations"])
        cands.append((m.pk, record, evaluate(record, AS_OF)))
    before = Counter(f"{o.outcome}:{o.grade}->{o.target_grade}" for _k, _r, o in cands)
    final = rank_for_quota(cands, headcount=len(cands), as_of=AS_OF)
    mix = Counter(f"outcome:{o.outcome}" for o in final.values())
    mix["quota_ranked"] = sum(1 for o in final.values() if o.quota_rank is not None)
    mix["quota_refused"] = sum(1 for o in final.values() if o.quota_rank is not None and o.outcome != "promote")
    grades = Counter(m.grade for m in members)
    return {"grades": dict(sorted(grades.items())), "before_quota": dict(sorted(before.items())),
            "after_quota": dict(sorted(mix.items()))}


# --------------------------------------------------------------------------------------------
# memory: a fresh child process per computation
# --------------------------------------------------------------------------------------------

def child_main(args) -> None:
    """Run one computation in this (fresh) process and print its peak RSS growth as JSON."""
    var = OUT / f"var-{args.db}"
    os.environ["AUXPOST_VAR_DIR"] = str(var)
    os.environ.setdefault("AUXPOST_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "auxpost.settings"
    if args.db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    else:
        base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/auxpost_bench"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    fn = {"evaluate": run_evaluate, "annual-results": run_annual, "evaluate-command": run_evaluate_command,
          "annual-results-command": run_annual_command}[args.child]
    gc.collect()
    rss0 = _proc_status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux ≥ 4.0)
    t = time.perf_counter()
    out = fn()
    el = time.perf_counter() - t
    hwm = _proc_status_kb("VmHWM")
    print(json.dumps({"seconds": round(el, 3), "items": len(out) if out is not None else None,
                      "rss_before_mb": round(rss0 / 1024, 1),
                      "peak_mb": round(hwm / 1024, 1), "peak_growth_mb": round((hwm - rss0) / 1024, 1)}))


def memory_run(db: str, which: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--db", db, "--child", which],
                          capture_output=True, text=True, cwd=str(ROOT))
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def bench_computation(db: str, label: str, fn_candidates, runner, command: tuple[str, list[str]], floor: dict,
                      repeat: int) -> dict:
    res: dict = {"floor": floor}
    fn, where = find_callable(fn_candidates)
    if fn is None:
        res["compute"] = {"missing": where}
        _log(db, f"{label}: compute function not available ({where})")
    else:
        try:
            res["compute"] = measure(runner, repeat)
            res["compute"]["function"] = where
            res["compute"]["ratio_to_floor"] = round(res["compute"]["median_s"] / floor["median_s"], 2)
            _log(db, f"{label}: {where} median {res['compute']['median_s']} s = "
                     f"{res['compute']['ratio_to_floor']}x floor {floor['median_s']} s")
        except Exception as e:  # a benchmark reports, it does not stop half-way
            res["compute"] = {"error": f"{type(e).__name__}: {e}"}
            _log(db, f"{label}: {where} failed: {type(e).__name__}: {e}")
    name, cargs = command
    if not command_exists(name):
        res["command"] = {"missing": f"management command {name!r} not found"}
        _log(db, f"{label}: command {name} not available")
    else:
        try:
            res["command"] = measure(lambda: run_command(name, *cargs), repeat)
            res["command"]["argv"] = [name, *cargs]
            res["command"]["ratio_to_floor"] = round(res["command"]["median_s"] / floor["median_s"], 2)
            _log(db, f"{label}: command {name} median {res['command']['median_s']} s = "
                     f"{res['command']['ratio_to_floor']}x floor")
        except BaseException as e:  # CommandError, SystemExit from the wrapper
            res["command"] = {"error": f"{type(e).__name__}: {e}"}
            _log(db, f"{label}: command {name} failed: {type(e).__name__}: {e}")
    return res


def print_table(result: dict) -> None:
    db = result["db"]
    print()
    print(f"== province benchmark on {db}: {result['members']:,} members, "
          f"{result['ledger_rows']:,} ledger rows; generated in {result['generate_seconds']} s ==")
    print(f"{'measurement':58} {'median s':>9} {'floor s':>8} {'ratio':>6}")
    for key in ("evaluate", "annual_results"):
        block = result.get(key, {})
        floor = block.get("floor", {}).get("median_s")
        for part in ("compute", "command"):
            r = block.get(part, {})
            what = r.get("function") or " ".join(r.get("argv", [])) or part
            label = f"{key}: {what}"[:58]
            if "median_s" in r:
                print(f"{label:58} {r['median_s']:>9.3f} {floor:>8.3f} {r['ratio_to_floor']:>5.2f}x")
            else:
                print(f"{label:58} {'—':>9} {floor:>8.3f}   ({r.get('missing') or r.get('error')})")
    mem = result.get("memory", {})
    for label, r in mem.items():
        if "peak_growth_mb" in r:
            print(f"memory {label:51} peak +{r['peak_growth_mb']} MB (RSS {r['rss_before_mb']} → {r['peak_mb']} MB,"
                  f" {r['seconds']} s)")
        else:
            print(f"memory {label:51} {r.get('error')}")
    ev = result.get("evaluate", {}).get("compute", {})
    if "mix" in ev:
        print(f"evaluate outcomes: {ev['mix']} (same as the pure-rule cross-check: "
              f"{ev.get('mix_matches_pure_rules', 'not checked')})")
    ar = result.get("annual_results", {}).get("compute", {})
    if "mix" in ar:
        print(f"annual-results bands: {ar['mix']}")
    print("generation steps (s): " + ", ".join(f"{k} {v}" for k, v in result["generate_steps"].items()))
    print(f"load average before / after measuring: {result.get('load_average_before_measuring')} / "
          f"{result.get('load_average_after_measuring')} (2 cores)")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--ledger-per-member", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--no-memory-phase", action="store_true",
                    help="load the whole ledger at once (no annual-results peak with a quarter of it)")
    ap.add_argument("--command-memory", action="store_true",
                    help="also measure the peak memory of the two commands (each in a child process)")
    ap.add_argument("--child", choices=["evaluate", "annual-results", "evaluate-command", "annual-results-command"],
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_main(args)
        return

    setup_django(args.db)
    cache_decimal_conversions()
    from auxpost.accounts.models import Role
    from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsScore
    from auxpost.grading.models import BasicRecord
    from auxpost.org.models import Organisation, OrganisationKind
    from auxpost.points.models import AnnualPoints, PointsEntry
    from auxpost.testing import make_user

    db = args.db
    result: dict = {"db": db, "members": args.members, "ledger_per_member": args.ledger_per_member,
                    "as_of": AS_OF.isoformat(), "year": YEAR, "repeat": args.repeat}
    timer = Timer()
    bureau, teams, squadron_of = build_tree(20, 10, 3)
    assessor = Organisation.objects.create(name="基准第三方评估机构", kind=OrganisationKind.ASSESSOR)
    users = {
        "bureau": make_user("bench-bureau", Role.BUREAU, unit=bureau).pk,
        "squadron": make_user("bench-squadron", Role.LINE_MANAGER, unit=teams[0].parent).pk,
        "assessor": make_user("bench-assessor", Role.ASSESSOR, organisation=assessor).pk,
    }
    timer.step("units and users")
    members = make_members(args.members, teams, squadron_of, args.seed)
    _log(db, f"{len(members):,} members in {timer.step('members'):.1f} s")
    keep = args.members <= 200_000
    history_tables = [m._meta.db_table for m in (AnnualResult, AnnualPoints, SkillsScore, BasicRecord, MonthlyScore)]
    history_indexes = secondary_indexes_drop(history_tables)
    hist = generate_history(members, args.seed, users, assessor.pk, timer, db, keep_records=keep)
    secondary_indexes_create(history_indexes)
    _log(db, f"history in {timer.step('history (results, points, skills, basic, monthly)'):.1f} s")
    if keep:
        t = time.perf_counter()
        result["expected_outcomes_pure_rules"] = expected_outcomes(members, hist["records"])
        _log(db, f"pure-rule outcome mix ({time.perf_counter() - t:.1f} s): "
                 f"{result['expected_outcomes_pure_rules']['after_quota']}")
        timer.step("pure-rule cross-check (not generation)")
    result["history_rows"] = hist["counts"]
    del hist
    gc.collect()

    memory: dict = {}
    indexes = secondary_indexes_drop([PointsEntry._meta.db_table])
    result["indexes_and_keys_rebuilt"] = history_indexes + indexes
    if not args.no_memory_phase:
        n1 = generate_ledger(members, args.ledger_per_member, args.seed, users, phase=1, db=db)
        _log(db, f"ledger phase 1: {n1:,} rows in {timer.step('ledger phase 1 (quarter)'):.1f} s")
        # Statistics for the planner; the indexes are built once, after the whole ledger is loaded (a
        # whole-year aggregate reads the table, not the indexes; memory on this side is what is measured).
        analyze(db, PointsEntry._meta.db_table)
        _log(db, f"analyze in {timer.step('ledger analyze (phase 1)'):.1f} s")
        if find_callable(ANNUAL)[0] is not None:
            memory[f"annual-results, ledger {n1:,} rows"] = memory_run(db, "annual-results")
            _log(db, f"memory with {n1:,} rows: {memory[f'annual-results, ledger {n1:,} rows']}")
        timer.step("memory run (phase 1, not generation)")
        n2 = generate_ledger(members, args.ledger_per_member, args.seed, users, phase=2, db=db)
        _log(db, f"ledger phase 2: {n2:,} rows in {timer.step('ledger phase 2 (rest)'):.1f} s")
    else:
        generate_ledger(members, args.ledger_per_member, args.seed, users, phase=0, db=db)
        _log(db, f"ledger in {timer.step('ledger'):.1f} s")
    secondary_indexes_create(indexes)
    analyze(db)
    timer.step("ledger indexes + analyze")
    result["ledger_rows"] = PointsEntry.objects.count()
    generation = sum(v for k, v in timer.steps.items() if "not generation" not in k)
    result["generate_seconds"] = round(generation, 1)
    result["generate_steps"] = timer.steps
    _log(db, f"generated {result['ledger_rows']:,} ledger rows; generation total {result['generate_seconds']} s")
    del members
    gc.collect()

    result["load_average_before_measuring"] = [round(x, 2) for x in os.getloadavg()]
    out_file = Path(tempfile.mkdtemp()) / "annual-results.json"
    result["evaluate"] = bench_computation(
        db, "evaluate", EVALUATE, run_evaluate,
        ("evaluate", ["--as-of", AS_OF.isoformat(), "--format", "json", "--output", os.devnull]),
        measure_floor("evaluate", args.repeat), args.repeat)
    result["annual_results"] = bench_computation(
        db, "annual-results", ANNUAL, run_annual,
        ("annual-results", ["--year", str(YEAR), "--format", "json", "--output", str(out_file)]),
        measure_floor("annual", args.repeat), args.repeat)
    out_file.unlink(missing_ok=True)
    expected = result.get("expected_outcomes_pure_rules", {}).get("after_quota")
    got = result["evaluate"].get("compute", {}).get("mix")
    if expected and got:
        keys = {k for k in expected if k.startswith("outcome:")} | {"quota_ranked"}
        result["evaluate"]["compute"]["mix_matches_pure_rules"] = all(
            expected.get(k, 0) == got.get(k, 0) for k in keys | set(got))
        _log(db, f"outcomes_compute mix {got}; equals the pure-rule cross-check: "
                 f"{result['evaluate']['compute']['mix_matches_pure_rules']}")
    if find_callable(ANNUAL)[0] is not None:
        memory[f"annual-results, ledger {result['ledger_rows']:,} rows"] = memory_run(db, "annual-results")
    if find_callable(EVALUATE)[0] is not None:
        memory["evaluate"] = memory_run(db, "evaluate")
    if args.command_memory:
        for name in ("evaluate", "annual-results"):
            if command_exists(name):
                memory[f"{name} command (json)"] = memory_run(db, f"{name}-command")
    result["memory"] = memory
    result["load_average_after_measuring"] = [round(x, 2) for x in os.getloadavg()]
    result["total_seconds"] = timer.total()
    write_result("province", db, result)
    print_table(result)


if __name__ == "__main__":
    main()
