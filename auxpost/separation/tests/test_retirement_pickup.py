"""§5.2.4 retirement proposals on the right date for men and women born across the 2025 rule's range
(``auxpost separation-propose``, set-based and idempotent) and the pick-up of §7.4 proposals."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from auxpost.audit.models import AuditEntry
from auxpost.separation import rules
from auxpost.separation.models import SeparationCase, Transition
from auxpost.separation.services import pickup_take, proposal_create, retirement_proposals_create
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db

NOTICE = 60  # policy version 1: workforce.separation.retirement_notice_days

# (birth, male, statutory retirement date) — published table values (see test_rules).
CASES = [
    (dt.date(1965, 1, 15), True, dt.date(2025, 2, 15)),  # man, Jan 1965 → 60y1m, February 2025
    (dt.date(1968, 7, 3), True, dt.date(2029, 6, 3)),  # n = 43 → 11 months: 60y11m
    (dt.date(1976, 9, 20), True, dt.date(2039, 9, 20)),  # 63
    (dt.date(1970, 1, 8), False, dt.date(2025, 2, 8)),  # woman (55), Jan 1970 → 55y1m
    (dt.date(1975, 5, 1), False, dt.date(2031, 10, 1)),  # 56y5m
    (dt.date(1981, 9, 30), False, dt.date(2039, 9, 30)),  # 58
]


@pytest.mark.parametrize(("birth", "male", "retires"), CASES)
def test_proposed_on_the_right_day_not_before(district, birth, male, retires):
    m = make_member(district.sq1_t1, name="待退休", birth=birth, male=male, hire_date=dt.date(2010, 1, 1))
    due = retires - dt.timedelta(days=NOTICE)
    assert retirement_proposals_create(due - dt.timedelta(days=1)) == 0
    assert retirement_proposals_create(due) == 1
    case = SeparationCase.objects.get(member=m)
    assert (case.ground, case.source, case.last_day, case.proposed_on, case.status) == (
        "retirement", "retirement", retires, due, "proposed")
    assert "第四十四条第（二）项" in case.legal_basis and "实施条例》第二十一条" in case.legal_basis
    assert Transition.objects.get(case=case).acting_as == "system"
    assert AuditEntry.objects.filter(object_type="separation.separationcase", object_id=str(case.pk)).exists()
    assert retirement_proposals_create(due + dt.timedelta(days=5)) == 0  # idempotent: an open case exists


def test_command_is_set_based_and_idempotent(district, django_assert_max_num_queries):
    on = dt.date(2026, 6, 1)
    for i in range(20):
        make_member(district.sq1_t1, name=f"老{i}", birth=dt.date(1966, 1, 1) + dt.timedelta(days=i), male=True)
    make_member(district.sq1_t1, name="年轻", birth=dt.date(1990, 1, 1))
    with django_assert_max_num_queries(15):
        n = retirement_proposals_create(on)
    # Men born Jan 1966 retire at 60y4m (May 2026): due from March 2026.
    assert n == 20
    out = StringIO()
    call_command("separation-propose", "--date", on.isoformat(), stdout=out)
    assert "0" in out.getvalue()
    assert SeparationCase.objects.count() == 20


def test_pickup_of_an_evaluation_proposal_sets_taken_up(district):
    from auxpost.evaluation.models import Candidate, EvaluationRound, SeparationProposal

    now = timezone.now()
    rnd = EvaluationRound.objects.create(name="2026年度职级评定", as_of=dt.date(2026, 3, 1),
                                         effective_date=dt.date(2026, 4, 1), status="archived",
                                         created_by=district.bureau_user, created_at=now)
    cand = Candidate.objects.create(round=rnd, member=district.m1, unit=district.sq1_t1, outcome="separation_proposal",
                                    target_grade=5, updated_at=now)
    sp = SeparationProposal.objects.create(member=district.m1, candidate=cand, reason="2024、2025年度考核不合格",
                                           proposed_on=dt.date(2026, 3, 20), created_at=now)
    with pytest.raises(rules.MoveRefused) as exc:
        pickup_take(actor=district.hrco, kind="evaluation", ref=str(sp.pk))
    assert exc.value.code == "forbidden"
    case = pickup_take(actor=district.bureau_user, kind="evaluation", ref=str(sp.pk))
    assert (case.source, case.source_ref, case.ground) == ("evaluation", str(sp.pk), "art40_unfit")
    assert "2024" in case.reason
    sp.refresh_from_db()
    assert sp.taken_up_at is not None
    with pytest.raises(rules.MoveRefused):
        pickup_take(actor=district.bureau_user, kind="evaluation", ref=str(sp.pk))


def test_annual_result_pairs_need_consecutive_final_fails(district):
    from auxpost.assessment.models import AnnualResult
    from auxpost.separation.selectors import annual_fail_pairs

    now = timezone.now()
    for member, years, status in ((district.m1, (2023, 2025), "confirmed"), (district.m2, (2024, 2025), "computed")):
        for y in years:
            AnnualResult.objects.create(member=member, year=y, composite=40, band="fail", status=status,
                                        computed_at=now)
    assert annual_fail_pairs() == []  # m1: not consecutive; m2: not final
    AnnualResult.objects.create(member=district.m1, year=2024, composite=40, band="fail", status="confirmed",
                                computed_at=now)
    pairs = annual_fail_pairs()
    assert [(p.member.pk, p.year1, p.year2) for p in pairs] == [(district.m1.pk, 2024, 2025)]
    proposal_create(actor=district.bureau_user, member=district.m1, ground="death", reason="x")
    assert annual_fail_pairs() == []  # an open case: nothing to take up
