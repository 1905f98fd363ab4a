"""The to-do inbox: each provider's counts for the user concerned and 0 for anyone else, the inbox
page and its counts endpoint (access, query counts), and the provider registry's import rules."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from auxpost.core import inbox
from auxpost.core.inbox import TodoItem, counts_by_url, todo_for

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 6, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _count(items, key):
    return sum(i.count for i in items if i.key == key)


# --- points -------------------------------------------------------------------------------------


def test_points_provider(district):
    from auxpost.points import inbox as points_inbox
    from auxpost.points.services import (
        points_appeal_submit,
        points_entry_approve,
        points_entry_record,
    )

    pending = points_entry_record(member=district.m1, rule_code="late", date=dt.date(2026, 3, 2),
                                  recorded_by=district.squadron1, at=AT)
    points_entry_record(member=district.m2, rule_code="late", date=dt.date(2026, 3, 3),
                        recorded_by=district.squadron2, at=AT)
    # the recorder does not approve their own entry; the bureau sees both, squadron 1 none of squadron 2's
    assert _count(points_inbox.todo(district.squadron1), "points.approvals") == 0
    assert _count(points_inbox.todo(district.bureau_user), "points.approvals") == 2
    assert _count(points_inbox.todo(district.admin), "points.approvals") == 2
    for outsider in (district.member1, district.hrco, district.assessor, district.nobody, district.bianban):
        assert points_inbox.todo(outsider) == []

    approved = points_entry_approve(entry=pending, approver=district.bureau_user, at=AT)
    points_appeal_submit(entry=approved, user=district.member1, reason="当天已请假", at=AT)
    # squadron1 recorded the entry, so the appeal is not theirs to decide; the bureau decides it
    assert _count(points_inbox.todo(district.squadron1), "points.appeals") == 0
    assert _count(points_inbox.todo(district.bureau_user), "points.appeals") == 1
    assert _count(points_inbox.todo(district.squadron2), "points.appeals") == 0
    item = next(i for i in points_inbox.todo(district.bureau_user) if i.key == "points.appeals")
    assert item.url == "/points/appeals/" and item.label == "待处理的积分申诉"


# --- assessment ---------------------------------------------------------------------------------


def test_assessment_monthly_provider(district):
    from auxpost.assessment import inbox as assessment_inbox
    from auxpost.assessment.models import MonthlyScore
    from auxpost.testing import make_member

    make_member(district.sq1_t2, name="赵三", hire_date=dt.date(2026, 6, 1))  # hired after May
    today = dt.date(2026, 6, 15)
    items = assessment_inbox.todo(district.squadron1, today=today)
    assert items[0].count == 1  # m1 only
    assert items[0].url == "/assessment/monthly/?month=2026-05"
    assert "2026-05" in items[0].label
    MonthlyScore.objects.create(member=district.m1, month=dt.date(2026, 5, 1), total=90, scored_at=timezone.now())
    assert assessment_inbox.todo(district.squadron1, today=today)[0].count == 0
    assert assessment_inbox.todo(district.squadron2, today=today)[0].count == 1  # m2
    for outsider in (district.bureau_user, district.admin, district.member1, district.hrco, district.nobody):
        assert assessment_inbox.todo(outsider, today=today) == []


def test_assessment_skills_provider(district):
    from auxpost.assessment import inbox as assessment_inbox
    from auxpost.assessment.services import skills_round_close, skills_round_create

    rnd = skills_round_create(year=2026, batch=1, name="2026年第一批集中考核", assessor=district.assessor_org,
                              by=district.bureau_user, at=AT)
    items = assessment_inbox.todo(district.assessor)
    assert [(i.key, i.count, i.url) for i in items] == [("assessment.skills", 2, "/assessment/rounds/")]
    assert assessment_inbox.todo(district.bureau_user) == []
    skills_round_close(round=rnd, by=district.bureau_user, at=AT)
    assert assessment_inbox.todo(district.assessor)[0].count == 0


# --- workcal ------------------------------------------------------------------------------------


def test_workcal_provider(district):
    from auxpost.workcal import inbox as workcal_inbox
    from auxpost.workcal.rules import HolidayPeriod
    from auxpost.workcal.services import calendar_year_enter

    assert workcal_inbox.todo(district.admin, today=dt.date(2026, 10, 31)) == []
    items = workcal_inbox.todo(district.admin, today=dt.date(2026, 11, 1))
    assert [(i.key, i.count, i.url) for i in items] == [("workcal.year", 1, "/calendar/")]
    assert "2027" in items[0].label
    assert workcal_inbox.todo(district.admin, today=dt.date(2027, 11, 2))[0].count == 2  # 2027 and 2028
    for outsider in (district.bureau_user, district.bianban, district.member1, district.nobody):
        assert workcal_inbox.todo(outsider, today=dt.date(2026, 11, 1)) == []
    calendar_year_enter(actor=district.admin, year=2027, notice_ref="", notice_title="通知",
                        holidays=[HolidayPeriod("元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 1))], makeups=[], at=AT)
    assert workcal_inbox.todo(district.admin, today=dt.date(2026, 11, 1)) == []


# --- the registry -------------------------------------------------------------------------------


def test_todo_for_keeps_items_with_something_to_do(district):
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        items = todo_for(district.admin)
    assert _count(items, "workcal.year") == 1
    assert all(i.count > 0 for i in items)
    assert todo_for(district.nobody) == []
    from django.contrib.auth.models import AnonymousUser

    assert todo_for(AnonymousUser()) == []


def test_registered_providers_import(monkeypatch):
    assert "auxpost.points.inbox.todo" in inbox.PROVIDERS
    assert inbox.providers()  # every existing provider imports
    monkeypatch.setattr(inbox, "PROVIDERS", ["auxpost.core.no_such_inbox.todo"])
    with pytest.raises(ModuleNotFoundError):
        inbox.providers()
    monkeypatch.setattr(inbox, "PROVIDERS", ["auxpost.core.no_such_inbox.todo"])
    monkeypatch.setattr(inbox, "PENDING_PROVIDERS", {"auxpost.core.no_such_inbox"})
    assert inbox.providers() == []


def test_counts_by_url():
    items = [TodoItem("a", "A", 2, "/assessment/monthly/?month=2026-05"), TodoItem("b", "B", 3, "/points/appeals/"),
             TodoItem("c", "C", 1, "/points/appeals/")]
    assert counts_by_url(items) == {"/assessment/monthly/": 2, "/points/appeals/": 4}


# --- pages --------------------------------------------------------------------------------------


def _certified(member):
    """A member whose 上岗证 is valid for years has nothing waiting (a missing one is a to-do, §5.2.3)."""
    member.cert_number = "WJ-CG-2026-0001"
    member.cert_valid_until = dt.date(2029, 1, 1)
    member.save(update_fields=["cert_number", "cert_valid_until"])


def test_inbox_page(district, client_for, django_assert_max_num_queries):
    from auxpost.points.services import points_entry_record

    points_entry_record(member=district.m1, rule_code="late", date=dt.date(2026, 3, 2),
                        recorded_by=district.squadron1, at=AT)
    _certified(district.m1)
    c = client_for(district.bureau_user)
    # Session, user, roles, then each provider's counts (points, assessment, calendar, evaluation,
    # recruitment, certificates, separation, the duties ledger, patrol, duty, leave, meetings, uniform: a
    # query or two each, nothing that grows with the data).
    with django_assert_max_num_queries(29):
        resp = c.get("/inbox/")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "待审批的积分扣分" in body and 'href="/points/approvals/"' in body
    assert 'data-inbox-counts="/inbox/counts.json"' in body and "待办" in body
    body = client_for(district.member1).get("/inbox/").content.decode()
    assert "没有等待您处理的事项" in body
    resp = client_for(None).get("/inbox/")
    assert resp.status_code == 302 and "/login" in resp["Location"]


def test_inbox_counts_json(district, client_for, django_assert_max_num_queries):
    from auxpost.points.services import points_entry_record

    points_entry_record(member=district.m1, rule_code="late", date=dt.date(2026, 3, 2),
                        recorded_by=district.squadron1, at=AT)
    c = client_for(district.bureau_user)
    with django_assert_max_num_queries(29):  # as the page: session, user, roles, the providers' counts
        data = c.get("/inbox/counts.json").json()
    assert data["total"] >= 1 and data["by_url"]["/points/approvals/"] == 1
    assert client_for(district.squadron1).get("/inbox/counts.json").json()["by_url"].get("/points/approvals/") is None
    assert client_for(district.nobody).get("/inbox/counts.json").json() == {"total": 0, "by_url": {}}
    assert client_for(None).get("/inbox/counts.json").status_code == 302


def test_nav_has_todo_entry_for_every_role(district, client_for):
    for user in (district.admin, district.bianban, district.bureau_user, district.squadron1, district.hrco,
                 district.assessor, district.member1):
        body = client_for(user).get("/").content.decode()
        assert 'href="/inbox/" data-nav-path="/inbox/" data-inbox' in body, user


def test_providers_keep_to_a_few_queries(district, django_assert_max_num_queries):
    from auxpost.assessment import inbox as assessment_inbox
    from auxpost.points import inbox as points_inbox
    from auxpost.workcal import inbox as workcal_inbox

    for user in (district.bureau_user, district.squadron1, district.admin, district.assessor):
        user.refresh_from_db()  # no cached roles or member: the count includes them
    with django_assert_max_num_queries(4):  # roles, own member, two counts
        points_inbox.todo(district.bureau_user)
    with django_assert_max_num_queries(4):  # roles, subtree units in one subquery, own member, one count
        assessment_inbox.todo(district.squadron1, today=dt.date(2026, 6, 15))
    with django_assert_max_num_queries(2):
        assessment_inbox.todo(district.assessor)
    with django_assert_max_num_queries(2):
        workcal_inbox.todo(district.admin, today=dt.date(2026, 11, 2))


def test_workforce_providers_keep_to_a_few_queries(district, django_assert_max_num_queries):
    """§5.2.1–§5.2.4 recruitment, certificates and separation: counts, never lists."""
    from auxpost.recruitment import inbox as recruitment_inbox
    from auxpost.separation import inbox as separation_inbox
    from auxpost.training import inbox as training_inbox

    for user in (district.bureau_user, district.hrco, district.member1, district.nobody):
        user.refresh_from_db()
        with django_assert_max_num_queries(3):  # roles, then one count per step
            recruitment_inbox.todo(user)
        with django_assert_max_num_queries(3):  # roles, the policy's reminder window, one grouped count
            training_inbox.todo(user)
        # roles; the bureau: cases by state in one query, proposals to take up (2), retirements due (2)
        with django_assert_max_num_queries(6):
            separation_inbox.todo(user)
    assert recruitment_inbox.todo(district.nobody) == [] and separation_inbox.todo(district.member1) == []


def test_inbox_in_english(district, client_for, settings):
    _certified(district.m1)
    c = client_for(district.member1)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = c.get("/inbox/").content.decode()
    assert "Nothing is waiting on you." in body and ">To do<" in body
