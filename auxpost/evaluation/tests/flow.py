"""Helpers for the evaluation tests: members whose records give each outcome, and a round driven to a
stage through the services (pages, documents and API tests can reuse them).

On AS_OF (2026-03-01) with the shipped policy version 1:
- ``promotable`` — 五级 since 2022 with every requirement met → promote to 四级 (the staffing office approves);
- a member with no history in the district fixture (m2) → keep 五级 (the bureau and the HR company sign);
- ``demotable`` — 四级 with 2025 annual points below 60 → demote to 五级 (bureau + HR company);
- ``failing`` — 不合格 in 2024 and 2025 → separation proposal (bureau + HR company).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from auxpost.evaluation import rules
from auxpost.evaluation.models import Candidate, EvaluationRound
from auxpost.evaluation.services import candidate_act, candidates_act, round_move, round_open
from auxpost.testing import make_member

AS_OF = dt.date(2026, 3, 1)
EFFECTIVE = dt.date(2026, 4, 1)
#: A Monday: five working days of 公示 from here end on Friday 2026-03-13.
PUBLICITY_START = dt.date(2026, 3, 9)
PUBLICITY_END = dt.date(2026, 3, 13)


def add_points(member, year, total):
    from auxpost.points.models import AnnualPoints

    return AnnualPoints.objects.create(member=member, year=year, total=total, source="imported",
                                       recorded_at=timezone.now(), policy_version="1")


def add_result(member, year, band, composite):
    from auxpost.assessment.models import AnnualResult

    return AnnualResult.objects.create(member=member, year=year, band=band, composite=composite, status="imported",
                                       computed_at=timezone.now(), policy_version="1")


def add_skills(member, year, *composites):
    from auxpost.assessment.models import SkillsRound, SkillsScore

    for batch, composite in enumerate(composites, start=1):
        rnd, _ = SkillsRound.objects.get_or_create(year=year, batch=batch, assessor=None,
                                                   defaults={"name": f"{year}-{batch}", "created_at": timezone.now()})
        SkillsScore.objects.create(round=rnd, member=member, year=year, composite=composite, source="imported")


def set_grade(member, grade, since):
    member.grade, member.grade_effective_date = grade, since
    member.save(update_fields=["grade", "grade_effective_date"])


def make_promotable(member, *, grade=5, since=dt.date(2022, 1, 1), points=90, band="pass", composite=80):
    """Every requirement for the next grade met on AS_OF."""
    set_grade(member, grade, since)
    for y in range(2021, 2026):
        add_points(member, y, points)
        add_result(member, y, band, composite)
    add_skills(member, 2025, 80, 82)
    return member


def promotable(unit, name="晋级甲", **kw):
    return make_promotable(make_member(unit, name=name, hire_date=dt.date(2015, 3, 1)), **kw)


def demotable(unit, name="降级乙"):
    m = make_member(unit, name=name, grade=4, hire_date=dt.date(2015, 3, 1))
    set_grade(m, 4, dt.date(2022, 1, 1))
    add_points(m, 2025, 40)
    add_result(m, 2025, "pass", 70)
    return m


def failing(unit, name="退回丙"):
    m = make_member(unit, name=name, grade=5, hire_date=dt.date(2015, 3, 1))
    add_result(m, 2024, "fail", 50)
    add_result(m, 2025, "fail", 50)
    return m


class Cast:
    """The district plus one member per outcome: m1 promote (sq1), m2 keep (sq2), m3 demote (sq1),
    m4 separation (sq2)."""

    def __init__(self, district):
        self.d = district
        make_promotable(district.m1)
        district.m1.refresh_from_db()
        self.m3 = demotable(district.sq1_t2)
        self.m4 = failing(district.sq2_t1)

    def open(self, kind="annual", **kw) -> EvaluationRound:
        return round_open(actor=self.d.bureau_user, name=kw.pop("name", "2026年度职级评定"), kind=kind, as_of=AS_OF,
                          effective_date=kw.pop("effective_date", EFFECTIVE), objection_contact="区执法局人事科 028-1234",
                          **kw)

    def cand(self, rnd, member) -> Candidate:
        return Candidate.objects.select_related("member", "unit", "round").get(round=rnd, member=member)

    def move(self, rnd, action, **kw) -> EvaluationRound:
        return round_move(actor=self.d.bureau_user, round=rnd, action=action, **kw)

    def finish(self, rnd) -> None:
        """Do the work of the round's current stage along the happy path, so its closing move may be
        taken: m1 applies; units recommend the promotion track; the bureau qualifies; every case is
        approved by the bodies it needs."""
        d = self.d
        if rnd.status == rules.APPLICATIONS and rnd.kind == "annual":
            candidate_act(actor=d.member1, candidate=self.cand(rnd, d.m1), action="apply")
        elif rnd.status == rules.RECOMMENDATION:
            track = Candidate.objects.filter(round=rnd, status__in=[rules.APPLIED, rules.COMPUTED])
            if rnd.kind == "annual":
                track = track.filter(outcome=rules.PROMOTE)
            for c in track.select_related("member", "unit", "round"):
                manager = d.squadron1 if c.unit.path.startswith(d.sq1.path) else d.squadron2
                candidate_act(actor=manager, candidate=c, action="recommend")
        elif rnd.status == rules.REVIEW:
            ids = list(Candidate.objects.filter(round=rnd, status=rules.RECOMMENDED).values_list("pk", flat=True))
            if ids:
                candidates_act(actor=d.bureau_user, round=rnd, candidate_ids=ids, action="qualify")
        elif rnd.status == rules.APPROVAL:
            self.approve_all(rnd)

    def to(self, stage: str, kind="annual", *, finished: bool = False) -> EvaluationRound:
        """A round driven to ``stage`` along the happy path (``finish`` at each stage before it, and at
        ``stage`` itself when ``finished``); the 公示 from PUBLICITY_START; decided on 2026-03-16."""
        rnd = self.open(kind)
        steps = [("compute", {}), ("close_applications", {}), ("close_recommendation", {}), ("close_review", {}),
                 ("start_publicity", {"start": PUBLICITY_START, "today": PUBLICITY_START}),
                 ("decide", {"decision_number": "温执法〔2026〕8号", "decided_on": dt.date(2026, 3, 16),
                             "today": dt.date(2026, 3, 16)}),
                 ("make_effective", {"today": EFFECTIVE}), ("archive", {})]
        for action, kw in steps:
            if rnd.status == stage:
                break
            self.finish(rnd)
            rnd = self.move(rnd, action, **kw)
        if finished:
            self.finish(rnd)
        return rnd

    def approve_all(self, rnd):
        d = self.d
        ids = list(Candidate.objects.filter(round=rnd, status=rules.PENDING_APPROVAL).values_list("pk", flat=True))
        for user in (d.bureau_user, d.hrco, d.bianban):
            candidates_act(actor=user, round=rnd, candidate_ids=ids, action="approve")
