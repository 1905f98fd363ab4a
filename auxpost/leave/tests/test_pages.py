"""§5.3.4 pages and API: permitted users, out of scope (404), anonymous, query counts."""

import datetime as dt
import json

import pytest
import time_machine

from auxpost.leave import services as sv
from auxpost.leave.models import LeaveRequest, LeaveStatus
from auxpost.leave.tests.conftest import at
from auxpost.testing import make_member

D = dt.date
pytestmark = pytest.mark.django_db
NOW = at(2026, 6, 3, 10)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def ask(c, start, end, member=None, user=None, **kw):
    return sv.leave_create(member=member or c.m1, by=user or c.member1, type_code=kw.pop("type_code", "personal"),
                           start=start, end=end, reason="家中有事", at=at(2026, 6, 1), **kw)


def test_my_leave_page(leave_cast, client_for, django_assert_max_num_queries):
    c = leave_cast
    for i in range(5):
        ask(c, D(2026, 7, 6) + dt.timedelta(days=7 * i), D(2026, 7, 6) + dt.timedelta(days=7 * i))
    client = client_for(c.member1)
    with django_assert_max_num_queries(12):
        r = client.get("/leave/")
    assert r.status_code == 200 and "年休假" in r.content.decode()
    assert r.content.decode().count('data-id="') == 5
    assert client_for(c.squadron1).get("/leave/").status_code == 404  # no member record
    assert client_for(None).get("/leave/").status_code == 302


def test_new_form_creates_and_shows_errors(leave_cast, client_for):
    c = leave_cast
    client = client_for(c.member1)
    assert client.get("/leave/new/").status_code == 200
    r = client.post("/leave/new/", {"type_code": "personal", "start": "2026-06-05", "end": "2026-06-08",
                                    "start_half": "am", "end_half": "pm", "reason": "探亲", "do": "submit"})
    req = LeaveRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/leave/{req.pk}/"
    assert req.days == 2 and req.status == LeaveStatus.SUBMITTED and req.approver_level == "brigade"
    r = client.post("/leave/new/", {"type_code": "personal", "start": "2026-06-08", "end": "2026-06-08",
                                    "start_half": "am", "end_half": "pm", "reason": "", "do": "submit"})
    body = r.content.decode()
    assert r.status_code == 400 and "重叠" in body and "事由" in body
    r = client.post("/leave/new/", {"type_code": "personal", "start": "2031-03-03", "end": "2031-03-04",
                                    "reason": "x"})
    assert r.status_code == 400 and "2031" in r.content.decode()
    assert LeaveRequest.objects.count() == 1
    assert client_for(c.hrco).get("/leave/new/").status_code == 404
    assert client_for(None).post("/leave/new/", {}).status_code == 302


def test_quote_json(leave_cast, client_for):
    client = client_for(leave_cast.member1)
    r = client.get("/leave/quote/", {"type_code": "personal", "start": "2026-02-14", "end": "2026-02-24"})
    data = r.json()
    assert data["days"] == "2" and data["counting"] == "working" and data["approver"] == "大队长"
    r = client.get("/leave/quote/", {"type_code": "annual", "start": "2026-06-01", "end": "2026-06-30"})
    assert "剩余" in r.json()["errors"]["end"]
    assert client_for(leave_cast.squadron1).get("/leave/quote/").status_code == 404
    assert client_for(None).get("/leave/quote/").status_code == 302


def test_detail_scope_and_decide(leave_cast, client_for):
    c = leave_cast
    req = ask(c, D(2026, 6, 5), D(2026, 6, 8))
    url = f"/leave/{req.pk}/"
    for user, code in ((c.member1, 200), (c.brigade_user, 200), (c.squadron1, 200), (c.bureau_user, 200),
                       (c.squadron2, 404), (c.member2, 404), (c.hrco, 404), (c.nobody, 404)):
        assert client_for(user).get(url).status_code == code, user
    assert client_for(None).get(url).status_code == 302
    assert 'id="approve"' in client_for(c.brigade_user).get(url).content.decode()
    assert 'id="approve"' not in client_for(c.squadron1).get(url).content.decode()
    r = client_for(c.squadron1).post(f"{url}decide/", {"do": "approve"})
    assert r.status_code == 403 and "综合行政执法大队大队长" in r.content.decode()
    assert client_for(c.squadron2).post(f"{url}decide/", {"do": "approve"}).status_code == 404
    r = client_for(c.brigade_user).post(f"{url}decide/", {"do": "approve"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == LeaveStatus.APPROVED and req.decided_by == c.brigade_user


def test_report_back_and_cancel_pages(leave_cast, client_for):
    c = leave_cast
    req = ask(c, D(2026, 6, 1), D(2026, 6, 2))
    sv.leave_decide(request=req, by=c.brigade_user, approve=True, at=at(2026, 5, 31))
    assert client_for(c.brigade_user).post(f"/leave/{req.pk}/report-back/").status_code == 403
    r = client_for(c.member1).post(f"/leave/{req.pk}/report-back/")
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == LeaveStatus.RETURNED and req.returned_on == D(2026, 6, 3)
    later = ask(c, D(2026, 6, 10), D(2026, 6, 10))
    assert client_for(c.member1).post(f"/leave/{later.pk}/cancel/").status_code == 302
    later.refresh_from_db()
    assert later.status == LeaveStatus.CANCELLED
    assert client_for(c.member2).post(f"/leave/{later.pk}/cancel/").status_code == 404


def _many(c, n=6):
    out = []
    for i in range(n):
        m = make_member(c.sq1_t2, name=f"队员{i}")
        out.append(LeaveRequest.objects.create(
            member=m, type_code="personal", type_name="事假", start=D(2026, 6, 2), end=D(2026, 6, 4), reason="x",
            days=3, counting="working", policy_version="1", status=LeaveStatus.SUBMITTED, approver_level="brigade",
            approval_unit=c.brigade, created_at=NOW))
    return out


def test_queue_page(leave_cast, client_for, django_assert_max_num_queries):
    c = leave_cast
    _many(c)
    client = client_for(c.brigade_user)
    with django_assert_max_num_queries(12):
        r = client.get("/leave/queue/")
    assert r.status_code == 200 and r.content.decode().count('data-id="') == 6
    assert client_for(c.squadron1).get("/leave/queue/").content.decode().count('data-id="') == 0
    assert client_for(c.member1).get("/leave/queue/").status_code == 404
    assert client_for(None).get("/leave/queue/").status_code == 302


def test_unit_and_overdue_pages(leave_cast, client_for, django_assert_max_num_queries):
    c = leave_cast
    rows = _many(c)
    for r in rows[:4]:
        r.status = LeaveStatus.APPROVED
        r.save()
    rows[4].status, rows[4].end, rows[4].report_back_due = LeaveStatus.OVERDUE, D(2026, 5, 29), D(2026, 6, 1)
    rows[4].start = D(2026, 5, 28)
    rows[4].save()
    client = client_for(c.squadron1)
    with django_assert_max_num_queries(12):
        r = client.get("/leave/unit/?day=2026-06-03")
    body = r.content.decode()
    assert r.status_code == 200 and 'id="overdue-badge"' in body
    today_table = body.split('id="today"')[1].split("</table>")[0]
    assert today_table.count('data-id="') == 5  # four approved, one overdue; the waiting one is not off
    with django_assert_max_num_queries(12):
        r = client.get("/leave/overdue/")
    assert r.content.decode().count('data-id="') == 1
    assert client_for(c.squadron2).get("/leave/overdue/").content.decode().count('data-id="') == 0
    for url in ("/leave/unit/", "/leave/overdue/"):
        assert client_for(c.member1).get(url).status_code == 404
        assert client_for(c.hrco).get(url).status_code == 404
        assert client_for(None).get(url).status_code == 302


def test_hr_copy_list(leave_cast, client_for, django_assert_max_num_queries):
    c = leave_cast
    long = ask(c, D(2026, 6, 8), D(2026, 6, 12))
    ask(c, D(2026, 6, 15), D(2026, 6, 15))
    client = client_for(c.hrco)
    with django_assert_max_num_queries(10):
        r = client.get("/leave/hr/")
    assert r.content.decode().count('data-id="') == 1
    assert client_for(c.hrco).get(f"/leave/{long.pk}/").status_code == 200
    assert client_for(c.squadron1).get("/leave/hr/").status_code == 404
    assert client_for(None).get("/leave/hr/").status_code == 302


def test_deputy_page(leave_cast, client_for):
    c = leave_cast
    client = client_for(c.brigade_user)
    r = client.get("/leave/deputy/")
    assert r.status_code == 200 and f'value="{c.bureau_user.pk}"' in r.content.decode()
    assert f'value="{c.squadron1.pk}"' not in r.content.decode()
    assert client.post("/leave/deputy/", {"deputy": c.squadron1.pk}).status_code == 400
    assert client.post("/leave/deputy/", {"deputy": c.bureau_user.pk}).status_code == 302
    assert client_for(c.member1).get("/leave/deputy/").status_code == 404
    assert client_for(None).get("/leave/deputy/").status_code == 302


# --- API ---------------------------------------------------------------------------------------------


def test_api_create_list_approve_report_back(leave_cast, client_for):
    c = leave_cast
    member = client_for(c.member1)
    r = member.post("/api/v1/leave/requests/", {"type_code": "personal", "start": "2026-06-01",
                                                 "end": "2026-06-01", "reason": "看病"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["days"] == "1.0" and r.json()["approver_level"] == "squadron"
    r = member.post("/api/v1/leave/requests/", {"type_code": "annual", "start": "2026-06-01", "end": "2026-06-30",
                                                 "reason": "x"}, content_type="application/json")
    assert r.status_code == 400 and "end" in r.json()
    assert member.get("/api/v1/leave/requests/").json()["count"] == 1
    assert client_for(c.member2).get("/api/v1/leave/requests/").json()["count"] == 0
    assert client_for(c.member2).get(f"/api/v1/leave/requests/{pk}/").status_code == 404
    r = client_for(c.brigade_user).post(f"/api/v1/leave/requests/{pk}/approve/", {}, content_type="application/json")
    assert r.status_code == 403 and "第一中队中队长" in r.json()["detail"]
    assert client_for(c.squadron1).get("/api/v1/leave/queue/").json()["count"] == 1
    r = client_for(c.squadron1).post(f"/api/v1/leave/requests/{pk}/approve/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = client_for(c.squadron1).post(f"/api/v1/leave/requests/{pk}/approve/", {}, content_type="application/json")
    assert r.status_code == 409
    r = member.post(f"/api/v1/leave/requests/{pk}/report-back/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "returned"
    assert client_for(None).get("/api/v1/leave/requests/").status_code in (401, 403)


def test_api_reject_cancel_quote_on_leave(leave_cast, client_for):
    c = leave_cast
    req = ask(c, D(2026, 6, 10), D(2026, 6, 10))
    sq = client_for(c.squadron1)
    r = sq.post(f"/api/v1/leave/requests/{req.pk}/reject/", {}, content_type="application/json")
    assert r.status_code == 400 and "note" in r.json()
    assert sq.post(f"/api/v1/leave/requests/{req.pk}/reject/", {"note": "任务重"},
                   content_type="application/json").json()["status"] == "rejected"
    other = ask(c, D(2026, 6, 11), D(2026, 6, 11))
    assert client_for(c.member1).post(f"/api/v1/leave/requests/{other.pk}/cancel/", {},
                                      content_type="application/json").json()["status"] == "cancelled"
    q = client_for(c.member1).get("/api/v1/leave/quote/", {"type_code": "personal", "start": "2025-09-28",
                                                            "end": "2025-10-10"}).json()
    assert q["days"] == "5"
    assert client_for(c.squadron1).get("/api/v1/leave/quote/").status_code == 403
    now = ask(c, D(2026, 6, 3), D(2026, 6, 3))
    sv.leave_decide(request=now, by=c.squadron1, approve=True, at=at(2026, 6, 2))
    assert sq.get("/api/v1/leave/on-leave/?date=2026-06-03").json() == [
        {"member": c.m1.pk, "name": "李一", "unit": "第一小队"}]
    assert client_for(c.squadron2).get("/api/v1/leave/on-leave/?date=2026-06-03").json() == []
    assert client_for(c.member1).get("/api/v1/leave/on-leave/").status_code == 403
    assert sq.get("/api/v1/leave/on-leave/?date=x").status_code == 400


def test_inbox(leave_cast):
    from auxpost.leave.inbox import todo

    c = leave_cast
    req = ask(c, D(2026, 6, 1), D(2026, 6, 1))
    items = {i.key: i.count for i in todo(c.squadron1, today=D(2026, 6, 1))}
    assert items == {"leave.queue": 1, "leave.overdue": 0}
    sv.leave_decide(request=req, by=c.squadron1, approve=True, at=at(2026, 5, 31))
    assert {i.key: i.count for i in todo(c.member1, today=D(2026, 6, 1))} == {"leave.report_back": 1}
    assert todo(c.hrco) == [] and todo(c.nobody) == []


def test_command_is_idempotent(leave_cast):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    c = leave_cast
    req = ask(c, D(2026, 5, 27), D(2026, 5, 28))
    sv.leave_decide(request=req, by=c.brigade_user, approve=True, at=at(2026, 5, 26))
    out = StringIO()
    call_command("leave-overdue", "--date", "2026-06-03", stdout=out)
    assert "1" in out.getvalue()
    from auxpost.points.models import PointsEntry

    assert PointsEntry.objects.count() == 3  # 29 May, 1 and 2 June
    call_command("leave-overdue", "--date", "2026-06-03", stdout=StringIO())
    assert PointsEntry.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("leave-overdue", "--date", "bad")


def test_demo_loads(db):
    from auxpost.core.demo import load_demo
    from auxpost.leave.demo import load

    result = load_demo(today=D(2026, 6, 3), n_members=200)  # the district loads the leave demo
    assert result.created["leave_overdue"] == 1 and result.created["absence_entries"] >= 1
    assert LeaveRequest.objects.filter(status=LeaveStatus.OVERDUE).count() == 1
    assert LeaveRequest.objects.filter(status=LeaveStatus.SUBMITTED, approver_level="squadron").exists()
    again = load(today=D(2026, 6, 3))
    assert json.dumps(dict(again)) and sum(again.values()) == 0  # once only


def test_schema_lists_the_leave_api_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/leave/requests/", "/api/v1/leave/requests/{id}/", "/api/v1/leave/requests/{id}/approve/",
                 "/api/v1/leave/requests/{id}/reject/", "/api/v1/leave/requests/{id}/cancel/",
                 "/api/v1/leave/requests/{id}/report-back/", "/api/v1/leave/queue/", "/api/v1/leave/quote/",
                 "/api/v1/leave/on-leave/"):
        assert path in schema["paths"], path
    warnings = [w for w in str(GENERATOR_STATS).splitlines() if "leave" in w.lower()]
    assert not warnings, warnings
