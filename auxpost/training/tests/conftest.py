"""Shared helpers for the training tests: a course and session factory and an induction pass."""

import datetime as dt
from decimal import Decimal

import pytest

from auxpost.training.models import Course, Session
from auxpost.training.services import AttendanceEntry, attendance_record, course_create, session_create

D = Decimal
TODAY = dt.date(2026, 6, 15)


def make_course(actor, name="城管执法岗前培训", category="induction", hours=40, has_exam=True) -> Course:
    return course_create(actor=actor, name=name, category=category, hours=hours, has_exam=has_exam)


def make_session(actor, course, units, start=dt.date(2026, 3, 2), end=None, hours=None) -> Session:
    return session_create(actor=actor, course=course, start_date=start, end_date=end or start, hours=hours,
                          place="区执法局三楼会议室", trainer="张老师", units=units)


def attend(actor, session, member, attendance="attended", score=None):
    return attendance_record(actor=actor, session=session,
                             entries=[AttendanceEntry(member.pk, attendance, None if score is None else D(score))])


def pass_induction(district, member, score=80, hours=40, on=dt.date(2026, 3, 2)):
    course = Course.objects.filter(category="induction").first() or make_course(district.bureau_user)
    s = make_session(district.bureau_user, course, [district.bureau], start=on, hours=hours)
    attend(district.bureau_user, s, member, score=score)
    return s


@pytest.fixture
def bureau(district):
    return district.bureau_user
