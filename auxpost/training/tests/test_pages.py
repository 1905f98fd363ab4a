"""§5.2.2/§5.2.3 pages: permitted, out of scope (404) and anonymous for each; query counts on lists."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from auxpost.audit.models import AuditEntry
from auxpost.people.models import Member
from auxpost.testing import make_member
from auxpost.training.models import Certificate, TrainingRecord
from auxpost.training.tests.conftest import attend, make_course, make_session, pass_induction

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 6, 15, 10, 0)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setup(district):
    b = district.bureau_user
    annual = make_course(b, name="年度业务培训", category="annual", hours=8, has_exam=True)
    s = make_session(b, annual, [district.brigade], start=dt.date(2026, 4, 1))
    attend(b, s, district.m1, score=80)
    return annual, s


def test_anonymous_redirected_everywhere(client_for, setup):
    annual, s = setup
    c = client_for(None)
    for url in ["/training/", f"/training/courses/{annual.pk}/", "/training/sessions/", f"/training/sessions/{s.pk}/",
                "/training/me/", "/training/members/1/", "/training/shortfall/", "/training/shortfall/download/",
                "/training/certificates/"]:
        r = c.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], url


def test_courses_and_sessions_for_staff_not_for_members(client_for, district, setup):
    annual, s = setup
    for user in (district.bureau_user, district.squadron1, district.hrco, district.bianban):
        c = client_for(user)
        assert c.get("/training/").status_code == 200
        assert "年度业务培训" in c.get(f"/training/courses/{annual.pk}/").content.decode()
        assert c.get("/training/sessions/?year=2026").status_code == 200
    for user in (district.member1, district.assessor, district.nobody):
        c = client_for(user)
        assert c.get("/training/").status_code == 404
        assert c.get(f"/training/sessions/{s.pk}/").status_code == 404
        assert c.get("/training/shortfall/").status_code == 404
        assert c.get("/training/certificates/").status_code == 404
    assert client_for(district.bureau_user).get("/training/courses/99999/").status_code == 404


def test_bureau_adds_course_and_session_line_manager_cannot(client_for, district):
    c = client_for(district.bureau_user)
    r = c.post("/training/", {"name": "岗前培训班", "category": "induction", "hours": "40", "has_exam": "on"})
    assert r.status_code == 302
    from auxpost.training.models import Course, Session
    course = Course.objects.get(name="岗前培训班")
    r = c.post(f"/training/courses/{course.pk}/", {"op": "session", "start_date": "2026-03-01",
                                                   "end_date": "2026-03-05", "place": "培训中心",
                                                   "units": [district.sq1.pk]})
    assert r.status_code == 302 and Session.objects.get().hours == 40
    r = c.post(f"/training/courses/{course.pk}/", {"op": "session", "start_date": "2026-03-05",
                                                   "end_date": "2026-03-01", "units": []})
    assert r.status_code == 200 and "结业日期" in r.content.decode()
    sq = client_for(district.squadron1)
    assert sq.post("/training/", {"name": "x", "category": "annual", "hours": "8"}).status_code == 404
    assert sq.post(f"/training/courses/{course.pk}/", {"op": "edit", "name": "y", "hours": "8"}).status_code == 404


def test_session_attendance_form_scoped_to_line_manager(client_for, district, setup):
    annual, s = setup
    c1 = client_for(district.squadron1)
    page = c1.get(f"/training/sessions/{s.pk}/").content.decode()
    assert "李一" in page and "王二" not in page
    r = c1.post(f"/training/sessions/{s.pk}/", {f"att-{district.m1.pk}": "attended", f"score-{district.m1.pk}": "90",
                                                f"att-{district.m2.pk}": "attended"})
    assert r.status_code == 302
    assert TrainingRecord.objects.filter(member=district.m2).count() == 0
    assert TrainingRecord.objects.filter(member=district.m1).count() == 3  # original, reversal, corrected
    r = c1.post(f"/training/sessions/{s.pk}/", {f"att-{district.m1.pk}": "absent", f"score-{district.m1.pk}": "abc"})
    assert r.status_code == 200 and TrainingRecord.objects.filter(member=district.m1).count() == 3
    assert client_for(district.hrco).post(f"/training/sessions/{s.pk}/", {}).status_code == 404


def test_member_page_scope(client_for, district, setup):
    m1, m2 = district.m1, district.m2
    assert "年度业务培训" in client_for(district.squadron1).get(f"/training/members/{m1.pk}/").content.decode()
    assert client_for(district.squadron1).get(f"/training/members/{m2.pk}/").status_code == 404
    assert client_for(district.member1).get(f"/training/members/{m2.pk}/").status_code == 404
    assert client_for(district.assessor).get(f"/training/members/{m1.pk}/").status_code == 404
    page = client_for(district.member1).get("/training/me/").content.decode()
    assert "我的培训与上岗证" in page and "8.0 / 40" in page
    assert client_for(district.bureau_user).get("/training/me/").status_code == 404


def test_bureau_issues_from_member_page_with_refusal_message(client_for, district):
    c = client_for(district.bureau_user)
    r = c.post(f"/training/members/{district.m1.pk}/certificate/issue/", {"on": "2026-06-15"}, follow=True)
    assert "岗前培训学时不足" in r.content.decode()
    pass_induction(district, district.m1)
    c.post(f"/training/members/{district.m1.pk}/certificate/issue/", {"on": "2026-06-15"})
    assert Member.objects.get(pk=district.m1.pk).cert_number == "WJ-2026-000001"
    assert client_for(district.squadron1).post(
        f"/training/members/{district.m1.pk}/certificate/issue/", {}).status_code == 404
    assert c.post(f"/training/members/{district.m1.pk}/certificate/bogus/", {}).status_code == 404
    assert Certificate.objects.count() == 1


def test_shortfall_page_and_export_scoped_and_logged(client_for, district, setup, django_assert_max_num_queries):
    for i in range(5):
        make_member(district.sq1_t2, name=f"队员{i}")
    c = client_for(district.squadron1)
    with django_assert_max_num_queries(12):
        page = c.get("/training/shortfall/?year=2026").content.decode()
    assert "李一" in page and "队员4" in page and "王二" not in page
    page = client_for(district.bureau_user).get(f"/training/shortfall/?year=2026&unit={district.sq2.pk}").content
    assert "王二" in page.decode() and "李一" not in page.decode()
    r = c.get("/training/shortfall/download/?year=2026")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("身份证号", "姓名", "所属单位") and len(rows) == 7
    assert "*" in rows[1][0]  # a line manager sees masked ID numbers
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.after["rows"] == 6 and entry.actor_id == district.squadron1.pk


def test_certificates_list_filters_and_query_count(client_for, district, django_assert_max_num_queries):
    today = dt.date(2026, 6, 15)
    for i in range(6):
        make_member(district.sq1_t1, name=f"快到期{i}", cert_number=f"N{i}",
                    cert_valid_until=today + dt.timedelta(days=10))
    make_member(district.sq1_t1, name="过期者", cert_number="OLD", cert_valid_until=today - dt.timedelta(days=1))
    c = client_for(district.squadron1)
    with django_assert_max_num_queries(12):
        page = c.get("/training/certificates/?state=expiring").content.decode()
    assert "快到期5" in page and "过期者" not in page
    page = c.get("/training/certificates/?state=expired").content.decode()
    assert "过期者" in page and "快到期0" not in page
    page = c.get("/training/certificates/?state=missing").content.decode()
    assert "李一" in page and "王二" not in page


def test_course_and_session_lists_query_counts(client_for, district, setup, django_assert_max_num_queries):
    b = district.bureau_user
    for i in range(6):
        c = make_course(b, name=f"专题{i}", category="topical", hours=4, has_exam=False)
        make_session(b, c, [district.sq1], start=dt.date(2026, 5, 1 + i))
    c = client_for(district.squadron1)
    with django_assert_max_num_queries(10):
        assert "专题5" in c.get("/training/").content.decode()
    with django_assert_max_num_queries(10):
        assert "专题5" in c.get("/training/sessions/?year=2026").content.decode()


def test_reverse_a_record_and_revoke_a_certificate(client_for, district, setup):
    rec = TrainingRecord.objects.get(member=district.m1)
    assert client_for(district.squadron2).post(f"/training/records/{rec.pk}/reverse/",
                                               {"reason": "x"}).status_code == 404
    assert client_for(district.member1).post(f"/training/records/{rec.pk}/reverse/",
                                             {"reason": "x"}).status_code == 404
    c = client_for(district.squadron1)
    page = c.get(f"/training/members/{district.m1.pk}/").content.decode()
    assert f"/training/records/{rec.pk}/reverse/" in page
    r = c.post(f"/training/records/{rec.pk}/reverse/", {"reason": ""}, follow=True)
    assert "原因：必填" in r.content.decode()
    c.post(f"/training/records/{rec.pk}/reverse/", {"reason": "录入错误"})
    assert TrainingRecord.objects.filter(reverses=rec).exists()
    assert f"/training/records/{rec.pk}/reverse/" not in c.get(f"/training/members/{district.m1.pk}/").content.decode()

    Member.objects.filter(pk=district.m1.pk).update(cert_number="WJ-R-1", cert_valid_until=dt.date(2027, 1, 1))
    assert c.post(f"/training/members/{district.m1.pk}/certificate/revoke/", {"reason": "违纪"}).status_code == 404
    b = client_for(district.bureau_user)
    b.post(f"/training/members/{district.m1.pk}/certificate/revoke/", {"reason": "违纪", "on": "2026-06-15"})
    cert = Certificate.objects.get(number="WJ-R-1")
    assert cert.status == "revoked" and cert.close_reason == "违纪"
    assert Member.objects.get(pk=district.m1.pk).cert_number == ""


def test_session_page_query_count(client_for, district, setup, django_assert_max_num_queries):
    annual, s = setup
    for i in range(8):
        make_member(district.sq1_t2, name=f"学员{i}")
    c = client_for(district.bureau_user)
    with django_assert_max_num_queries(14):
        page = c.get(f"/training/sessions/{s.pk}/").content.decode()
    assert "学员7" in page and "王二" in page
