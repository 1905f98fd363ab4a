"""Issue 4 benchmark: a whole grade evaluation round (职级评定) at city/province scale, and the pay sheet.

  python bench/evaluation.py --db sqlite|postgres [--members 100000] [--compute-repeat 3] [--profile STEPS]

Builds the province of ``bench/province.py`` (20 brigades × 10 squadrons × 3 teams, ``--members``
members with the demo's grade history, and its 2021–2025 history of annual results, points, skills
and basic records — the 2026 ledger is left out: a round reads none of it), then drives one annual
round as of 2026-06-30 through the services, the way the bureau, the units and the approving bodies
would, timing every step:

  compute (median of ``--compute-repeat`` rounds: the first ones are cancelled and a new one opened),
  apply (the bureau records 90 % of the promotion candidates' applications, one bulk call),
  close_applications, recommend (each squadron's line manager recommends every applicant of the
  squadron: one ``candidates_act`` per squadron, summed), close_recommendation, qualify (one bulk call),
  close_review, approve (each approving body signs every case it must sign, one bulk call per body),
  start_publicity, decide, make_effective, then the 2026 pay sheet (``paysheet_compute``) and its .xlsx
  (``paysheet_workbook``), median of 3.
The round moves are one-shot (a state moves once), so they are single runs; each baseline is the
median of 3, rolled back.

For each step: wall time, the number of statements sent (``connection.execute_wrapper``: an
``executemany`` counts once), the time spent inside them and the costliest statement kinds, the peak
resident set growth (VmHWM, reset before the step), and a baseline measured in the same run — a bare
set-based statement writing (or reading) the same rows: ``INSERT … SELECT`` of the same candidate rows
(plus ``province.py``'s bare GROUP BY reads of the history) for compute; one ``UPDATE`` of the same rows
for a state move; ``INSERT … SELECT`` of the approvals plus one ``UPDATE`` for a body's signatures;
``INSERT … SELECT`` into the grade history plus ``UPDATE … FROM`` of the members and the candidates for
make_effective; GROUP BY reads of the members, grade history and results for the pay sheet; openpyxl's
write-only mode writing the same cells for the .xlsx. Printed as a ratio. Benchmarks are not tests: no
threshold fails anything.

Uses its own database (PostgreSQL ``auxpost_bench_eval``, recreated; SQLite in
``bench/out/var-evaluation-sqlite``), so it never touches the other benchmarks' data.
Results: bench/out/evaluation-<db>.json and a table on stdout. ``--profile "close_review,make_effective"``
runs those steps under cProfile instead of timing them and prints where their time goes.
A bulk approval refused on the quota is asked again once (untimed) and what is still refused is
rejected, so the round can go on; both counts are in the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import re
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import common
from common import write_result

AS_OF = dt.date(2026, 6, 30)
EFFECTIVE = dt.date(2026, 8, 1)
PUBLICITY_START = dt.date(2026, 7, 6)  # a Monday
DECIDED_ON = dt.date(2026, 7, 20)
PAY_YEAR = 2026
DB_NAME = "auxpost_bench_eval"
APPLY_SHARE = "id %% 10 <> 0"  # 90 % of the promotion candidates apply (the same rows in the baseline)


def setup_django(db: str) -> None:
    """common.setup_django with this benchmark's own database (never the others')."""
    common.setup_django(db, name=DB_NAME, var_dir=f"var-evaluation-{db}", static=False)


def _status_kb(key: str) -> int:
    return int(re.search(rf"{key}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def _log(db: str, msg: str) -> None:
    print(f"[{db} {time.strftime('%H:%M:%S', time.gmtime())}] {msg}", flush=True)


_TABLE = re.compile(r'^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)\b\s*"?(\w*)',
                    re.I)
_FROM = re.compile(r'\bFROM\s+"?(\w+)', re.I)


def _kind(sql: str) -> str:
    m = _TABLE.match(sql)
    if not m:
        return sql.split(None, 1)[0].upper() if sql.strip() else "?"
    verb = m.group(1).upper()
    if verb == "SELECT":
        f = _FROM.search(sql)
        return f"SELECT {f.group(1) if f else ''}".strip()
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"):
        return "transaction control"
    return f"{verb} {m.group(2)}"


class QueryLog:
    """Counts the statements sent (execute or executemany: one each) and the time spent inside them, by kind."""

    def __init__(self):
        self.calls = 0
        self.seconds = 0.0
        self.by_kind: dict[str, list] = defaultdict(lambda: [0, 0.0])

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            el = time.perf_counter() - t
            self.calls += 1
            self.seconds += el
            k = self.by_kind[_kind(sql)]
            k[0] += 1
            k[1] += el

    def top(self, n: int = 4) -> list[str]:
        items = sorted(self.by_kind.items(), key=lambda kv: -kv[1][1])[:n]
        return [f"{k} ×{c} {s:.2f}s" for k, (c, s) in items]


PROFILE: set[str] = set()  # step names to run under cProfile (--profile); their times are then not comparable


def run_step(fn, name: str = "") -> tuple[object, dict]:
    """Run ``fn`` once: wall time, statements, time inside them, peak RSS growth."""
    from django.db import connection

    if name in PROFILE:
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        out = prof.runcall(fn)
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(18)
        print(f"--- profile of {name} (by own time) ---\n" + buf.getvalue(), flush=True)
        return out, {"seconds": 0.0, "queries": 0, "db_seconds": 0.0, "python_seconds": 0.0, "top": [],
                     "peak_growth_mb": 0.0, "profiled": True}

    gc.collect()
    rss0 = _status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux ≥ 4.0)
    log = QueryLog()
    with connection.execute_wrapper(log):
        t = time.perf_counter()
        out = fn()
        el = time.perf_counter() - t
    hwm = _status_kb("VmHWM")
    return out, {"seconds": round(el, 3), "queries": log.calls, "db_seconds": round(log.seconds, 3),
                 "python_seconds": round(el - log.seconds, 3), "top": log.top(),
                 "peak_growth_mb": round((hwm - rss0) / 1024, 1)}


class _Rollback(Exception):
    pass


def baseline(statements: list[tuple[str, list]], repeat: int = 3) -> dict:
    """The bare statements run in one transaction that is rolled back; the time of the statements only,
    median of ``repeat``; the rows each touched (rowcount, or rows fetched for a SELECT)."""
    from django.db import connection, transaction

    samples, rows = [], []
    for _ in range(repeat):
        el = 0.0
        rows = []
        try:
            with transaction.atomic():
                with connection.cursor() as c:
                    for sql, params in statements:
                        t = time.perf_counter()
                        c.execute(sql, params)
                        if sql.lstrip().upper().startswith("SELECT"):
                            n = 0
                            while chunk := c.fetchmany(10_000):
                                n += len(chunk)
                            rows.append(n)
                        else:
                            rows.append(c.rowcount)
                        el += time.perf_counter() - t
                raise _Rollback
        except _Rollback:
            pass
        samples.append(el)
    return {"seconds": round(statistics.median(samples), 6), "samples": [round(s, 6) for s in samples],
            "rows": rows, "statements": len(statements)}


# ------------------------------------------------------------------------------------ generation


def generate(db: str, members_n: int, seed: int, result: dict) -> dict:
    """The province of bench/province.py without its 2026 ledger, plus the round's parties."""
    from province import (
        Timer,
        analyze,
        build_tree,
        cache_decimal_conversions,
        generate_history,
        make_members,
        secondary_indexes_create,
        secondary_indexes_drop,
    )

    from auxpost.accounts.models import DEFAULT_SCOPE, Role, RoleAssignment, User
    from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsScore
    from auxpost.grading.models import BasicRecord
    from auxpost.org.models import Organisation, OrganisationKind, Unit, UnitKind
    from auxpost.points.models import AnnualPoints

    cache_decimal_conversions()
    timer = Timer()
    bureau, teams, _squadron_of = build_tree(20, 10, 3)
    assessor = Organisation.objects.create(name="基准第三方评估机构", kind=OrganisationKind.ASSESSOR)
    hr = Organisation.objects.create(name="基准人力资源公司", kind=OrganisationKind.HR_COMPANY)
    staffing = Organisation.objects.create(name="基准编办", kind=OrganisationKind.STAFFING_OFFICE)
    squadrons = list(Unit.objects.filter(kind=UnitKind.SQUADRON).order_by("pk"))
    def user(username: str, role: str, **kw) -> int:
        # As auxpost.testing.make_user, without hashing a password (200 PBKDF2 hashes would take a minute).
        u = User.objects.create(username=username, organisation=kw.pop("organisation", None))
        u.set_unusable_password()
        u.save(update_fields=["password"])
        RoleAssignment.objects.create(user=u, role=role, scope=DEFAULT_SCOPE[role], unit=kw.pop("unit", None))
        return u.pk

    users = {
        "bureau": user("bench-bureau", Role.BUREAU, unit=bureau),
        "squadron": user("bench-squadron", Role.LINE_MANAGER, unit=squadrons[0]),
        "assessor": user("bench-assessor", Role.ASSESSOR, organisation=assessor),
    }
    parties = {
        "bureau": users["bureau"],
        "hr_company": user("bench-hr", Role.HR_COMPANY, organisation=hr),
        "staffing_office": user("bench-staffing", Role.STAFFING_OFFICE, organisation=staffing),
        "line_managers": [user(f"bench-lm-{s.pk}", Role.LINE_MANAGER, unit=s) for s in squadrons],
    }
    timer.step("units and users")
    members = make_members(members_n, teams, _squadron_of, seed)
    _log(db, f"{len(members):,} members in {timer.step('members'):.1f} s")
    tables = [m._meta.db_table for m in (AnnualResult, AnnualPoints, SkillsScore, BasicRecord, MonthlyScore)]
    again = secondary_indexes_drop(tables)
    hist = generate_history(members, seed, users, assessor.pk, timer, db, keep_records=False)
    secondary_indexes_create(again)
    _log(db, f"history in {timer.step('history'):.1f} s")
    del hist, members
    gc.collect()
    analyze(db)
    timer.step("analyze")
    result["history_rows"] = {m._meta.label: m.objects.count() for m in
                              (AnnualResult, AnnualPoints, SkillsScore, BasicRecord, MonthlyScore)}
    result["generate_seconds"] = timer.total()
    result["generate_steps"] = timer.steps
    return parties


# ------------------------------------------------------------------------------------ the round


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--compute-repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--profile", default="", help="comma-separated step names to run under cProfile instead of "
                    "timing them (compute, recommend (per squadron), decide, make_effective, paysheet_compute, …)")
    args = ap.parse_args()
    PROFILE.update(x.strip() for x in args.profile.split(",") if x.strip())
    setup_django(args.db)
    db = args.db
    result: dict = {"db": db, "members": args.members, "as_of": AS_OF.isoformat(),
                    "effective_date": EFFECTIVE.isoformat()}
    parties = generate(db, args.members, args.seed, result)
    _log(db, f"generated in {result['generate_seconds']} s")
    result["load_average_before_measuring"] = [round(x, 2) for x in os.getloadavg()]
    result["steps"] = steps = {}
    t0 = time.perf_counter()
    run_round(db, parties, steps, args.compute_repeat, result)
    run_paysheet(db, steps)
    result["measure_seconds"] = round(time.perf_counter() - t0, 1)
    result["load_average_after_measuring"] = [round(x, 2) for x in os.getloadavg()]
    write_result("evaluation", db, result)
    print_table(result)


def _ratio(step: dict) -> None:
    b = step.get("baseline", {}).get("seconds")
    if b:
        step["ratio"] = round(step["seconds"] / b, 1)


def run_round(db: str, parties: dict, steps: dict, compute_repeat: int, result: dict) -> None:
    from django.db import connection
    from django.db.models import Count

    from auxpost.accounts.models import User
    from auxpost.assessment.models import AnnualResult, SkillsScore
    from auxpost.evaluation import rules
    from auxpost.evaluation.models import Approval, Candidate, EvaluationRound, SeparationProposal
    from auxpost.evaluation.services import candidates_act, round_move, round_open
    from auxpost.grading.models import BasicRecord
    from auxpost.people.models import ON_ROSTER, GradeHistory, Member
    from auxpost.points.models import AnnualPoints

    users = {k: User.objects.get(pk=v) for k, v in parties.items() if k != "line_managers"}
    bureau = users["bureau"]
    lms = list(User.objects.filter(pk__in=parties["line_managers"]).order_by("pk"))
    cand = Candidate._meta.db_table
    q = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))

    def open_round(i: int) -> EvaluationRound:
        return round_open(actor=bureau, name=f"2026年度职级评定（基准{i}）", kind="annual", as_of=AS_OF,
                          effective_date=EFFECTIVE, objection_contact="基准执法局人事科")

    def move(rnd, action, **kw):
        return lambda: round_move(actor=bureau, round=rnd, action=action, **kw)

    def count(rnd, **filters):
        return Candidate.objects.filter(round=rnd, **filters).count()

    # -- compute: median of ``compute_repeat`` rounds; the earlier ones are cancelled.
    samples = []
    first_round = None
    rnd = None
    for i in range(1, compute_repeat + 1):
        rnd = open_round(i)
        if first_round is not None and i == compute_repeat:
            # Baseline: the same candidate rows (the first round's, same columns) inserted by one
            # INSERT … SELECT, plus province.py's bare GROUP BY reads of the history the outcomes need.
            cols = ["member_id", "unit_id", "status", "from_grade", "outcome", "target_grade", "quota_rank", "reasons",
                    "decision", "decision_grade", "decision_note", "updated_at"]
            collist = ", ".join(q(c) for c in cols)
            ins = (f"INSERT INTO {q(cand)} (round_id, {collist}) SELECT %s, {collist} FROM {q(cand)} "
                   f"WHERE round_id = %s", [rnd.pk, first_round.pk])
            reads = compute_floor_reads(AnnualResult, AnnualPoints, SkillsScore, BasicRecord, Member, ON_ROSTER)
            base_insert = baseline([ins])
            base_reads = baseline(reads)
        _out, m = run_step(move(rnd, "compute"), "compute" if i == compute_repeat else "")
        samples.append(m)
        _log(db, f"compute (round {i}): {m['seconds']} s, {m['queries']} queries, peak +{m['peak_growth_mb']} MB")
        if i < compute_repeat:
            if first_round is None:
                first_round = rnd
            round_move(actor=bureau, round=rnd, action="cancel", reason="基准：重复计算")
    last = samples[-1]
    step = dict(last)
    step["seconds"] = round(statistics.median(s["seconds"] for s in samples), 3)
    step["samples"] = [s["seconds"] for s in samples]
    step["runs"] = len(samples)
    step["peak_growth_mb"] = max(s["peak_growth_mb"] for s in samples)
    if compute_repeat > 1:
        step["baseline"] = {"seconds": round(base_insert["seconds"] + base_reads["seconds"], 4),
                            "insert": base_insert, "reads": base_reads}
        step["ratio_to_insert_only"] = round(step["seconds"] / base_insert["seconds"], 1)
    _ratio(step)
    steps["compute"] = step
    mix = dict(Candidate.objects.filter(round=rnd).order_by().values("outcome").annotate(n=Count("id"))
               .values_list("outcome", "n"))
    result["candidates"] = count(rnd)
    result["outcome_mix"] = mix
    _log(db, f"outcomes: {mix}")

    def one(name: str, fn, statements: list[tuple[str, list]], **extra) -> object:
        base = baseline(statements) if statements else None
        out, m = run_step(fn, name)
        if base:
            m["baseline"] = base
        m.update(extra)
        _ratio(m)
        steps[name] = m
        _log(db, f"{name}: {m['seconds']} s, {m['queries']} queries, ratio {m.get('ratio')}, "
                 f"peak +{m['peak_growth_mb']} MB; {m['top']}")
        return out

    where = f"WHERE round_id = %s AND {q('status')} = %s"
    # -- apply: the bureau records the applications (paper) of 90 % of the promotions, one bulk call.
    apply_ids = [pk for pk in Candidate.objects.filter(round=rnd, status=rules.COMPUTED, outcome=rules.PROMOTE)
                 .order_by("pk").values_list("pk", flat=True) if pk % 10 != 0]  # = APPLY_SHARE
    res = one("apply (bureau, bulk)",
              lambda: candidates_act(actor=bureau, round=rnd, candidate_ids=apply_ids, action="apply"),
              [(f"UPDATE {q(cand)} SET status = 'applied', updated_at = %s {where} AND outcome = 'promote' "
                f"AND {APPLY_SHARE}", [now, rnd.pk, rules.COMPUTED])], rows=len(apply_ids))
    steps["apply (bureau, bulk)"]["done"] = res.done
    steps["apply (bureau, bulk)"]["refused"] = len(res.refused)
    lapse = count(rnd, status=rules.COMPUTED, outcome=rules.PROMOTE)
    one("close_applications", move(rnd, "close_applications"),
        [(f"UPDATE {q(cand)} SET status = 'not_applied', updated_at = %s {where} AND outcome = 'promote'",
          [now, rnd.pk, rules.COMPUTED])], rows=lapse)
    # -- recommendation: each squadron's line manager, every applicant of the squadron.
    by_lm = []
    from auxpost.evaluation.selectors import line_manager_unit_ids

    applied = list(Candidate.objects.filter(round=rnd, status=rules.APPLIED).values_list("pk", "unit_id"))
    for lm in lms:
        units = line_manager_unit_ids(lm)
        ids = [pk for pk, u in applied if u in units]
        if ids:
            by_lm.append((lm, ids))

    def recommend_all():
        done = refused = 0
        for lm, ids in by_lm:
            r = candidates_act(actor=lm, round=rnd, candidate_ids=ids, action="recommend")
            done += r.done
            refused += len(r.refused)
        return done, refused

    done, refused = one("recommend (per squadron)", recommend_all,
                        [(f"UPDATE {q(cand)} SET status = 'recommended', updated_at = %s {where}",
                          [now, rnd.pk, rules.APPLIED])], rows=len(applied), calls=len(by_lm))
    steps["recommend (per squadron)"].update(done=done, refused=refused)
    one("close_recommendation", move(rnd, "close_recommendation"),
        [(f"SELECT COUNT(*) FROM {q(cand)} WHERE round_id = %s AND outcome = 'promote' AND status IN "
          f"('computed', 'applied')", [rnd.pk])])
    rec_ids = list(Candidate.objects.filter(round=rnd, status=rules.RECOMMENDED).values_list("pk", flat=True))
    res = one("qualify (bureau, bulk)",
              lambda: candidates_act(actor=bureau, round=rnd, candidate_ids=rec_ids, action="qualify"),
              [(f"UPDATE {q(cand)} SET status = 'qualified', updated_at = %s {where}",
                [now, rnd.pk, rules.RECOMMENDED])], rows=len(rec_ids))
    steps["qualify (bureau, bulk)"].update(done=res.done, refused=len(res.refused))
    submit_from = [s for (s, a) in rules.CANDIDATE_FLOW if a == "submit"]
    ph = ", ".join(["%s"] * len(submit_from))
    through = "status IN ('qualified', 'computed')"
    one("close_review", move(rnd, "close_review"),
        [(f"UPDATE {q(cand)} SET decision = CASE WHEN {through} THEN outcome ELSE 'keep' END, "
          f"decision_grade = CASE WHEN {through} THEN target_grade ELSE from_grade END, "
          f"decision_note = CASE WHEN {through} THEN '' ELSE '未申请：维持原等级。' END, "
          f"status = 'pending_approval', updated_at = %s WHERE round_id = %s AND status IN ({ph})",
          [now, rnd.pk, *submit_from])])
    steps["close_review"]["rows"] = count(rnd, status=rules.PENDING_APPROVAL)
    # -- approvals: each body signs every case it must sign (§8.1), one bulk call per body.
    appr = Approval._meta.db_table
    five = "(decision = 'separation_proposal' OR decision_grade = 5)"
    for body, cond, final in (("bureau", five, False), ("hr_company", five, True),
                              ("staffing_office", f"NOT {five}", True)):
        ids = list(Candidate.objects.filter(round=rnd, status=rules.PENDING_APPROVAL)
                   .order_by("pk").extra(where=[cond]).values_list("pk", flat=True))
        user = users[body]
        stmts = [(f"INSERT INTO {q(appr)} (candidate_id, body, approved, note, by_id, at) SELECT id, %s, TRUE, '', "
                  f"%s, %s FROM {q(cand)} {where} AND {cond}", [body, user.pk, now, rnd.pk, rules.PENDING_APPROVAL]),
                 (f"UPDATE {q(cand)} SET status = %s, updated_at = %s {where} AND {cond}",
                  ["approved" if final else "pending_approval", now, rnd.pk, rules.PENDING_APPROVAL])]
        name = f"approve ({body}, bulk)"
        res = one(name, lambda user=user, ids=ids: candidates_act(actor=user, round=rnd, candidate_ids=ids,
                                                                    action="approve"), stmts, rows=len(ids))
        steps[name].update(done=res.done, refused=len(res.refused))
        if res.refused:
            reasons = defaultdict(int)
            for _c, why in res.refused:
                reasons[why[:80]] += 1
            steps[name]["refusals"] = dict(reasons)
            # Refused on the quota: the same call approved demotions out of 二级 after (by id) the promotions it
            # refused. Ask again (untimed): what passes now was refused only by the order; the rest is rejected.
            refused_ids = [c.pk for c, _w in res.refused]
            again = candidates_act(actor=user, round=rnd, candidate_ids=refused_ids, action="approve")
            steps[name]["approved_on_second_call"] = again.done
            if again.refused:
                r2 = candidates_act(actor=user, round=rnd, candidate_ids=[c.pk for c, _w in again.refused],
                                    action="reject", reason="名额已满（基准）")
                steps[name]["rejected_after"] = r2.done
    one("start_publicity", move(rnd, "start_publicity", start=PUBLICITY_START, today=PUBLICITY_START),
        [(f"SELECT COUNT(*) FROM {q(cand)} {where}", [rnd.pk, rules.PENDING_APPROVAL])])
    sep = SeparationProposal._meta.db_table
    one("decide", move(rnd, "decide", decision_number="基准执法〔2026〕1号", decided_on=DECIDED_ON, today=DECIDED_ON),
        [(f"UPDATE {q(cand)} SET status = 'final', updated_at = %s {where}", [now, rnd.pk, rules.APPROVED]),
         (f"INSERT INTO {q(sep)} (member_id, candidate_id, reason, proposed_on, created_at) SELECT member_id, id, "
          f"'退回建议', %s, %s FROM {q(cand)} {where} AND decision = 'separation_proposal'",
          [DECIDED_ON, now, rnd.pk, rules.FINAL])], rows=count(rnd, status=rules.APPROVED))
    gh, mem = GradeHistory._meta.db_table, Member._meta.db_table
    changes = "decision <> 'separation_proposal' AND (from_grade IS NULL OR from_grade <> decision_grade)"
    one("make_effective", move(rnd, "make_effective", today=EFFECTIVE),
        [(f"INSERT INTO {q(gh)} (member_id, grade, effective_date, source, reason, reference, recorded_by_id, "
          f"recorded_at) SELECT member_id, decision_grade, %s, 'round', '职级评定', '基准', %s, %s FROM {q(cand)} "
          f"{where} AND {changes}", [EFFECTIVE, bureau.pk, now, rnd.pk, rules.FINAL]),
         (f"UPDATE {q(mem)} SET grade = c.decision_grade, grade_effective_date = %s, updated_at = %s FROM "
          f"{q(cand)} c WHERE c.member_id = {q(mem)}.id AND c.round_id = %s AND c.status = %s AND "
          f"c.decision <> 'separation_proposal' AND (c.from_grade IS NULL OR c.from_grade <> c.decision_grade)",
          [EFFECTIVE, now, rnd.pk, rules.FINAL]),
         (f"UPDATE {q(cand)} SET status = 'effective', updated_at = %s {where}", [now, rnd.pk, rules.FINAL])],
        rows=count(rnd, status=rules.FINAL))
    result["round_end"] = {"status": EvaluationRound.objects.get(pk=rnd.pk).status,
                           "candidates_effective": count(rnd, status=rules.CANDIDATE_EFFECTIVE),
                           "grade_changes": GradeHistory.objects.filter(source="round").count(),
                           "separation_proposals": SeparationProposal.objects.count()}
    _log(db, f"round end: {result['round_end']}")


def compute_floor_reads(AnnualResult, AnnualPoints, SkillsScore, BasicRecord, Member, ON_ROSTER):
    """province.py's floor for outcomes_compute: bare GROUP BY reads of what the outcomes need."""
    roster = [str(s) for s in ON_ROSTER]
    ph = ", ".join(["%s"] * len(roster))
    y0, y1 = AS_OF.year - 4, AS_OF.year - 1
    t = {m: m._meta.db_table for m in (AnnualResult, AnnualPoints, SkillsScore, BasicRecord, Member)}
    return [
        (f"SELECT id, unit_id, grade, grade_effective_date, education, birth_date, sex, hire_date FROM {t[Member]} "
         f"WHERE status IN ({ph})", roster),
        (f"SELECT member_id, COUNT(*), SUM(composite) FROM {t[AnnualResult]} WHERE year BETWEEN %s AND %s "
         f"AND status IN ('confirmed', 'imported') GROUP BY member_id", [y0, y1]),
        (f"SELECT member_id, COUNT(*), SUM(total) FROM {t[AnnualPoints]} WHERE year BETWEEN %s AND %s "
         f"GROUP BY member_id", [y0, y1]),
        (f"SELECT member_id, COUNT(*), SUM(composite) FROM {t[SkillsScore]} WHERE year = %s "
         f"AND composite IS NOT NULL GROUP BY member_id", [y1]),
        (f"SELECT member_id, COUNT(*), MAX(date) FROM {t[BasicRecord]} WHERE date <= %s GROUP BY member_id",
         [AS_OF]),
    ]


def run_paysheet(db: str, steps: dict, repeat: int = 3) -> None:
    from openpyxl import Workbook

    from auxpost.assessment.models import AnnualResult
    from auxpost.incentives.selectors import paysheet_compute
    from auxpost.incentives.services import SHEET1_HEADERS, paysheet_workbook
    from auxpost.people.models import GradeHistory, Member

    end = dt.date(PAY_YEAR, 12, 31)
    mem, gh, ar = Member._meta.db_table, GradeHistory._meta.db_table, AnnualResult._meta.db_table
    base = baseline([
        (f"SELECT id, name, id_number, unit_id, hire_date, separated_on FROM {mem} WHERE hire_date <= %s "
         f"AND (separated_on >= %s OR separated_on IS NULL)", [end, dt.date(PAY_YEAR, 1, 1)]),
        (f"SELECT member_id, COUNT(*), MAX(effective_date), MIN(grade), MAX(grade) FROM {gh} "
         f"WHERE effective_date <= %s GROUP BY member_id", [end]),
        (f"SELECT member_id, MAX(band) FROM {ar} WHERE year = %s GROUP BY member_id", [PAY_YEAR]),
    ], repeat)
    runs, sheet = [], None
    for _ in range(repeat):
        sheet, m = run_step(lambda: paysheet_compute(year=PAY_YEAR), "paysheet_compute")
        runs.append(m)
    step = dict(runs[-1])
    step.update(seconds=round(statistics.median(r["seconds"] for r in runs), 3), samples=[r["seconds"] for r in runs],
                runs=repeat, rows=len(sheet.rows), baseline=base,
                peak_growth_mb=max(r["peak_growth_mb"] for r in runs))
    _ratio(step)
    steps[f"paysheet_compute({PAY_YEAR})"] = step
    _log(db, f"paysheet_compute: {step['seconds']} s, {step['queries']} queries, ratio {step.get('ratio')}")
    ncols = len(SHEET1_HEADERS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "paysheet.xlsx"
        floor = []
        for _ in range(repeat):
            # Floor: openpyxl's write-only mode writing the same cells (text and numbers), no styles.
            t = time.perf_counter()
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("工资表")
            ws.append(SHEET1_HEADERS)
            for r in sheet.rows:
                ws.append([r.name, r.id_number, r.unit, r.grade_label, r.band_label, *r.months,
                           r.allowance_total, r.bonus, r.total, "；".join(r.remarks)][:ncols])
            wb.save(Path(tmp) / "floor.xlsx")
            floor.append(time.perf_counter() - t)
        runs = []
        for _ in range(repeat):
            _n, m = run_step(lambda: paysheet_workbook(sheet, path), "paysheet_workbook")
            runs.append(m)
        step = dict(runs[-1])
        step.update(seconds=round(statistics.median(r["seconds"] for r in runs), 3),
                    samples=[r["seconds"] for r in runs], runs=repeat, rows=len(sheet.rows),
                    size_mb=round(path.stat().st_size / 2**20, 1),
                    baseline={"seconds": round(statistics.median(floor), 3), "samples": [round(x, 3) for x in floor],
                              "what": "openpyxl write-only, same cells"},
                    peak_growth_mb=max(r["peak_growth_mb"] for r in runs))
        _ratio(step)
        steps["paysheet .xlsx (paysheet_workbook)"] = step
        _log(db, f"paysheet xlsx: {step['seconds']} s, ratio {step.get('ratio')}, {step['size_mb']} MB")


def print_table(result: dict) -> None:
    print()
    print(f"== grade evaluation round on {result['db']}: {result['members']:,} members, "
          f"{result.get('candidates', 0):,} candidates; generated in {result['generate_seconds']} s ==")
    print(f"outcomes: {result.get('outcome_mix')}; end: {result.get('round_end')}")
    print(f"{'step':36} {'runs':>4} {'s':>8} {'queries':>7} {'in db s':>8} {'baseline s':>10} {'ratio':>7} "
          f"{'peak MB':>8}")
    for name, s in result["steps"].items():
        b = s.get("baseline", {}).get("seconds")
        print(f"{name:36} {s.get('runs', 1):>4} {s['seconds']:>8.3f} {s['queries']:>7} {s['db_seconds']:>8.3f} "
              f"{(f'{b:.4f}' if b is not None else '—'):>10} {(str(s.get('ratio')) + 'x') if 'ratio' in s else '—':>7} "
              f"{s['peak_growth_mb']:>8}")
    print(f"load average before / after measuring: {result['load_average_before_measuring']} / "
          f"{result['load_average_after_measuring']} (2 cores)")
    print()


if __name__ == "__main__":
    main()
