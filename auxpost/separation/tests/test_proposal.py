"""§5.2.4 proposal_create: grounds, authority, Art. 42 at proposal, defaults, one open case."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.separation import rules
from auxpost.separation.models import SeparationCase, Transition
from auxpost.separation.services import proposal_create, protection_record
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


def test_bureau_proposes_with_legal_basis_snapshot_transition_and_audit(district, today):
    case = proposal_create(actor=district.bureau_user, member=district.m1, ground="art39_breach",
                           reason="连续旷工", today=today)
    assert case.status == "proposed" and case.proposed_on == today and case.source == "manual"
    assert case.ground_label == rules.GROUNDS["art39_breach"].label
    assert "第三十九条第（二）项" in case.legal_basis
    t = Transition.objects.get(case=case)
    assert (t.action, t.from_status, t.to_status, t.acting_as, t.reason) == ("propose", "", "proposed", "bureau",
                                                                             "连续旷工")
    assert AuditEntry.objects.filter(object_type="separation.separationcase", object_id=str(case.pk)).exists()


def test_unknown_ground_or_empty_reason_named_field(district, today):
    with pytest.raises(ValidationError) as exc:
        proposal_create(actor=district.bureau_user, member=district.m1, ground="art41", reason="x", today=today)
    assert "ground" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        proposal_create(actor=district.bureau_user, member=district.m1, ground="death", reason=" ", today=today)
    assert "reason" in exc.value.message_dict
    assert not SeparationCase.objects.exists()


def test_one_open_case_per_member(district, today):
    proposal_create(actor=district.bureau_user, member=district.m1, ground="death", reason="x", today=today)
    with pytest.raises(rules.MoveRefused) as exc:
        proposal_create(actor=district.bureau_user, member=district.m1, ground="art39_breach", reason="y", today=today)
    assert exc.value.code == "out_of_order" and "李一" in exc.value.message


def test_parties_without_authority(district, today):
    for user in (district.hrco, district.squadron1, district.bianban, district.nobody):
        with pytest.raises(rules.MoveRefused) as exc:
            proposal_create(actor=user, member=district.m1, ground="art39_breach", reason="x", today=today)
        assert exc.value.code == "forbidden"
    # A member only their own resignation.
    with pytest.raises(rules.MoveRefused):
        proposal_create(actor=district.member1, member=district.m1, ground="art39_breach", reason="x", today=today)
    with pytest.raises(rules.MoveRefused):
        proposal_create(actor=district.member1, member=district.m2, ground="resignation", reason="x", today=today)


def test_member_resigns_with_art37_notice(district, today):
    with pytest.raises(ValidationError) as exc:
        proposal_create(actor=district.member1, member=district.m1, ground="resignation", reason="另谋职业",
                        last_day=today + dt.timedelta(days=10), today=today)
    assert "2026-07-01" in exc.value.message_dict["last_day"][0]
    case = proposal_create(actor=district.member1, member=district.m1, ground="resignation", reason="另谋职业",
                           today=today)
    assert case.last_day == dt.date(2026, 7, 1) and case.source == "resignation"
    assert case.transitions.get().acting_as == "member"


def test_resignation_on_probation_three_days(district, today):
    m = make_member(district.sq1_t1, name="新人", status="probation", grade=None, hire_date=dt.date(2026, 4, 1))
    case = proposal_create(actor=district.bureau_user, member=m, ground="resignation", reason="x", today=today)
    assert case.last_day == dt.date(2026, 6, 4)


def test_retirement_and_contract_end_default_last_day(district, today, contract):
    m = make_member(district.sq1_t1, name="老王", birth=dt.date(1966, 9, 10))
    case = proposal_create(actor=None, member=m, ground="retirement", reason="退休", source="retirement", today=today)
    assert case.last_day == dt.date(2027, 3, 10)  # n = 21 → 6 months: 60y6m
    assert case.transitions.get().acting_as == "system"
    case2 = proposal_create(actor=district.bureau_user, member=district.m1, ground="contract_end", reason="期满",
                            today=today)
    assert case2.last_day == contract.end_date


def test_art40_refused_at_proposal_for_a_protected_member(district, today):
    f = make_member(district.sq1_t1, name="孙丽", male=False, birth=dt.date(1994, 2, 2))
    protection_record(actor=district.hrco, member=f, kind="pregnancy", start=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:
        proposal_create(actor=district.bureau_user, member=f, ground="art40_unfit", reason="考核不合格", today=today)
    msg = exc.value.message_dict["ground"][0]
    assert "孕期" in msg and "第四十二条" in msg
    # Art. 39 is not blocked.
    case = proposal_create(actor=district.bureau_user, member=f, ground="art39_breach", reason="x", today=today)
    assert case.protections[0]["kind"] == "pregnancy"


def test_separated_member_cannot_be_proposed(district, today):
    m = make_member(district.sq1_t1, name="已离职", status="separated", grade=None, separated_on=dt.date(2025, 1, 1))
    with pytest.raises(rules.MoveRefused):
        proposal_create(actor=district.bureau_user, member=m, ground="death", reason="x", today=today)
