"""§5.3.5 pages: permitted, out of scope (404) and anonymous for each; query counts on the lists."""

import datetime as dt

import pytest
import time_machine

from auxpost.points.models import PointsEntry
from auxpost.testing import make_member
from auxpost.uniform.models import Inspection
from auxpost.uniform.services import Entry, inspection_record
from auxpost.uniform.tests.conftest import AT, DAY, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def inspection(district, leader):
    return inspection_record(actor=leader, date=DAY, at=AT, entries=[Entry(district.m1, failed=["grooming"],
                                                                           notes={"grooming": "胡须未剃"})])[0]


def test_anonymous_redirected(client_for, inspection):
    c = client_for(None)
    for url in ["/uniform/", "/uniform/new/", "/uniform/me/", f"/uniform/{inspection.pk}/"]:
        r = c.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], url


def test_list_scope_stats_and_query_count(client_for, district, leader, inspection, django_assert_max_num_queries):
    members = [make_member(district.sq1_t1, name=f"队员{i}") for i in range(8)]
    inspection_record(actor=leader, date=DAY, at=AT, entries=[Entry(m) for m in members])
    inspection_record(actor=district.squadron2, date=DAY, at=AT, entries=[Entry(district.m2, failed=["complete"])])
    c = client_for(leader)
    with django_assert_max_num_queries(12):
        page = c.get("/uniform/?month=2026-06").content.decode()
    assert "队员7" in page and "王二" not in page and "89%" in page  # 8 of 9 passed
    page = client_for(district.bureau_user).get("/uniform/?month=2026-06&failed=1").content.decode()
    assert "王二" in page and "李一" in page and "队员7" not in page
    assert client_for(district.squadron2).get(f"/uniform/?unit={district.sq1.pk}").status_code == 404
    for user in (district.member1, district.hrco, district.nobody, district.assessor):
        assert client_for(user).get("/uniform/").status_code == 404


def test_grid_records_a_team(client_for, district, leader):
    a = make_member(district.sq1_t1, name="甲")
    c = client_for(leader)
    page = c.get("/uniform/new/").content.decode()
    assert f"?unit={district.sq1_t1.pk}" in page
    page = c.get(f"/uniform/new/?unit={district.sq1_t1.pk}").content.decode()
    assert "李一" in page and "甲" in page and "仪容仪表端正" in page
    r = c.post(f"/uniform/new/?unit={district.sq1_t1.pk}", {
        "date": "2026-06-15", f"fail-{a.pk}-insignia": "1", f"note-{a.pk}-insignia": "未佩戴编号",
        f"note-{district.m1.pk}-complete": "ignored: passed", f"photos-{a.pk}": jpeg()})
    assert r.status_code == 302
    ins = Inspection.objects.get(member=a)
    assert ins.failed == ["insignia"] and ins.notes == {"insignia": "未佩戴编号"} and ins.photos.count() == 1
    assert Inspection.objects.get(member=district.m1).failed_count == 0
    assert PointsEntry.objects.get().member == a
    r = c.post(f"/uniform/new/?unit={district.sq1_t1.pk}", {"date": "2026-06-16"}, follow=True)
    assert "不能晚于今天" in r.content.decode() and Inspection.objects.count() == 2
    from django.core.files.uploadedfile import SimpleUploadedFile
    bad = SimpleUploadedFile("说明.txt", b"not a photo", content_type="image/jpeg")
    r = c.post(f"/uniform/new/?member={a.pk}", {"date": "2026-06-15", f"photos-{a.pk}": bad}, follow=True)
    assert "说明.txt" in r.content.decode() and Inspection.objects.count() == 2
    assert c.get(f"/uniform/new/?unit={district.sq2_t1.pk}").status_code == 404
    assert c.get(f"/uniform/new/?member={district.m2.pk}").status_code == 404
    for user in (district.member1, district.hrco, district.nobody):
        assert client_for(user).get("/uniform/new/").status_code == 404


def test_detail_scope_and_correction(client_for, district, leader, inspection):
    url = f"/uniform/{inspection.pk}/"
    page = client_for(district.member1).get(url).content.decode()
    assert "胡须未剃" in page and "着装检查不合格1项" in page
    assert "更正检查结果" not in page
    assert "更正检查结果" in client_for(leader).get(url).content.decode()
    assert "更正检查结果" not in client_for(district.squadron1).get(url).content.decode()
    for user in (district.squadron2, district.hrco, district.nobody):
        assert client_for(user).get(url).status_code == 404
    assert client_for(district.squadron1).post(url, {"reason": "x"}).status_code == 404
    r = client_for(leader).post(url, {"reason": ""}, follow=True)
    assert "更正原因：必填" in r.content.decode()
    client_for(leader).post(url, {"reason": "复核后合格"})
    inspection.refresh_from_db()
    assert inspection.failed_count == 0 and inspection.revision == 1
    assert PointsEntry.objects.get().status == "rejected"


def test_my_inspections(client_for, district, leader, inspection, django_assert_max_num_queries):
    for _ in range(5):
        inspection_record(actor=leader, date=DAY, at=AT, entries=[Entry(district.m1, failed=["complete"])])
    c = client_for(district.member1)
    with django_assert_max_num_queries(10):
        page = c.get("/uniform/me/").content.decode()
    assert "胡须未剃" in page and "制服整洁完整" in page and "着装检查不合格1项" in page
    for user in (district.squadron1, district.nobody):
        assert client_for(user).get("/uniform/me/").status_code == 404
