"""§5.3.3 pure rules: the sign-in window, outcomes at closing, tallies, overdue follow-ups, evidence."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from auxpost.meetings import rules

S = dt.datetime(2026, 6, 16, 8, 0)
E = dt.datetime(2026, 6, 16, 8, 30)


def test_signin_window_edges():
    kw = {"starts_at": S, "ends_at": E, "status": rules.SCHEDULED}
    assert "开始前30分钟" in rules.signin_refusal(now=S - dt.timedelta(minutes=31), **kw)
    assert rules.signin_refusal(now=S - dt.timedelta(minutes=30), **kw) is None
    assert rules.signin_refusal(now=E, **kw) is None
    assert "已关闭" in rules.signin_refusal(now=E + dt.timedelta(seconds=1), **kw)
    assert "取消" in rules.signin_refusal(now=S, starts_at=S, ends_at=E, status=rules.CANCELLED)


def test_excuse_only_before_start():
    assert rules.excuse_refusal(now=S - dt.timedelta(seconds=1), starts_at=S, status=rules.SCHEDULED,
                                signed_in=False) is None
    assert "已开始" in rules.excuse_refusal(now=S, starts_at=S, status=rules.SCHEDULED, signed_in=False)
    assert "已签到" in rules.excuse_refusal(now=S, starts_at=S, status=rules.SCHEDULED, signed_in=True)


@given(st.booleans(), st.sampled_from([rules.EXCUSE_NONE, rules.EXCUSE_PENDING, rules.EXCUSE_ACCEPTED,
                                       rules.EXCUSE_REFUSED, rules.EXCUSE_LEAVE, rules.EXCUSE_LATER]), st.booleans())
def test_outcome_laws(signed_in, excuse, on_leave):
    out = rules.outcome_at_close(signed_in=signed_in, excuse_state=excuse, on_leave=on_leave)
    assert (out == rules.PRESENT) == signed_in
    if not signed_in:
        assert (out == rules.ABSENT) == (not on_leave and excuse not in rules.EXCUSING)


@given(st.lists(st.sampled_from([rules.PRESENT, rules.EXCUSED, rules.ABSENT])))
def test_tally_adds_up(outcomes):
    t = rules.tally(outcomes)
    assert t.present + t.excused + t.absent == t.expected
    assert t.rate is None if not outcomes else 0 <= t.rate <= 100


def test_overdue_and_evidence():
    assert rules.is_overdue(dt.date(2026, 6, 14), False, dt.date(2026, 6, 15))
    assert not rules.is_overdue(dt.date(2026, 6, 15), False, dt.date(2026, 6, 15))
    assert not rules.is_overdue(dt.date(2026, 6, 1), True, dt.date(2026, 6, 15))
    assert rules.absence_evidence(starts_at=S, kind_name="班前会", title="早班", excuse_state=rules.EXCUSE_NONE) == \
        "2026-06-16 08:00 班前会《早班》未到会，未请假（无故缺席）"
