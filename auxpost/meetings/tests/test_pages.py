"""§5.3.3 pages: permitted, out of scope (404) and anonymous for each; query counts on the lists."""

import datetime as dt

import pytest
import time_machine

from auxpost.meetings import services
from auxpost.meetings.models import Attendee, FollowUp, Meeting
from auxpost.meetings.tests.conftest import END, START, local, schedule
from auxpost.points.models import PointsEntry
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=False):  # 10:00 in Chengdu
        yield


@pytest.fixture(autouse=True)
def _no_leave(monkeypatch):
    monkeypatch.setattr(services, "on_leave_ids", lambda day, ids: set())


@pytest.fixture
def meeting(district, leader):
    return schedule(leader, district.sq1_t1)


def test_anonymous_redirected(client_for, meeting):
    c = client_for(None)
    for url in ["/meetings/", "/meetings/new/", "/meetings/me/", "/meetings/follow-ups/", f"/meetings/{meeting.pk}/"]:
        r = c.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], url
    assert c.post("/meetings/follow-ups/1/done/").status_code == 302


def test_list_scope_and_query_count(client_for, district, leader, meeting, django_assert_max_num_queries):
    for i in range(6):
        schedule(leader, district.sq1_t1, title=f"班前会{i}", kind="pre_shift",
                 start=local(2026, 6, 17 + i, 8), end=local(2026, 6, 17 + i, 8, 20))
    schedule(district.squadron2, district.sq2_t1, title="二中队例会")
    c = client_for(leader)
    with django_assert_max_num_queries(10):
        page = c.get("/meetings/?month=2026-06").content.decode()
    assert "班前会5" in page and "周例会" in page and "二中队例会" not in page
    assert "二中队例会" in client_for(district.bureau_user).get("/meetings/?month=2026-06").content.decode()
    assert "二中队例会" not in client_for(district.squadron1).get("/meetings/").content.decode()
    assert client_for(district.squadron1).get(f"/meetings/?unit={district.sq2.pk}").status_code == 404
    for user in (district.member1, district.hrco, district.nobody, district.assessor):
        assert client_for(user).get("/meetings/").status_code == 404


def test_schedule_page(client_for, district, leader):
    c = client_for(leader)
    assert "安排会议" in c.get("/meetings/new/").content.decode()
    r = c.post("/meetings/new/", {"unit": district.sq1_t1.pk, "kind": "weekly", "title": "六月第三周例会",
                                  "day": "2026-06-16", "start": "08:00", "end": "08:30", "place": "值班室"})
    m = Meeting.objects.get(title="六月第三周例会")
    assert r.status_code == 302 and r["Location"] == f"/meetings/{m.pk}/" and m.host == leader
    r = c.post("/meetings/new/", {"unit": district.sq1_t1.pk, "kind": "weekly", "title": "x", "day": "2026-06-16",
                                  "start": "09:00", "end": "08:30", "place": "值班室"})
    assert r.status_code == 200 and "结束时间" in r.content.decode()
    r = c.post("/meetings/new/", {"unit": district.sq2_t1.pk, "kind": "weekly", "title": "x", "day": "2026-06-16",
                                  "start": "08:00", "end": "08:30", "place": "值班室"})
    assert r.status_code == 200 and Meeting.objects.count() == 1  # not a choice for this leader
    for user in (district.member1, district.hrco, district.nobody):
        assert client_for(user).get("/meetings/new/").status_code == 404


def test_detail_scope(client_for, district, leader, meeting):
    url = f"/meetings/{meeting.pk}/"
    page = client_for(leader).get(url).content.decode()
    assert "签到表" in page and "李一" in page
    assert "签到表" in client_for(district.squadron1).get(url).content.decode()
    page = client_for(district.member1).get(url).content.decode()
    assert "我的签到" in page and "签到表" not in page
    for user in (district.squadron2, district.hrco, district.nobody, district.assessor):
        assert client_for(user).get(url).status_code == 404, user
        assert client_for(user).post(url, {"op": "close"}).status_code == 404
    assert client_for(leader).get("/meetings/99999/").status_code == 404
    # a member may not run the host's actions
    row = meeting.attendees.get(member=district.m1)
    assert client_for(district.member1).post(url, {"op": "mark", "attendee": row.pk}).status_code == 404
    assert client_for(leader).post(url, {"op": "bogus"}).status_code == 404


def test_member_signs_in_and_host_closes_with_points(client_for, district, leader, meeting):
    other = make_member(district.sq1_t1, name="缺席者")
    Attendee.objects.create(meeting=meeting, member=other, added_at=START)
    url = f"/meetings/{meeting.pk}/"
    with time_machine.travel(START - dt.timedelta(minutes=40), tick=False):
        r = client_for(district.member1).post(url, {"op": "signin", "next": "me"}, follow=True)
        assert "开始前30分钟" in r.content.decode()
    with time_machine.travel(START - dt.timedelta(minutes=5), tick=False):
        page = client_for(district.member1).get("/meetings/me/").content.decode()
        assert "签到" in page and "周例会" in page
        r = client_for(district.member1).post(url, {"op": "signin", "next": "me"})
        assert r.status_code == 302 and r["Location"] == "/meetings/me/"
    assert meeting.attendees.get(member=district.m1).signed_in_at is not None
    with time_machine.travel(END + dt.timedelta(minutes=5), tick=False):
        r = client_for(leader).post(url, {"op": "close"}, follow=True)
        assert "无故缺席1人" in r.content.decode()
        page = client_for(leader).get(url).content.decode()
        assert "会后补假" in page
    entry = PointsEntry.objects.get()
    assert entry.member == other and entry.rule_code == "meeting_absence"
    row = meeting.attendees.get(member=other)
    with time_machine.travel(END + dt.timedelta(hours=2), tick=False):
        assert client_for(district.squadron2).post(url, {"op": "excuse_later", "attendee": row.pk,
                                                         "reason": "x"}).status_code == 404
        client_for(district.squadron1).post(url, {"op": "excuse_later", "attendee": row.pk, "reason": "临时执勤任务"})
    entry.refresh_from_db()
    assert entry.status == "rejected"


def test_excuse_flow_on_pages(client_for, district, leader, meeting):
    url = f"/meetings/{meeting.pk}/"
    r = client_for(district.member1).post(url, {"op": "excuse", "reason": "", "next": "me"}, follow=True)
    assert "请假事由：必填" in r.content.decode()
    client_for(district.member1).post(url, {"op": "excuse", "reason": "家中有事"})
    row = meeting.attendees.get(member=district.m1)
    assert row.excuse_state == "pending"
    page = client_for(leader).get("/meetings/?month=2026-06").content.decode()
    assert "1人请假待批" in page
    r = client_for(leader).post(url, {"op": "decide", "attendee": row.pk, "accept": "0", "note": ""}, follow=True)
    assert "主持人意见：必填" in r.content.decode()
    client_for(leader).post(url, {"op": "decide", "attendee": row.pk, "accept": "1"})
    assert meeting.attendees.get(member=district.m1).excuse_state == "accepted"


def test_manage_attendees_minutes_follow_ups_cancel(client_for, district, leader, meeting):
    url = f"/meetings/{meeting.pk}/"
    new = make_member(district.sq1_t1, name="新队员")
    c = client_for(leader)
    r = c.post(url, {"op": "add", "members": [new.pk, district.m2.pk]}, follow=True)
    assert "王二不是您管理范围内的在册人员" in r.content.decode()  # all or nothing
    assert not meeting.attendees.filter(member=new).exists()
    c.post(url, {"op": "add", "members": [new.pk]})
    assert meeting.attendees.filter(member=new).exists()
    row = meeting.attendees.get(member=new)
    c.post(url, {"op": "remove", "attendee": row.pk})
    assert not meeting.attendees.filter(member=new).exists()
    c.post(url, {"op": "edit", "title": "改名例会", "day": "2026-06-16", "start": "08:00", "end": "08:40",
                 "place": "中队会议室", "unit": district.sq1_t1.pk, "kind": "weekly"})
    meeting.refresh_from_db()
    assert meeting.title == "改名例会" and meeting.place == "中队会议室"
    with time_machine.travel(START, tick=False):
        c = client_for(leader)  # a new login: the old session expired overnight
        r = c.post(url, {"op": "minutes", "minutes": "一、传达上级会议精神"}, follow=True)
        assert "会议纪要已保存" in r.content.decode(), r.content.decode()[-3000:]
        c.post(url, {"op": "follow_up", "title": "排查占道点位", "owner": district.m1.pk, "due_date": "2026-06-18"})
    meeting.refresh_from_db()
    assert meeting.minutes == "一、传达上级会议精神"
    fu = FollowUp.objects.get()
    assert "排查占道点位" in client_for(district.member1).get(url).content.decode()
    with time_machine.travel(dt.datetime(2026, 6, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        page = client_for(district.member1).get("/meetings/follow-ups/?state=overdue").content.decode()
        assert "排查占道点位" in page and "已逾期" in page
        assert client_for(district.squadron2).post(
            f"/meetings/follow-ups/{fu.pk}/done/", {"note": "x"}).status_code == 404
        client_for(district.member1).post(f"/meetings/follow-ups/{fu.pk}/done/", {"note": "已排查完毕"})
    fu.refresh_from_db()
    assert fu.done_note == "已排查完毕"
    m2 = schedule(leader, district.sq1_t1, title="待取消")
    client_for(leader).post(f"/meetings/{m2.pk}/", {"op": "cancel", "reason": "暴雨"})
    m2.refresh_from_db()
    assert m2.status == "cancelled"


def test_my_meetings_and_follow_ups_lists(client_for, district, leader, django_assert_max_num_queries):
    for i in range(6):
        m = schedule(leader, district.sq1_t1, title=f"例会{i}", start=local(2026, 6, 16 + i, 8),
                     end=local(2026, 6, 16 + i, 9))
        services.follow_up_add(actor=leader, meeting=m, title=f"事项{i}", owner=district.m1,
                               due_date=dt.date(2026, 6, 30), at=m.starts_at)
    c = client_for(district.member1)
    with django_assert_max_num_queries(10):
        page = c.get("/meetings/me/").content.decode()
    assert "例会5" in page and "事项5" in page
    lc = client_for(leader)
    with django_assert_max_num_queries(12):
        page = lc.get("/meetings/follow-ups/").content.decode()
    assert "事项5" in page
    assert client_for(district.squadron2).get("/meetings/follow-ups/").content.decode().count("事项5") == 0
    for user in (district.hrco, district.nobody):
        assert client_for(user).get("/meetings/follow-ups/").status_code == 404
        assert client_for(user).get("/meetings/me/").status_code == 404


def test_detail_query_count(client_for, district, leader, meeting, django_assert_max_num_queries):
    for i in range(25):
        Attendee.objects.create(meeting=meeting, member=make_member(district.sq1_t1, name=f"队员{i}"),
                                added_at=START)
    services.attendance_sign_in(actor=district.member1, meeting=meeting, at=START)
    c = client_for(leader)
    with django_assert_max_num_queries(22):
        page = c.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "队员24" in page
