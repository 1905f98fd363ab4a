"""§5.3.6 / §5.3.2 pure rules: actions, shifts, acknowledgement due time, coordinates."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from auxpost.patrol import rules
from auxpost.policy.daily import DEFAULT_SHIFTS, Shift

DAY, NIGHT = DEFAULT_SHIFTS
OVERNIGHT = (Shift("a", "白班", dt.time(8), dt.time(20)), Shift("b", "夜班", dt.time(20), dt.time(8)))


def test_only_dissuade_inform_report():
    assert rules.ACTIONS == ("dissuade", "inform", "report")
    assert rules.actions_errors(["dissuade"]) == {}
    assert rules.actions_errors(["inform", "report"], "执法队员") == {}
    assert "至少选择一项" in rules.actions_errors([])["actions"]
    err = rules.actions_errors(["fine"])["actions"]
    assert "无执法权" in err and "fine" in err
    assert "上报对象" in rules.actions_errors(["report"], "  ")["reported_to"]
    assert rules.actions_display(["report", "dissuade"]) == "劝阻、上报"


def test_shift_at_default_shifts():
    d = dt.date(2026, 6, 1)
    assert rules.shift_at(DEFAULT_SHIFTS, dt.datetime(2026, 6, 1, 8, 30)) == (d, "day")
    assert rules.shift_at(DEFAULT_SHIFTS, dt.datetime(2026, 6, 1, 17, 30)) is None
    assert rules.shift_at(DEFAULT_SHIFTS, dt.datetime(2026, 6, 1, 19)) == (d, "night")
    assert rules.shift_nearest(DEFAULT_SHIFTS, dt.datetime(2026, 6, 1, 17, 45)) == (d, "day")
    assert rules.shift_nearest(DEFAULT_SHIFTS, dt.datetime(2026, 6, 2, 7)) == (d, "night")
    assert rules.shift_nearest((), dt.datetime(2026, 6, 2, 7)) is None


def test_overnight_small_hours_belong_to_the_start_day():
    assert rules.shift_at(OVERNIGHT, dt.datetime(2026, 6, 2, 3)) == (dt.date(2026, 6, 1), "b")
    assert rules.next_shift(OVERNIGHT, dt.date(2026, 6, 1), "b") == (dt.date(2026, 6, 2), "a")


def test_next_shift():
    d = dt.date(2026, 6, 1)
    assert rules.next_shift(DEFAULT_SHIFTS, d, "day") == (d, "night")
    assert rules.next_shift(DEFAULT_SHIFTS, d, "night") == (d + dt.timedelta(days=1), "day")
    assert rules.next_shift((DAY,), d, "day") == (d + dt.timedelta(days=1), "day")
    assert rules.next_shift(DEFAULT_SHIFTS, d, "nope") is None


moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 12, 31))


@given(moments, st.sampled_from([DEFAULT_SHIFTS, OVERNIGHT, (DAY,)]))
def test_property_shift_at_contains_the_moment(moment, shifts):
    found = rules.shift_at(shifts, moment)
    if found is not None:
        day, code = found
        s = next(s for s in shifts if s.code == code)
        assert s.starts_at(day) <= moment < s.ends_at(day)
    else:
        for day in (moment.date() - dt.timedelta(days=1), moment.date()):
            assert not any(s.starts_at(day) <= moment < s.ends_at(day) for s in shifts)


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
       st.sampled_from([DEFAULT_SHIFTS, OVERNIGHT, (DAY,)]), st.data())
def test_property_next_shift_starts_after_the_end_and_nothing_between(day, shifts, data):
    s = data.draw(st.sampled_from(shifts))
    nd, code = rules.next_shift(shifts, day, s.code)
    nxt = next(x for x in shifts if x.code == code)
    assert nxt.starts_at(nd) >= s.ends_at(day)
    for d in (day, day + dt.timedelta(days=1)):
        for x in shifts:
            assert not (s.ends_at(day) <= x.starts_at(d) < nxt.starts_at(nd))


@given(moments, st.integers(min_value=0, max_value=48), st.integers(min_value=-10000, max_value=10000))
def test_property_overdue_only_after_due_and_never_once_acknowledged(recorded, hours, minutes):
    due = rules.ack_due(recorded, hours)
    now = recorded + dt.timedelta(minutes=minutes)
    assert rules.is_overdue(due, False, now) == (now > recorded + dt.timedelta(hours=hours))
    assert not rules.is_overdue(due, True, now)


def test_location():
    assert rules.location_errors(None, "", "wgs84") == ({}, None, None)
    errs, lat, lng = rules.location_errors("30.6571234", "104.0661", "gcj02")
    assert errs == {} and lat == Decimal("30.657123") and lng == Decimal("104.066100")
    assert "纬度" in rules.location_errors("91", "104", "wgs84")[0]["lat"]
    assert "经度" in rules.location_errors("30", "abc", "wgs84")[0]["lng"]
    assert "成对" in rules.location_errors("30", "", "wgs84")[0]["lng"]
    assert "坐标系" in rules.location_errors("30", "104", "bd09")[0]["coord_system"]
