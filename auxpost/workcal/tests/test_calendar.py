"""§11 the seeded calendar against the chinesecalendar package's own data, the missing-year refusal,
entering a year, corrections, audit, and the per-process cache."""

import datetime as dt

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.workcal import selectors
from auxpost.workcal.models import CalendarYear, YearSource
from auxpost.workcal.rules import HolidayPeriod, MakeupDay
from auxpost.workcal.selectors import (
    CalendarYearMissing,
    add_working_days,
    is_working_day,
    working_days_between,
)
from auxpost.workcal.services import calendar_year_correct, calendar_year_enter

D = dt.date
AT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def _every_day(year):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def _package_add(start, n):
    """The expected end of a 公示 of n working days, walking the package's own is_workday."""
    day = start
    while True:
        if chinese_calendar.is_workday(day):
            n -= 1
            if n == 0:
                return day
        day += dt.timedelta(days=1)


def test_every_package_year_is_seeded_read_only():
    years = {d.year for d in chinese_calendar.holidays}
    stored = dict(CalendarYear.objects.values_list("year", "source"))
    assert set(stored) == years
    assert max(years) == 2026
    assert set(stored.values()) == {YearSource.PACKAGE}


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_matches_the_package(year):
    for day in _every_day(year):
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
    assert working_days_between(D(year, 1, 1), D(year, 12, 31)) == sum(
        chinese_calendar.is_workday(d) for d in _every_day(year))


def test_national_day_and_spring_festival_2026():
    for day in [D(2026, 10, d) for d in range(1, 8)]:
        assert not is_working_day(day)
    assert is_working_day(D(2026, 10, 8)) == chinese_calendar.is_workday(D(2026, 10, 8))
    spring = [d for d, name in chinese_calendar.holidays.items() if d.year == 2026 and name == "Spring Festival"]
    assert spring and not any(is_working_day(d) for d in spring)
    makeup = [d for d in chinese_calendar.workdays if d.year == 2026]
    assert makeup and all(is_working_day(d) and d.weekday() >= 5 for d in makeup)
    # the names are stored in Chinese
    cy = CalendarYear.objects.get(year=2026)
    assert cy.days.get(date=D(2026, 10, 1)).name == "国庆节"


def test_publicity_before_national_day_ends_on_the_package_day():
    start = D(2026, 9, 29)
    end = add_working_days(start, 5)
    assert end == _package_add(start, 5)
    assert end > D(2026, 10, 7)
    assert working_days_between(start, end) == 5


def _notice_2027():
    holidays = [HolidayPeriod("元旦", D(2027, 1, 1), D(2027, 1, 3)),
                HolidayPeriod("国庆节", D(2027, 10, 1), D(2027, 10, 7))]
    makeups = [MakeupDay(D(2027, 9, 26), "国庆节"), MakeupDay(D(2027, 10, 9), "国庆节")]
    return holidays, makeups


def test_2027_is_refused_with_the_message_until_entered(district):
    with pytest.raises(CalendarYearMissing) as exc:
        add_working_days(D(2026, 12, 28), 10)
    assert exc.value.year == 2027
    assert isinstance(exc.value, ValidationError)
    assert "2027年的法定节假日安排尚未录入" in exc.value.messages[0]
    assert "国务院" in exc.value.messages[0]
    with pytest.raises(CalendarYearMissing):
        is_working_day(D(2027, 3, 1))
    with pytest.raises(CalendarYearMissing):
        working_days_between(D(2026, 12, 1), D(2027, 1, 5))

    holidays, makeups = _notice_2027()
    calendar_year_enter(actor=district.admin, year=2027, notice_ref="国办发明电〔2026〕9号",
                        notice_title="国务院办公厅关于2027年部分节假日安排的通知", holidays=holidays,
                        makeups=makeups, at=AT)
    assert is_working_day(D(2027, 10, 9))  # make-up Saturday
    assert not is_working_day(D(2027, 10, 4))
    # 2026-12-28 Mon … Thu 31 = 4, 1–3 Jan holiday, Mon 4 Jan … Fri 8 = 9, Mon 11 = 10
    assert add_working_days(D(2026, 12, 28), 10) == D(2027, 1, 11)
    entry = AuditEntry.objects.filter(object_type="workcal.calendaryear").latest("seq")
    assert entry.action == "create" and entry.after["makeup_workdays"][0] == ["2027-09-26", "国庆节"]


def test_enter_is_validated_and_writes_nothing_when_bad(district):
    holidays, _ = _notice_2027()
    with pytest.raises(ValidationError) as exc:
        calendar_year_enter(actor=district.admin, year=2027, notice_ref="", notice_title="通知",
                            holidays=holidays, makeups=[MakeupDay(D(2027, 9, 27), "国庆节")], at=AT)
    assert exc.value.message_dict["makeup_workdays"] == ["调休上班第1行：调休上班日必须是星期六或星期日。"]
    with pytest.raises(ValidationError) as exc:
        calendar_year_enter(actor=district.admin, year=2027, notice_ref="", notice_title="",
                            holidays=[], makeups=[], at=AT)
    assert set(exc.value.message_dict) == {"notice_title", "holidays"}
    with pytest.raises(ValidationError) as exc:
        calendar_year_enter(actor=district.admin, year=2026, notice_ref="", notice_title="通知",
                            holidays=[HolidayPeriod("国庆节", D(2026, 10, 1), D(2026, 10, 7))], makeups=[], at=AT)
    assert "2026" in exc.value.message_dict["year"][0]
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(PermissionDenied):
        calendar_year_enter(actor=district.bureau_user, year=2027, notice_ref="", notice_title="通知",
                            holidays=holidays, makeups=[], at=AT)


def test_correct_manual_year_audited_package_year_refused(district):
    holidays, makeups = _notice_2027()
    cy = calendar_year_enter(actor=district.admin, year=2027, notice_ref="", notice_title="通知",
                             holidays=holidays, makeups=makeups, at=AT)
    assert not is_working_day(D(2027, 10, 7))
    # at the same instant (frozen clocks): the cache still sees the correction
    calendar_year_correct(actor=district.admin, calendar_year=cy, notice_ref="国办发明电〔2026〕9号",
                          notice_title="通知", holidays=[holidays[0], HolidayPeriod("国庆节", D(2027, 10, 1),
                                                                                     D(2027, 10, 6))],
                          makeups=makeups, reason="录入有误", at=AT)
    assert is_working_day(D(2027, 10, 7))
    entry = AuditEntry.objects.filter(object_type="workcal.calendaryear").latest("seq")
    assert entry.action == "update"
    assert entry.before["holidays"][1] == ["国庆节", "2027-10-01", "2027-10-07"]
    assert entry.after["holidays"][1] == ["国庆节", "2027-10-01", "2027-10-06"]
    with pytest.raises(ValidationError) as exc:
        calendar_year_correct(actor=district.admin, calendar_year=cy, notice_ref="", notice_title="通知",
                              holidays=holidays, makeups=makeups, reason=" ", at=AT)
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        calendar_year_correct(actor=district.admin, calendar_year=CalendarYear.objects.get(year=2026),
                              notice_ref="", notice_title="通知", holidays=holidays, makeups=makeups,
                              reason="x", at=AT)
    assert "year" in exc.value.message_dict


def test_many_computations_share_one_load(django_assert_max_num_queries):
    selectors.schedule()
    with django_assert_max_num_queries(0):
        for i in range(200):
            add_working_days(D(2026, 1, 1) + dt.timedelta(days=i), 5)
            working_days_between(D(2025, 1, 1), D(2026, 6, 30))
    selectors.mark_stale()  # a new request: one cheap version check, no reload
    with django_assert_max_num_queries(1):
        is_working_day(D(2026, 3, 2))


def test_property_seeded_calendar_agrees_with_the_package():
    """Hypothesis over every package year: add/between on the seeded calendar equal walking the
    package's own ``is_workday``, and agree with each other."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    selectors.schedule()  # loaded once; the property runs without the database

    @settings(max_examples=300, deadline=None)
    @given(start=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 11, 30)), n=st.integers(min_value=1, max_value=20))
    def check(start, n):
        end = add_working_days(start, n)
        assert end == _package_add(start, n)
        assert working_days_between(start, end) == n
        assert is_working_day(end)

    check()
