"""The demo district's history (§6, §7, §10): five years of annual results, settled points and
集中考核 scores, this year's points ledger and monthly scorecards, a few sanctions and
commendations, and one open 集中考核 round commissioned from the demo assessor.

It exists so that a fresh demo shows real outcomes: some members due a promotion, some held by
the quota, a few facing demotion. Everything is generated from a fixed seed and "today", written
with bulk inserts, and loaded once (a second run changes nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from auxpost.assessment.models import (
    AnnualResult,
    MonthlyScore,
    ResultStatus,
    RoundStatus,
    ScoreSource,
    SkillsRound,
    SkillsScore,
)
from auxpost.assessment.rules import WENJIANG_DEFAULT as ASSESSMENT
from auxpost.assessment.rules import band_for, monthly_total, skills_composite
from auxpost.audit.services import Change, audit_record_many
from auxpost.grading.models import BasicRecord, RecordKind
from auxpost.org.models import Organisation, OrganisationKind, Unit, UnitKind
from auxpost.people.models import ON_ROSTER, Member
from auxpost.points.models import AnnualPoints, AnnualSource, EntryStatus, PointsEntry
from auxpost.points.rules import WENJIANG_DEFAULT as POINTS
from auxpost.points.rules import points_for

HISTORY_YEARS = 5
CENT = Decimal("0.01")

# Ledger events a member may collect in a year: (rule, yearly chance weight).
_LEDGER_RULES = [("late", 30), ("uniform_fail", 10), ("meeting_absence", 6), ("leave_post", 3),
                 ("absence", 2), ("valid_complaint", 2), ("commendation_district", 3),
                 ("commendation_city", 1), ("training_extra", 4)]


def _q(x: float) -> Decimal:
    return Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)


def _clip(x: float, lo: float = 0, hi: float = 100) -> float:
    return max(lo, min(hi, x))


def load_history(*, today: dt.date, seed: int, bureau: Unit, by=None) -> Counter:
    """Load the demo history for the members under ``bureau`` unless any annual result exists."""
    created: Counter = Counter()
    members = list(Member.objects.filter(unit__path__startswith=bureau.path, status__in=ON_ROSTER)
                   .select_related("unit").order_by("pk"))
    if not members or AnnualResult.objects.filter(member__unit__path__startswith=bureau.path).exists():
        return created
    rng = random.Random(seed * 7 + 3)
    now = timezone.now()
    last_year = today.year - 1
    years = list(range(last_year - HISTORY_YEARS + 1, last_year + 1))
    # A member's standing: a lasting quality around which every year's figures scatter, so that
    # good members are good every year (as in life) and outcomes vary realistically.
    quality = {m.pk: rng.gauss(0, 1) for m in members}

    with transaction.atomic():
        points_rows, result_rows, score_rows, month_rows = [], [], [], []
        rounds: dict[tuple[int, int], SkillsRound] = {}
        for year in years:
            for batch in (1, 2):
                rounds[(year, batch)] = SkillsRound.objects.create(
                    year=year, batch=batch, name=f"{year}年第{batch}批集中考核（历史导入）", assessor=None,
                    status=RoundStatus.CLOSED, policy_version="1", created_at=now)
        for m in members:
            q = quality[m.pk]
            for year in years:
                if m.hire_date.year > year:
                    continue
                pts = int(round(_clip(90 + 4.5 * q + rng.gauss(0, 3), 40, 120)))
                points_rows.append(AnnualPoints(
                    member=m, year=year, total=Decimal(pts), source=AnnualSource.IMPORTED,
                    explanation=f"{year}年度积分（历史数据导入）", policy_version="", recorded_at=now))
                skills = []
                for batch in (1, 2):
                    comps = {c.code: _q(_clip(82 + 6 * q + rng.gauss(0, 5))) for c in ASSESSMENT.skills_components}
                    composite = skills_composite(comps, ASSESSMENT)
                    skills.append(composite)
                    score_rows.append(SkillsScore(
                        round=rounds[(year, batch)], member=m, year=year,
                        components={k: str(v) for k, v in comps.items()}, composite=composite,
                        source=ScoreSource.IMPORTED, entered_at=now))
                monthly = _q(_clip(86 + 5 * q + rng.gauss(0, 2)))
                # The months scored outside the system, imported as totals (their mean is the
                # result's monthly mean, so recomputing the year reproduces the imported result).
                for month in range(1, 13):
                    first = dt.date(year, month, 1)
                    if first >= dt.date(m.hire_date.year, m.hire_date.month, 1):
                        month_rows.append(MonthlyScore(member=m, month=first, total=monthly,
                                                       source=ScoreSource.IMPORTED, scored_at=now))
                skills_mean = sum(skills) / len(skills)
                composite = _q(float(Decimal("0.4") * monthly + Decimal("0.4") * skills_mean
                                     + Decimal("0.2") * min(Decimal(pts), Decimal(100))))
                result_rows.append(AnnualResult(
                    member=m, year=year, composite=composite, band=band_for(composite, ASSESSMENT),
                    monthly_mean=monthly, skills_mean=_q(float(skills_mean)), annual_points=Decimal(pts),
                    explanation=f"{year}年度考核结果（历史数据导入）", status=ResultStatus.IMPORTED,
                    policy_version="", computed_at=now))
        AnnualPoints.objects.bulk_create(points_rows, batch_size=2000)
        SkillsScore.objects.bulk_create(score_rows, batch_size=2000)
        AnnualResult.objects.bulk_create(result_rows, batch_size=2000)
        MonthlyScore.objects.bulk_create(month_rows, batch_size=2000)
        created["monthly scores"] += len(month_rows)
        created["annual points"] += len(points_rows)
        created["skills scores"] += len(score_rows)
        created["annual results"] += len(result_rows)

        created += _this_year(members, quality, rng, today, now, bureau)
        created += _basic_records(members, quality, rng, years, now)
        audit_record_many(actor=by, changes=[
            Change("import", "core.demo", "", "demo history", "demo data: history",
                   after={k: v for k, v in created.items()}),
        ])
    return created


def _this_year(members, quality, rng, today, now, bureau) -> Counter:
    """This year's ledger up to today, monthly scorecards of the past months, an open round."""
    created: Counter = Counter()
    start = dt.date(today.year, 1, 1)
    span = max((today - start).days, 1)
    rules = [r for r, _w in _LEDGER_RULES]
    weights = [w for _r, w in _LEDGER_RULES]
    # Deductions need a second person on record: the demo bureau login approves them.
    from auxpost.accounts.models import User

    approver = User.objects.filter(username="bureau").first()
    entries = []
    for m in members:
        q = quality[m.pk]
        n = max(0, int(round(rng.gauss(6 - 2 * q, 2) * span / 365)))
        for _ in range(n):
            rule = rng.choices(rules, weights)[0]
            qty = rng.choice([8, 16]) if rule == "training_extra" else (rng.choice([1, 1, 2]) if rule == "uniform_fail"
                                                                          else 1)
            day = start + dt.timedelta(days=rng.randrange(span))
            if day < m.hire_date:
                continue
            pts = points_for(rule, qty, POINTS)
            r = POINTS.rule(rule)
            recent = (today - day).days < 10
            status = EntryStatus.PENDING if pts < 0 and (recent or approver is None) else EntryStatus.APPROVED
            entries.append(PointsEntry(
                member=m, date=day, rule_code=rule, rule_name=r.name, quantity=Decimal(qty), points=pts,
                source=r.source, evidence="", status=status, policy_version="1",
                approved_by=approver if status == EntryStatus.APPROVED and pts < 0 else None,
                recorded_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30))),
                approved_at=None if status == EntryStatus.PENDING else timezone.make_aware(
                    dt.datetime.combine(day, dt.time(17, 0)))))
    PointsEntry.objects.bulk_create(entries, batch_size=2000)
    created["ledger entries"] += len(entries)
    # Monthly scorecards for the months already over; a third of the members still wait for last
    # month's (so a squadron leader finds members to score).
    cards = []
    for month in range(1, today.month):
        first = dt.date(today.year, month, 1)
        for m in members:
            if m.hire_date > first:
                continue
            if month == today.month - 1 and m.pk % 3 == 0:
                continue
            q = quality[m.pk]
            scores = {}
            for ind in ASSESSMENT.monthly_indicators:
                lost = max(0, int(round(rng.gauss(1.2 - q, 1.0))))
                scores[ind.code] = max(ind.max_points - lost, ind.max_points * Decimal("0.6"))
            total = monthly_total(scores, ASSESSMENT)
            scores = {k: str(v) for k, v in scores.items()}
            cards.append(MonthlyScore(member=m, month=first, scores=scores, prefill=scores, adjustments={},
                                      total=total, source=ScoreSource.ENTERED,
                                      policy_version="1", scored_at=now))
    MonthlyScore.objects.bulk_create(cards, batch_size=2000)
    created["monthly scores"] += len(cards)

    # This year's 集中考核: batch 1 done (scored by the demo assessor, closed); batch 2 commissioned
    # from it for 第一中队 and in progress — most candidates scored, some still waiting.
    assessor = Organisation.objects.filter(kind=OrganisationKind.ASSESSOR).order_by("pk").first()
    if assessor is not None:
        squadron = Unit.objects.filter(path__startswith=bureau.path, kind=UnitKind.SQUADRON).order_by(
            "sort_order", "pk").first()
        scores = []
        for batch, status in ((1, RoundStatus.CLOSED), (2, RoundStatus.OPEN)):
            rnd = SkillsRound.objects.create(year=today.year, batch=batch, name=f"{today.year}年第{batch}批集中考核",
                                             assessor=assessor, status=status, policy_version="1", created_at=now)
            candidates = [m for m in members if batch == 1 or (
                squadron is not None and m.unit.path.startswith(squadron.path))]
            for i, m in enumerate(candidates):
                if batch == 2 and i % 5 == 0:
                    scores.append(SkillsScore(round=rnd, member=m, year=today.year))
                    continue
                comps = {c.code: _q(_clip(82 + 6 * quality[m.pk] + rng.gauss(0, 5)))
                         for c in ASSESSMENT.skills_components}
                scores.append(SkillsScore(round=rnd, member=m, year=today.year,
                                          components={k: str(v) for k, v in comps.items()},
                                          composite=skills_composite(comps, ASSESSMENT), source=ScoreSource.ENTERED,
                                          entered_at=now))
        SkillsScore.objects.bulk_create(scores, batch_size=2000)
        created["skills round candidates"] += len(scores)
    return created


def _basic_records(members, quality, rng, years, now) -> Counter:
    created: Counter = Counter()
    rows = []
    for m in members:
        q = quality[m.pk]
        if q < -1.8 and rng.random() < 0.5:
            day = dt.date(years[-1], rng.randint(1, 12), rng.randint(1, 28))
            rows.append(BasicRecord(member=m, kind=RecordKind.SANCTION, date=day, passed=False,
                                    description="警告处分（违反工作纪律）", recorded_at=now))
        if q > 1.3 and rng.random() < 0.4:
            day = dt.date(years[-1], rng.randint(1, 12), rng.randint(1, 28))
            level = "city" if rng.random() < 0.3 else "district"
            rows.append(BasicRecord(member=m, kind=RecordKind.COMMENDATION, date=day, passed=True, level=level,
                                    description="市级表彰（优秀辅岗人员）" if level == "city" else "区级表彰（先进个人）",
                                    recorded_at=now))
        rows.append(BasicRecord(member=m, kind=RecordKind.HEALTH, date=dt.date(years[-1], 4, 15),
                                passed=not (q < -2.2), description="年度体检", recorded_at=now))
    BasicRecord.objects.bulk_create(rows, batch_size=2000)
    created["basic records"] += len(rows)
    return created

