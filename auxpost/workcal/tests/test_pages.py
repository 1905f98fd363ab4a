"""§11 calendar pages and API: who may see and enter, the year view, entering 2027 through the page,
Chinese errors naming the line, package years read-only, query counts."""

import datetime as dt

import pytest

from auxpost.audit.models import AuditEntry
from auxpost.workcal.models import CalendarYear, YearSource

pytestmark = pytest.mark.django_db

PAGES = ["/calendar/", "/calendar/2026/", "/calendar/new/"]
API = ["/api/v1/calendar/years/", "/api/v1/calendar/years/2026/",
       "/api/v1/calendar/add-working-days?start=2026-09-29&n=5",
       "/api/v1/calendar/working-days?start=2026-09-29&end=2026-10-31",
       "/api/v1/calendar/is-working-day?date=2026-10-01"]


def _notice(**extra):
    data = {"year": "2027", "notice_ref": "国办发明电〔2026〕9号", "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
            "h1_name": "元旦", "h1_first": "2027-01-01", "h1_last": "2027-01-03",
            "h2_name": "国庆节", "h2_first": "2027-10-01", "h2_last": "2027-10-07",
            "m1_day": "2027-09-26", "m1_name": "国庆节", "m2_day": "2027-10-09", "m2_name": "国庆节"}
    data.update(extra)
    return data


@pytest.mark.parametrize("url", PAGES)
def test_pages_access(district, client_for, url):
    assert client_for(district.admin).get(url).status_code == 200
    for reader in (district.bureau_user, district.bianban):
        assert client_for(reader).get(url).status_code == (403 if url.endswith("new/") else 200)
    for outsider in (district.member1, district.squadron1, district.nobody, district.assessor):
        assert client_for(outsider).get(url).status_code == 404
    resp = client_for(None).get(url)
    assert resp.status_code == 302 and "/login" in resp["Location"]


def test_edit_page_access(district, client_for):
    url = "/calendar/2026/edit/"
    assert client_for(district.admin).get(url).status_code == 403  # a package year
    assert client_for(district.bureau_user).get(url).status_code == 403
    assert client_for(district.member1).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert client_for(district.admin).get("/calendar/2027/").status_code == 404


@pytest.mark.parametrize("url", API)
def test_api_access(district, client_for, url):
    for user in (district.admin, district.bureau_user, district.bianban, district.squadron1, district.hrco):
        assert client_for(user).get(url).status_code == 200, user
    for outsider in (district.member1, district.nobody, district.assessor):
        assert client_for(outsider).get(url).status_code == 403
    assert client_for(None).get(url).status_code in (401, 403)


def test_api_is_read_only(district, client_for):
    c = client_for(district.admin)
    assert c.post("/api/v1/calendar/years/", {"year": 2027}).status_code == 405
    assert c.delete("/api/v1/calendar/years/2026/").status_code == 405


def test_year_list_and_view(district, client_for, django_assert_max_num_queries):
    c = client_for(district.bureau_user)
    with django_assert_max_num_queries(8):
        resp = c.get("/calendar/")
    body = resp.content.decode()
    assert "2026" in body and "2004" in body and "日历数据包" in body
    assert "录入2027年" not in body  # readers do not get the entry button
    with django_assert_max_num_queries(8):
        body = c.get("/calendar/2026/").content.decode()
    assert "国庆节" in body and "春节" in body and "调休上班" in body
    assert "2026-10-01" in body and "本年度安排来自日历数据包，不能修改" in body
    admin_body = client_for(district.admin).get("/calendar/").content.decode()
    assert "录入2027年节假日安排" in admin_body


def test_admin_enters_2027_then_computations_work(district, client_for):
    api = client_for(district.squadron1)
    resp = api.get("/api/v1/calendar/add-working-days?start=2026-12-28&n=10")
    assert resp.status_code == 400
    assert resp.json()["year"] == 2027
    assert "2027年的法定节假日安排尚未录入" in resp.json()["detail"]

    c = client_for(district.admin)
    form = c.get("/calendar/new/").content.decode()
    assert 'value="2027"' in form
    resp = c.post("/calendar/new/", _notice())
    assert resp.status_code == 302 and resp["Location"] == "/calendar/2027/"
    cy = CalendarYear.objects.get(year=2027)
    assert cy.source == YearSource.MANUAL and cy.entered_by == district.admin
    assert cy.days.count() == 3 + 7 + 2

    resp = api.get("/api/v1/calendar/add-working-days?start=2026-12-28&n=10")
    assert resp.status_code == 200 and resp.json()["end"] == "2027-01-11"
    assert api.get("/api/v1/calendar/is-working-day?date=2027-10-09").json()["working_day"] is True
    body = c.get("/calendar/2027/").content.decode()
    assert "更正本年度安排" in body and "国办发明电〔2026〕9号" in body
    assert AuditEntry.objects.filter(object_type="workcal.calendaryear", action="create").count() == 1


def test_entry_errors_name_the_line(district, client_for):
    c = client_for(district.admin)
    resp = c.post("/calendar/new/", _notice(m2_day="2027-10-04", h3_name="春节", h3_first="2027-02-10",
                                            h3_last="2027-02-05", h4_name="中秋节", h4_first="2027-10-07",
                                            h4_last="2027-10-08", m3_day="2027-03-03", m4_name="春节"))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "放假安排第3行：放假末日早于放假首日。" in body
    assert "放假安排第4行：与放假安排第2行的日期重叠。" in body
    assert "调休上班第3行：请填写日期及所属节日。" in body
    assert "调休上班第4行：请填写日期及所属节日。" in body
    assert not CalendarYear.objects.filter(year=2027).exists()
    resp = c.post("/calendar/new/", _notice(m2_day="2027-10-04"))
    body = resp.content.decode()
    assert "调休上班第2行：调休上班日必须是星期六或星期日。" in body
    assert "调休上班第2行：该日期在放假安排第2行的放假期间内。" in body
    body = c.post("/calendar/new/", _notice(h1_first="2026-12-31")).content.decode()
    assert "放假安排第1行：日期不在所录入的年度内。" in body
    body = c.post("/calendar/new/", _notice(h1_name="", h1_first="", h1_last="", h2_name="", h2_first="",
                                            h2_last="", m1_day="", m1_name="", m2_day="", m2_name="")).content.decode()
    assert "通知：请至少填写一段放假安排。" in body
    body = c.post("/calendar/new/", _notice(year="2026", h1_first="2026-01-01", h1_last="2026-01-01", h2_name="",
                                            h2_first="", h2_last="", m1_day="", m1_name="", m2_day="",
                                            m2_name="")).content.decode()
    assert "2026年的安排已录入" in body
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_correct_manual_year_through_the_page(district, client_for):
    c = client_for(district.admin)
    c.post("/calendar/new/", _notice())
    form = c.get("/calendar/2027/edit/").content.decode()
    assert 'value="2027-10-07"' in form
    resp = c.post("/calendar/2027/edit/", _notice(h2_last="2027-10-06"))
    assert resp.status_code == 200 and "更正原因" in resp.content.decode()
    resp = c.post("/calendar/2027/edit/", _notice(h2_last="2027-10-06", year="2030", reason="通知勘误"))
    assert resp.status_code == 302
    cy = CalendarYear.objects.get(year=2027)
    assert cy.revision == 1 and not cy.days.filter(date=dt.date(2027, 10, 7)).exists()
    entry = AuditEntry.objects.filter(object_type="workcal.calendaryear", action="update").get()
    assert "通知勘误" in entry.summary
    assert client_for(district.bureau_user).post("/calendar/2027/edit/", _notice(reason="x")).status_code == 403
    assert client_for(district.admin).post("/calendar/2026/edit/", _notice(reason="x")).status_code == 403


def test_api_years_with_days(district, client_for, django_assert_max_num_queries):
    c = client_for(district.bureau_user)
    with django_assert_max_num_queries(9):  # session, user, roles, count, years, days, session save
        data = c.get("/api/v1/calendar/years/").json()
    assert data["count"] == 23
    first = data["results"][0]
    assert first["year"] == 2026 and first["source"] == "package"
    assert {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"} in first["days"]
    assert c.get("/api/v1/calendar/years/2027/").status_code == 404


def test_api_bad_parameters(district, client_for):
    c = client_for(district.admin)
    resp = c.get("/api/v1/calendar/add-working-days?start=2026-13-01&n=5")
    assert resp.status_code == 400 and "YYYY-MM-DD" in resp.json()["start"][0]
    resp = c.get("/api/v1/calendar/add-working-days?start=2026-09-29&n=0")
    assert resp.status_code == 400 and "n" in resp.json()
    resp = c.get("/api/v1/calendar/working-days?start=2026-12-01&end=2027-01-31")
    assert resp.status_code == 400 and resp.json()["code"] == "calendar_year_missing"


def test_pages_render_in_english(district, client_for, settings):
    c = client_for(district.admin)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Working-day calendar 2026" in c.get("/calendar/2026/").content.decode()
    assert "Enter the State Council notice of a year" in c.get("/calendar/new/").content.decode()
    assert "Enter the notice for 2027" in c.get("/calendar/").content.decode()
    resp = c.get("/api/v1/calendar/add-working-days?start=2027-01-04&n=1")
    assert resp.status_code == 400 and "2027 has not been entered yet" in resp.json()["detail"]
