"""The demo district (SPEC §12 `auxpost demo`) and the member generator the benchmark reuses.

``generate_members`` is pure generation (no database access): it returns unsaved ``Member`` and
``GradeHistory`` objects, deterministic for a given seed and "today", with GB 11643 ID numbers that
are valid and unique even for 100,000 members. ``load_demo`` builds a Wenjiang-like district around
it, idempotently: whatever already exists is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from auxpost.accounts.models import DEFAULT_SCOPE, Role, RoleAssignment, User
from auxpost.audit.services import Change, audit_record_many, model_snapshot
from auxpost.duties.models import WorkLine
from auxpost.org.models import Organisation, OrganisationKind, Unit, UnitKind
from auxpost.org.services import unit_create, unit_set_quota
from auxpost.people.models import Education, GradeHistory, Member, MemberStatus
from auxpost.people.rules import id_check_digit

DEMO_PASSWORD = "auxpost-demo"
DEMO_SEED = 20150  # fixed, so every demo install shows the same people
CERT_YEARS = 3  # §5.2.3 上岗证 validity, default 3 years (cfg)

BUREAU_NAME = "温江区综合行政执法局"
BRIGADE_NAME = "综合行政执法大队"
SQUADRON_NAMES = ["第一中队", "第二中队", "第三中队", "第四中队", "第五中队", "第六中队"]
TEAM_NAMES = ["第一小队", "第二小队", "第三小队"]
# Squadrons with a third team (the others have two).
SQUADRONS_WITH_THREE_TEAMS = {"第一中队", "第三中队", "第五中队"}
# The squadron whose quota is set just above its headcount, so quota use is worth looking at.
NEARLY_FULL_SQUADRON = "第三中队"
DEMO_MEMBER_COUNT = 300

WORK_LINES = [("dust", "扬尘", 1), ("mobile", "机动", 2), ("appearance", "市容市貌", 3)]
ORGANISATIONS = [
    ("区委编办", OrganisationKind.STAFFING_OFFICE),
    ("成都恒信人才发展有限公司", OrganisationKind.HR_COMPANY),
    ("四川蜀衡公共管理评估咨询有限公司", OrganisationKind.ASSESSOR),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    #: the unit of a unit-scoped role: the brigade, a squadron, or "squadron/team" (a role with scope "all"
    #: names no unit)
    unit: str | None = None
    organisation: str | None = None


DEMO_LOGINS = [
    DemoLogin("admin", "系统管理员", Role.ADMIN),
    DemoLogin("bianban", "区委编办", Role.STAFFING_OFFICE, organisation="区委编办"),
    DemoLogin("bureau", "区综合行政执法局", Role.BUREAU),
    DemoLogin("squadron1", "第一中队中队长", Role.LINE_MANAGER, unit="第一中队"),
    DemoLogin("squadron2", "第二中队中队长", Role.LINE_MANAGER, unit="第二中队"),
    # §5.3.4 leave of 2–3 days is approved by the 大队长; §5.3.1 the team leader takes the morning roll call.
    DemoLogin("brigade1", "综合行政执法大队大队长", Role.LINE_MANAGER, unit=BRIGADE_NAME),
    DemoLogin("team1", "第一中队第一小队小队长", Role.LINE_MANAGER, unit="第一中队/第一小队"),
    DemoLogin("hrco", "恒信人才派遣专员", Role.HR_COMPANY, organisation="成都恒信人才发展有限公司"),
    DemoLogin("assessor", "第三方考核评估员", Role.ASSESSOR, organisation="四川蜀衡公共管理评估咨询有限公司"),
    DemoLogin("member1", "", Role.MEMBER),  # display name = the linked member's name
]

# --- name and number pools -------------------------------------------------------------------

# Common surnames, weighted towards those frequent in Sichuan (repeats are weights).
_SURNAMES = (
    "王王王李李李张张张刘刘刘陈陈陈杨杨黄黄赵周吴徐孙胡朱高林何何郭马罗罗唐唐邓邓曾曾彭彭蒋谢谢冯"
    "杜杜袁廖廖范钟任付魏曹夏程雷汪苏熊蔡田龚陶文肖胥向严余余邱秦罗兰"
)
_MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林洋阳峰建志海东亮成文博晨睿昊瑞德川江松毅兵锐翔"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪琳洁颖倩慧莉萍红梅琴欣悦佳怡雯蓉瑶丹露薇月秀英兰"
# Resident ID region codes: Wenjiang first, then the rest of Chengdu and a few Sichuan counties.
_REGIONS = (
    ["510115"] * 12
    + ["510124", "510116", "510117", "510118", "510129", "510131", "510181", "510182", "510183",
       "510184", "510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114"]
    + ["510623", "511321", "511623", "510922", "511025", "513221"]
)
_PHONE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177", "180",
                   "181", "182", "183", "187", "188", "189", "191", "198", "199"]

# 学历 mix and the earliest age at which one has it (work cannot start before).
_EDUCATION = [
    (Education.HIGH_SCHOOL, 18, 18),
    (Education.VOCATIONAL, 14, 18),
    (Education.JUNIOR_COLLEGE, 36, 21),
    (Education.BACHELOR, 29, 22),
    (Education.MASTER, 3, 25),
]
# A grade pyramid: many 五级/四级, few 一级.
_GRADE_WEIGHTS = [(5, 34), (4, 30), (3, 20), (2, 11), (1, 5)]

# When the grading scheme started (初次定级); later grade changes happen at the annual rounds on 1 January.
INITIAL_GRADING = dt.date(2022, 7, 1)
_HIRE_FROM = dt.date(2012, 1, 1)
_HIRE_TO = dt.date(2025, 12, 31)


class Generated(NamedTuple):
    members: list[Member]
    grade_history: list[GradeHistory]


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _weighted(pairs):
    values = [v for v, _w in pairs]
    cum = []
    total = 0
    for _v, w in pairs:
        total += w
        cum.append(total)
    return values, cum


def generate_members(n: int, units: list[Unit], work_lines: list[WorkLine], seed: int, today: dt.date, *,
                     taken_id_numbers: set[str] | None = None) -> Generated:
    """Generate ``n`` unsaved members spread over ``units`` (usually the teams), with grade history.

    Deterministic for (n, units, work lines, seed, today). Statuses: mostly active, ~3 % on probation
    (五级, hired within the last two months), 1 in 150 suspended. Certificates: ~6 % expire within
    30 days of ``today``, ~3 % have expired, ~3 % are missing (most members on probation have none
    yet). ID numbers are valid per GB 11643, unique within the batch and not in ``taken_id_numbers``.
    The history rows reference the unsaved members; bulk-create the members first (which sets their
    primary keys), then the history.
    """
    if n and not units:
        raise ValueError("generate_members needs at least one unit")
    rng = random.Random(seed)
    taken = set(taken_id_numbers or ())
    now = timezone.now()
    today_ord = today.toordinal()
    edu_values, edu_cum = _weighted([(e, w) for e, w, _age in _EDUCATION])
    edu_age = {e: age for e, _w, age in _EDUCATION}
    grade_values, grade_cum = _weighted(_GRADE_WEIGHTS)
    line_values, line_cum = _weighted([(wl, 2 if wl.code == "appearance" else 1) for wl in work_lines])
    rounds = [dt.date(y, 1, 1) for y in range(INITIAL_GRADING.year + 1, today.year + 1)]
    hire_to_grade5 = min(_HIRE_TO, today - dt.timedelta(days=60))
    hire_to_grade4 = min(_HIRE_TO, _add_years(today, -2))
    hire_to_senior = INITIAL_GRADING - dt.timedelta(days=1)

    # Fixed counts rather than per-member chances, so even a small district has them.
    indices = list(range(n))
    rng.shuffle(indices)
    n_probation = round(n * 0.03)
    n_suspended = max(1, round(n / 150)) if n >= 20 else 0
    probation = set(indices[:n_probation])
    suspended = set(indices[n_probation:n_probation + n_suspended])

    members: list[Member] = []
    history: list[GradeHistory] = []
    for i in range(n):
        male = rng.random() < 0.8
        pool = _MALE_CHARS if male else _FEMALE_CHARS
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.65 else "")
        name = rng.choice(_SURNAMES) + given
        education = rng.choices(edu_values, cum_weights=edu_cum)[0]

        rows: list[tuple[int, dt.date, str]] = []  # (grade, effective date, reason)
        if i in probation:
            status = MemberStatus.PROBATION
            hire = dt.date.fromordinal(today_ord - rng.randint(5, 55))
            grade = 5
            rows.append((5, hire, "入职定为五级"))
        else:
            status = MemberStatus.SUSPENDED if i in suspended else MemberStatus.ACTIVE
            grade = rng.choices(grade_values, cum_weights=grade_cum)[0]
            # Seniority: 三级 and above were hired before the scheme started, 四级 at least two years ago.
            hi = hire_to_senior if grade <= 3 else hire_to_grade4 if grade == 4 else hire_to_grade5
            hire = dt.date.fromordinal(rng.randint(_HIRE_FROM.toordinal(), hi.toordinal()))
            if hire < INITIAL_GRADING:
                start, start_reason = INITIAL_GRADING, "初次定级"
            else:
                start, start_reason = hire, "入职定为五级"
            later_rounds = [r for r in rounds if r >= _add_years(start, 1) and r <= today]
            if grade < 5 and later_rounds and (hire >= INITIAL_GRADING or rng.random() < 0.45):
                # A short history: one step up at an annual round (e.g. 五级 then 四级).
                eff = rng.choice(later_rounds)
                rows.append((grade + 1, start, start_reason))
                rows.append((grade, eff, f"{eff.year - 1}年度职级评定晋升"))
            else:
                if hire >= INITIAL_GRADING:
                    grade = 5  # hired after the scheme started and never promoted
                rows.append((grade, start, start_reason))

        # Age 20–55 today, 18–45 (and old enough for the education) when hired.
        years_since_hire = (today - hire).days / 365.25
        age_lo = max(edu_age[education], 18, 20 - years_since_hire)
        age_hi = min(45, 55 - years_since_hire)
        age_at_hire_days = rng.randint(math.ceil(age_lo * 365.25) + 1, math.floor(age_hi * 365.25) - 1)
        birth = hire - dt.timedelta(days=age_at_hire_days)
        # Work started at hire (first job) or some years before, never before finishing school.
        earliest_work = max(_add_years(birth, edu_age[education]), _add_years(hire, -12))
        if rng.random() < 0.35 or earliest_work >= hire:
            work_start = hire
        else:
            work_start = dt.date.fromordinal(rng.randint(earliest_work.toordinal(), hire.toordinal()))

        age_now = (today - birth).days / 365.25
        r = rng.random()
        if age_now <= 28:
            political = "共青团员" if r < 0.45 else "中共党员" if r < 0.55 else "群众"
        else:
            political = "中共党员" if r < 0.25 else "群众"

        id_number = _unique_id_number(rng, birth, male, taken)
        phone = rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"

        cert_number, cert_valid_until = _certificate(rng, i, status, hire, today)
        unit = units[rng.randrange(len(units))]
        work_line = rng.choices(line_values, cum_weights=line_cum)[0] if work_lines else None
        grade_eff = rows[-1][1]

        m = Member(
            name=name, id_number=id_number, sex="M" if male else "F", birth_date=birth, phone=phone,
            education=education, political_status=political, work_start_date=work_start, hire_date=hire,
            unit_id=unit.pk, work_line_id=work_line.pk if work_line else None, status=status, grade=grade, grade_effective_date=grade_eff,
            cert_number=cert_number, cert_valid_until=cert_valid_until,
        )
        members.append(m)
        for g, eff, reason in rows:
            history.append(GradeHistory(member=m, grade=g, effective_date=eff, source=GradeHistory.Source.DEMO,
                                        reason=reason, recorded_at=now))
    return Generated(members, history)


def _unique_id_number(rng: random.Random, birth: dt.date, male: bool, taken: set[str]) -> str:
    """A GB 11643 number: region, birth date, 3-digit order code (odd = male), check digit."""
    ymd = birth.strftime("%Y%m%d")
    while True:
        order = rng.randrange(500) * 2 + (1 if male else 0)
        first17 = f"{rng.choice(_REGIONS)}{ymd}{order:03d}"
        if first17 not in taken:
            taken.add(first17)
            return first17 + id_check_digit(first17)


def _certificate(rng: random.Random, i: int, status: str, hire: dt.date, today: dt.date) -> tuple[str, dt.date | None]:
    """§5.2.3 上岗证: (number, valid until); ("", None) when the member has none."""
    r = rng.random()
    if status == MemberStatus.PROBATION:
        if r < 0.6:
            return "", None  # induction training not finished yet
        issued = hire + dt.timedelta(days=rng.randint(0, max(0, min(20, (today - hire).days))))
        return f"WJ-CG-{issued.year}-{i + 1:04d}", _add_years(issued, CERT_YEARS)
    if r < 0.03:
        return "", None
    elif r < 0.06:
        valid_until = today - dt.timedelta(days=rng.randint(1, 180))
    elif r < 0.12:
        valid_until = today + dt.timedelta(days=rng.randint(0, 30))
    else:
        valid_until = today + dt.timedelta(days=rng.randint(31, CERT_YEARS * 365 - 1))
    issued = _add_years(valid_until, -CERT_YEARS)
    if issued < hire:  # renewed certificates only for people already here; a newer hire has a fresh one
        issued = max(hire, today - dt.timedelta(days=CERT_YEARS * 365 - 60))
        issued = min(issued, today)
        valid_until = _add_years(issued, CERT_YEARS)
    return f"WJ-CG-{issued.year}-{i + 1:04d}", valid_until


def save_members(generated: Generated, *, batch_size: int = 2000) -> None:
    """Bulk-insert generated members, then their grade history (needs the members' primary keys)."""
    Member.objects.bulk_create(generated.members, batch_size=batch_size)
    if any(m.pk is None for m in generated.members):  # a backend that cannot return ids from a bulk insert
        raise RuntimeError("the database did not return primary keys from bulk_create")
    for h in generated.grade_history:
        h.member_id = h.member.pk
    GradeHistory.objects.bulk_create(generated.grade_history, batch_size=batch_size)


# --- the demo district -----------------------------------------------------------------------

@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def demo_today() -> dt.date:
    """The anchor date: today in the district's time zone (certificate expiries are relative to it)."""
    return timezone.localdate()


def _unit(result: DemoResult, name: str, kind: str, parent: Unit | None) -> Unit:
    unit = Unit.objects.filter(parent=parent, name=name).first()
    if unit is None:
        unit = unit_create(actor=None, name=name, kind=kind, parent=parent)
        result.created["units"] += 1
    return unit


def _quota_for(headcount: int, rng: random.Random, nearly_full: bool) -> int:
    if nearly_full:
        return headcount + 1
    return int(math.ceil((headcount + rng.randint(6, 12)) / 5.0) * 5)


def load_demo(*, today: dt.date | None = None, seed: int = DEMO_SEED, n_members: int = DEMO_MEMBER_COUNT) -> DemoResult:
    """§12 `auxpost demo`: load the demo district; whatever exists already is left as it is."""
    today = today or demo_today()
    result = DemoResult()
    with transaction.atomic():
        bureau = Unit.objects.filter(parent=None, name=BUREAU_NAME).first()
        if bureau is None:
            bureau = unit_create(actor=None, name=BUREAU_NAME, kind=UnitKind.BUREAU)
            result.created["units"] += 1
        brigade = _unit(result, BRIGADE_NAME, UnitKind.BRIGADE, bureau)
        squadrons: dict[str, Unit] = {}
        teams: list[Unit] = []
        for sq_name in SQUADRON_NAMES:
            sq = _unit(result, sq_name, UnitKind.SQUADRON, brigade)
            squadrons[sq_name] = sq
            n_teams = 3 if sq_name in SQUADRONS_WITH_THREE_TEAMS else 2
            teams += [_unit(result, t, UnitKind.TEAM, sq) for t in TEAM_NAMES[:n_teams]]

        work_lines = _work_lines(result)
        organisations = _organisations(result)

        if not Member.objects.filter(unit__path__startswith=bureau.path).exists():
            taken = {s[:17] for s in Member.objects.values_list("id_number", flat=True)}
            generated = generate_members(n_members, teams, work_lines, seed, today, taken_id_numbers=taken)
            save_members(generated)
            audit_record_many(actor=None, changes=[
                Change("create", "people.member", str(m.pk), m.name, "demo data",
                       after=model_snapshot(m, ["name", "unit", "status", "grade", "grade_effective_date",
                                                "hire_date", "work_line"]))
                for m in generated.members
            ] + [Change("create", "people.gradehistory", "", f"{len(generated.grade_history)} rows",
                        "demo data: grade history", after={"rows": len(generated.grade_history)})])
            result.created["members"] += len(generated.members)
            result.created["grade history rows"] += len(generated.grade_history)
            _set_quotas(result, bureau, brigade, squadrons, generated.members, seed)

        login_units = {BRIGADE_NAME: brigade, **squadrons,
                       **{f"{t.parent.name}/{t.name}": t for t in teams}}
        _logins(result, squadrons, organisations, today, login_units)
        # §6/§7/§10 five years of history and this year's records, so outcomes are worth looking at.
        from auxpost.core.demo_history import load_history

        result.created += load_history(today=today, seed=seed, bureau=bureau)
        _evaluation_round(result, today)
        # §5.2.1–§5.2.4 the working life: training and certificates, a hiring campaign, separations.
        from auxpost.recruitment import demo as recruitment_demo
        from auxpost.separation import demo as separation_demo
        from auxpost.training import demo as training_demo

        result.created += training_demo.load(today=today, root=bureau)
        result.created += recruitment_demo.load(today=today)
        result.created += separation_demo.load(today=today)
        # §4.2 the post-analysis ledger, then §5.3 the daily links: leave first (rosters and the roll call
        # ask who is on leave), duty rosters and roll call, patrol logs and handovers on those rosters,
        # meetings and uniform inspections.
        from auxpost.duties import demo as duties_demo
        from auxpost.duty import demo as duty_demo
        from auxpost.leave import demo as leave_demo
        from auxpost.meetings import demo as meetings_demo
        from auxpost.patrol import demo as patrol_demo
        from auxpost.uniform import demo as uniform_demo

        for loader in (duties_demo, leave_demo, duty_demo, patrol_demo, meetings_demo, uniform_demo):
            result.created += loader.load(today=today)
    return result


def _evaluation_round(result: DemoResult, today: dt.date) -> None:
    """§8.3/§8.4 this year's grade evaluation round, opened by the demo bureau and computed, so its
    flow can be walked from the applications on: the demo member sees their outcome under 我的职级评定,
    half of the promotion candidates have applied. Only when the district has no round at all."""
    from auxpost.evaluation import rules as evaluation_rules
    from auxpost.evaluation.models import Candidate, EvaluationRound
    from auxpost.evaluation.services import candidate_act, round_move, round_open

    bureau_user = User.objects.filter(username="bureau").first()
    if bureau_user is None or EvaluationRound.objects.exists():
        return
    rnd = round_open(actor=bureau_user, name=f"{today.year}年度职级评定", kind="annual", as_of=today,
                     effective_date=dt.date(today.year + 1, 1, 1),
                     objection_contact="区综合行政执法局政治处（电话 028-8271 0000）")
    round_move(actor=bureau_user, round=rnd, action="compute", today=today)
    demo_member = Member.objects.filter(user__username="member1").values_list("pk", flat=True).first()
    promotions = list(Candidate.objects.filter(round=rnd, outcome=evaluation_rules.PROMOTE)
                      .exclude(member_id=demo_member).order_by("member_id"))
    for candidate in promotions[::2]:
        candidate_act(actor=bureau_user, candidate=candidate, action="apply", today=today,
                      reason="纸质申请，由局代为录入（演示数据）")
    result.created["evaluation rounds"] += 1
    result.created["evaluation candidates"] += Candidate.objects.filter(round=rnd).count()


def _work_lines(result: DemoResult) -> list[WorkLine]:
    out = []
    changes = []
    for code, name, order in WORK_LINES:
        wl = WorkLine.objects.filter(code=code).first()
        if wl is None:
            wl = WorkLine.objects.create(code=code, name=name, sort_order=order)
            changes.append(Change("create", "duties.workline", str(wl.pk), wl.name, "demo data",
                                  after=model_snapshot(wl)))
        out.append(wl)
    audit_record_many(actor=None, changes=changes)
    result.created["work lines"] += len(changes)
    return out


def _organisations(result: DemoResult) -> dict[str, Organisation]:
    out = {}
    changes = []
    for name, kind in ORGANISATIONS:
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            org = Organisation.objects.create(name=name, kind=kind)
            changes.append(Change("create", "org.organisation", str(org.pk), org.name, "demo data",
                                  after=model_snapshot(org, ["name", "kind"])))
        out[name] = org
    audit_record_many(actor=None, changes=changes)
    result.created["organisations"] += len(changes)
    return out


def _set_quotas(result: DemoResult, bureau: Unit, brigade: Unit, squadrons: dict[str, Unit], members: list[Member],
                seed: int) -> None:
    """Quotas a little above the headcount (one squadron nearly full), set through the §4.1 service."""
    rng = random.Random(seed + 1)
    paths = dict(Unit.objects.values_list("id", "path"))
    by_path = Counter(paths[m.unit_id] for m in members)
    total = 0
    for name, sq in squadrons.items():
        count = sum(n for p, n in by_path.items() if p.startswith(sq.path))
        total += count
        if sq.quota is None:
            unit_set_quota(actor=None, unit=sq, quota=_quota_for(count, rng, name == NEARLY_FULL_SQUADRON))
            result.created["quotas"] += 1
    brigade_quota = int(math.ceil((total + 25) / 10.0) * 10)
    for unit, quota in ((brigade, brigade_quota), (bureau, brigade_quota + 20)):
        if unit.quota is None:
            unit_set_quota(actor=None, unit=unit, quota=quota)
            result.created["quotas"] += 1


def _demo_member_for_login(squadron: Unit, today: dt.date) -> Member | None:
    """member1: an active member of 第一中队/第一小队 with a valid certificate and a grade history."""
    team = Unit.objects.filter(parent=squadron, name=TEAM_NAMES[0]).first()
    if team is None:
        return None
    candidates = (Member.objects.filter(unit=team, status=MemberStatus.ACTIVE, user__isnull=True)
                  .order_by("-grade_effective_date", "id"))
    fallback = None
    for m in candidates[:50]:
        fallback = fallback or m
        if m.cert_valid_until and m.cert_valid_until > today + dt.timedelta(days=60) and m.grade and m.grade < 5:
            return m
    return fallback


def _logins(result: DemoResult, squadrons: dict[str, Unit], orgs: dict[str, Organisation], today: dt.date,
            units: dict[str, Unit]) -> None:
    existing = set(User.objects.filter(username__in=[d.username for d in DEMO_LOGINS]).values_list("username",
                                                                                                   flat=True))
    todo = [d for d in DEMO_LOGINS if d.username not in existing]
    if not todo:
        return
    # One hash for every demo login: the password is published anyway, and hashing eight times
    # would take most of the command's run time.
    password = make_password(DEMO_PASSWORD)
    changes = []
    for d in todo:
        member = _demo_member_for_login(squadrons["第一中队"], today) if d.role == Role.MEMBER else None
        if d.role == Role.MEMBER and member is None:
            continue
        unit = units[d.unit] if d.unit else None
        user = User.objects.create(username=d.username, password=password,
                                   display_name=d.display_name or (member.name if member else ""),
                                   organisation=orgs.get(d.organisation) if d.organisation else None)
        RoleAssignment.objects.create(user=user, role=d.role, scope=DEFAULT_SCOPE[d.role], unit=unit)
        if member is not None:
            member.user = user
            member.save(update_fields=["user", "updated_at"])
        changes.append(Change("create", "accounts.user", str(user.pk), user.username, "demo login",
                              after={"username": user.username, "role": d.role, "scope": DEFAULT_SCOPE[d.role],
                                     "unit_id": unit.pk if unit else None,
                                     "organisation_id": user.organisation_id,
                                     "member_id": member.pk if member else None}))
    audit_record_many(actor=None, changes=changes)
    result.created["logins"] += len(changes)
