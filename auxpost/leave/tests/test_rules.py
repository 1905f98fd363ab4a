"""§5.3.4 pure leave rules: length on the §11 calendar (properties), entitlements and refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auxpost.leave import rules
from auxpost.policy.daily import LeavePolicy
from auxpost.workcal import rules as cal

D = dt.date
LP = LeavePolicy()


@st.composite
def schedules(draw):
    """A schedule for 2025–2026 with random holidays and make-up workdays."""
    days = draw(st.lists(st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 12, 31)), max_size=40, unique=True))
    kinds = draw(st.lists(st.sampled_from([cal.HOLIDAY, cal.WORKDAY]), min_size=len(days), max_size=len(days)))
    sched = {2025: {}, 2026: {}}
    for d, k in zip(days, kinds, strict=True):
        sched[d.year][d] = k
    return sched


periods = st.tuples(st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 12, 31)), st.integers(0, 120))


@settings(max_examples=150, deadline=None)
@given(schedules(), periods)
def test_working_count_is_days_that_are_working(sched, period):
    start, n = period
    end = min(start + dt.timedelta(days=n), D(2026, 12, 31))
    expected = sum(1 for i in range((end - start).days + 1) if cal.is_working_day(start + dt.timedelta(days=i), sched))
    assert rules.leave_days(start, end, "working", sched) == expected


@settings(max_examples=150, deadline=None)
@given(schedules(), periods)
def test_calendar_count_is_span(sched, period):
    start, n = period
    end = min(start + dt.timedelta(days=n), D(2026, 12, 31))
    assert rules.leave_days(start, end, "calendar", sched) == (end - start).days + 1


@settings(max_examples=150, deadline=None)
@given(schedules(), periods, st.integers(0, 120), st.sampled_from(["working", "calendar"]),
       st.sampled_from([rules.AM, rules.PM]), st.sampled_from([rules.AM, rules.PM]))
def test_split_additivity(sched, period, cut, counting, sh, eh):
    start, n = period
    end = min(start + dt.timedelta(days=n), D(2026, 12, 31))
    mid = min(start + dt.timedelta(days=cut), end)
    whole = rules.leave_days(start, end, counting, sched, start_half=sh, end_half=eh)
    if mid == end:
        return
    left = rules.leave_days(start, mid, counting, sched, start_half=sh, end_half=rules.PM)
    right = rules.leave_days(mid + dt.timedelta(days=1), end, counting, sched, start_half=rules.AM, end_half=eh)
    assert left + right == whole


@settings(max_examples=100, deadline=None)
@given(schedules(), periods)
def test_half_days_take_half_off_a_counting_day(sched, period):
    start, n = period
    end = min(start + dt.timedelta(days=max(n, 1)), D(2026, 12, 31))
    full = rules.leave_days(start, end, "working", sched)
    halves = rules.leave_days(start, end, "working", sched, start_half=rules.PM, end_half=rules.AM)
    expected = full - Decimal("0.5") * (cal.is_working_day(start, sched) + cal.is_working_day(end, sched))
    assert halves == expected


def test_year_not_confirmed_is_raised():
    with pytest.raises(cal.YearNotConfirmed):
        rules.leave_days(D(2027, 1, 4), D(2027, 1, 5), "working", {2026: {}})


def test_service_years():
    assert rules.service_years(D(2016, 6, 2), D(2026, 6, 1)) == 9
    assert rules.service_years(D(2016, 6, 1), D(2026, 6, 1)) == 10
    assert rules.service_years(D(2027, 1, 1), D(2026, 6, 1)) == 0


def test_report_back_due_and_overdue_days():
    sched = {2026: {D(2026, 6, 19): cal.HOLIDAY}}  # a Friday holiday
    assert rules.report_back_due(D(2026, 6, 18), 1, sched) == D(2026, 6, 22)
    assert rules.report_back_due(D(2026, 6, 18), 0, sched) == D(2026, 6, 18)
    assert rules.overdue_days(D(2026, 6, 18), D(2026, 6, 24), sched) == [D(2026, 6, 22), D(2026, 6, 23)]


def _p(**kw):
    base = dict(type_code="personal", start=D(2026, 6, 1), end=D(2026, 6, 2))
    base.update(kw)
    return rules.Proposal(**base)


SCHED = {2026: {}}


def test_check_refusals_name_the_field():
    assert rules.check(_p(type_code="nope"), LP, SCHED)[1] == {"type_code": "请假类型：请选择一种请假类型。"}
    assert "end" in rules.check(_p(end=D(2026, 5, 31)), LP, SCHED)[1]
    assert "end_half" in rules.check(_p(end=D(2026, 6, 1), start_half="pm", end_half="am"), LP, SCHED)[1]
    # a weekend only: nothing to count
    days, errors = rules.check(_p(start=D(2026, 6, 6), end=D(2026, 6, 7)), LP, SCHED)
    assert days == 0 and "没有需要请假的工作日" in errors["end"]
    # 丧假 at most 3 days
    assert "丧假最多3天" in rules.check(_p(type_code="bereavement", end=D(2026, 6, 4)), LP, SCHED)[1]["end"]
    # 病假 of 2 days needs a note; 1.5 does not
    assert "notes" in rules.check(_p(type_code="sick"), LP, SCHED)[1]
    assert rules.check(_p(type_code="sick", end_half="am"), LP, SCHED) == (Decimal("1.5"), {})
    assert rules.check(_p(type_code="sick", notes=1), LP, SCHED) == (Decimal(2), {})
    assert "重叠" in rules.check(_p(clash="事假 2026-06-01至2026-06-01"), LP, SCHED)[1]["start"]


def test_annual_entitlement_by_years_less_taken():
    ok = _p(type_code="annual", end=D(2026, 6, 5), service_years=3)
    assert rules.check(ok, LP, SCHED) == (Decimal(5), {})
    more = _p(type_code="annual", end=D(2026, 6, 5), service_years=3, annual_taken=Decimal("0.5"))
    msg = rules.check(more, LP, SCHED)[1]["end"]
    assert "应休5天" in msg and "剩余4.5天" in msg
    ten = _p(type_code="annual", end=D(2026, 6, 12), service_years=10)
    assert rules.check(ten, LP, SCHED) == (Decimal(10), {})
    assert "end" in rules.check(_p(type_code="annual", service_years=0), LP, SCHED)[1]


def test_maternity_entitlement():
    start = D(2026, 3, 1)
    p98 = _p(type_code="maternity", start=start, end=start + dt.timedelta(days=97))
    assert rules.check(p98, LP, SCHED) == (Decimal(98), {})
    p99 = _p(type_code="maternity", start=start, end=start + dt.timedelta(days=98))
    assert "产假最多98天" in rules.check(p99, LP, SCHED)[1]["end"]
    p128 = _p(type_code="maternity", start=start, end=start + dt.timedelta(days=127), difficult_birth=True, babies=2)
    assert rules.check(p128, LP, SCHED) == (Decimal(128), {})


def test_overlaps_by_half_days():
    a = (D(2026, 6, 1), "am", D(2026, 6, 1), "am")
    b = (D(2026, 6, 1), "pm", D(2026, 6, 2), "pm")
    assert not rules.overlaps(*a, *b)
    assert rules.overlaps(*a, D(2026, 5, 30), "am", D(2026, 6, 1), "am")
