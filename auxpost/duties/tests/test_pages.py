"""§4.2 pages and API of the ledger: who reads, who edits (audited), query counts, export."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from auxpost.audit.models import AuditEntry
from auxpost.duties.models import Duty, WorkItem, WorkLine
from auxpost.duties.selectors import catalogue, patrol_categories
from auxpost.duties.services import duty_create, work_item_update

pytestmark = [pytest.mark.django_db]


def test_catalogue_page_readers(district, client_for, sample, django_assert_max_num_queries):
    for user in (district.bureau_user, district.squadron1, district.bianban, district.admin, district.member1):
        c = client_for(user)
        with django_assert_max_num_queries(14):
            r = c.get("/duties/")
        assert r.status_code == 200, user.username
        html = r.content.decode()
        assert "岗位分析台账" in html or "Post-analysis ledger" in html
        assert "占道经营" in html and "施工围挡检查" in html
    assert client_for(district.nobody).get("/duties/").status_code == 404
    r = client_for(None).get("/duties/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_catalogue_page_query_count_is_flat(district, client_for, sample, django_assert_max_num_queries):
    """Three queries for the tree however many duties and items (checked with the 107-item sample)."""
    c = client_for(district.bureau_user)
    c.get("/duties/")
    with django_assert_max_num_queries(14):
        c.get("/duties/?q=巡查")
    with django_assert_max_num_queries(14):
        c.get("/duties/?tab=indicators")


def test_search_and_filters(district, client_for, sample):
    c = client_for(district.squadron1)
    html = c.get("/duties/?q=渣土").content.decode()
    assert "渣土运输" in html and "流动摊贩劝离" not in html
    line = WorkLine.objects.get(name="市容市貌")
    html = c.get(f"/duties/?line={line.pk}").content.decode()
    assert "占道经营" in html and "施工围挡检查" not in html
    html = c.get("/duties/?patrol=1").content.decode()
    assert "占道经营" in html and "应急处置" not in html
    html = c.get("/duties/?q=不存在的内容xyz").content.decode()
    assert "没有符合" in html or "Nothing matches" in html


def test_indicators_tab(district, client_for, sample):
    html = client_for(district.member1).get("/duties/?tab=indicators").content.decode()
    assert html.count("<tr>") >= 24 and "出勤率" in html and "履职情况" in html


def test_edit_links_only_for_editors(district, client_for, sample):
    assert "/duties/new/" in client_for(district.bureau_user).get("/duties/").content.decode()
    assert "/duties/new/" not in client_for(district.squadron1).get("/duties/").content.decode()
    assert "kind=duties" in client_for(district.bureau_user).get("/duties/").content.decode()
    assert "kind=duties" not in client_for(district.member1).get("/duties/").content.decode()


def test_export_page_and_api(district, client_for, sample):
    for url in ("/duties/export.xlsx", "/api/v1/duties/export/"):
        r = client_for(district.squadron1).get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        wb = load_workbook(BytesIO(r.content))
        ws = wb.worksheets[0]
        assert [c.value for c in ws[1]][:8] == ["条线", "职责代码", "职责", "事项代码", "工作事项", "标准要求", "频次",
                                                 "巡查类别"]
        assert ws.max_row == 1 + WorkItem.objects.count()
        assert client_for(district.nobody).get(url).status_code in (403, 404)
    assert client_for(None).get("/duties/export.xlsx").status_code == 302
    assert client_for(None).get("/api/v1/duties/export/").status_code in (401, 403)


def test_export_reimports_unchanged(district, client_for, sample):
    from auxpost.duties.imports import DutiesImportSpec
    from auxpost.imports.framework import ImportContext, run_import

    data = client_for(district.bureau_user).get("/duties/export.xlsx").content
    report = run_import(DutiesImportSpec(), BytesIO(data), ImportContext())
    assert report.written and report.counts["unchanged"] == Duty.objects.count() + WorkItem.objects.count()


def test_duty_form_create_and_edit(district, client_for, sample):
    line = WorkLine.objects.get(name="扬尘")
    c = client_for(district.bureau_user)
    assert c.get("/duties/new/").status_code == 200
    r = c.post("/duties/new/", {"work_line": line.pk, "code": "YC09", "name": "餐饮油烟", "description": "",
                                "patrol_category": "on", "sort_order": 9})
    assert r.status_code == 302
    duty = Duty.objects.get(code="YC09")
    assert duty.patrol_category and AuditEntry.objects.filter(object_type="duties.duty", object_id=str(duty.pk),
                                                              action="create").exists()
    r = c.post("/duties/new/", {"work_line": line.pk, "code": "YC09", "name": "工地扬尘", "sort_order": 1})
    assert r.status_code == 200
    html = r.content.decode()
    assert "YC09" in html and "工地扬尘" in html  # both refusals named
    r = c.post(f"/duties/{duty.pk}/edit/", {"work_line": line.pk, "code": "YC09", "name": "餐饮油烟扰民",
                                            "sort_order": 9})
    assert r.status_code == 302
    duty.refresh_from_db()
    assert duty.name == "餐饮油烟扰民" and not duty.patrol_category
    entry = AuditEntry.objects.get(object_type="duties.duty", object_id=str(duty.pk), action="update")
    assert entry.before["name"] == "餐饮油烟" and entry.after["name"] == "餐饮油烟扰民"


def test_item_form_create_and_edit(district, client_for, sample):
    duty = Duty.objects.get(code="SR01")
    c = client_for(district.admin)
    assert c.get(f"/duties/items/new/?duty={duty.pk}").status_code == 200
    r = c.post("/duties/items/new/", {"duty": duty.pk, "code": "SR01-99", "name": "节假日专项巡查",
                                      "standard": "节假日加密巡查", "frequency": "节假日", "sort_order": 99})
    assert r.status_code == 302
    item = WorkItem.objects.get(code="SR01-99")
    r = c.post(f"/duties/items/{item.pk}/edit/", {"duty": duty.pk, "code": "SR01-01", "name": "x"})
    assert r.status_code == 200 and "SR01-01" in r.content.decode()
    assert AuditEntry.objects.filter(object_type="duties.workitem", object_id=str(item.pk)).count() == 1


def test_forms_refused_to_others(district, client_for, sample):
    duty = Duty.objects.first()
    item = WorkItem.objects.first()
    for user in (district.squadron1, district.member1, district.nobody):
        c = client_for(user)
        for url in ("/duties/new/", f"/duties/{duty.pk}/edit/", "/duties/items/new/", f"/duties/items/{item.pk}/edit/"):
            assert c.get(url).status_code == 404
            assert c.post(url, {"code": "X"}).status_code == 404
    assert client_for(district.bureau_user).get("/duties/999999/edit/").status_code == 404
    assert client_for(None).get("/duties/new/").status_code == 302


def test_services_refuse_non_editors(district, sample):
    line = WorkLine.objects.first()
    with pytest.raises(PermissionError):
        duty_create(actor=district.squadron1, work_line=line, code="Z1", name="z")
    with pytest.raises(PermissionError):
        work_item_update(actor=district.member1, item=WorkItem.objects.first(), duty=Duty.objects.first(),
                         code="Z1", name="z")


def test_api_lists(district, client_for, sample, django_assert_max_num_queries):
    c = client_for(district.member1)
    with django_assert_max_num_queries(8):
        r = c.get("/api/v1/duties/duties/")
    assert r.status_code == 200 and len(r.json()) == Duty.objects.count()
    r = c.get("/api/v1/duties/duties/?patrol_category=1")
    names = {d["name"] for d in r.json()}
    assert {"占道经营", "乱堆乱放", "工地扬尘", "渣土运输", "户外广告"} <= names and "应急处置" not in names
    cats = c.get("/api/v1/duties/duties/patrol-categories/").json()
    assert [d["id"] for d in cats] == [d.pk for d in patrol_categories()]
    assert len(c.get("/api/v1/duties/lines/").json()) == 3
    assert len(c.get("/api/v1/duties/indicators/").json()) == 23
    with django_assert_max_num_queries(8):
        r = c.get("/api/v1/duties/items/")
    body = r.json()
    assert body["count"] == WorkItem.objects.count()
    duty = Duty.objects.get(code="SR01")
    assert {i["duty"] for i in c.get(f"/api/v1/duties/items/?duty={duty.pk}").json()["results"]} == {duty.pk}
    assert c.get("/api/v1/duties/items/?duty=x").status_code == 400
    assert c.get(f"/api/v1/duties/duties/{duty.pk}/").json()["work_line_name"] == "市容市貌"
    assert c.get("/api/v1/duties/duties/999999/").status_code == 404
    assert client_for(district.nobody).get("/api/v1/duties/duties/").status_code == 403
    assert client_for(None).get("/api/v1/duties/items/").status_code in (401, 403)


def test_catalogue_selector(sample):
    tree = catalogue()
    assert [n.line.name for n in tree] == ["扬尘", "机动", "市容市貌"]
    assert sum(n.item_count for n in tree) == WorkItem.objects.count()
    hit = catalogue(q="围挡")
    assert all(i.name for n in hit for d in n.duties for i in d.items)
    assert {d.duty.code for n in hit for d in n.duties} >= {"YC01", "YC05"}


def test_import_templates_download_from_the_upload_page(district, client_for):
    c = client_for(district.bureau_user)
    for kind, first in (("duties", "条线"), ("post_indicators", "指标代码")):
        r = c.get(f"/imports/{kind}/template.xlsx")
        assert r.status_code == 200
        assert load_workbook(BytesIO(r.content)).worksheets[0]["A1"].value == first
    html = c.get("/imports/?kind=duties").content.decode()
    assert 'value="duties"' in html and "岗位分析台账" in html


def test_import_through_the_upload_page(district, client_for):
    from auxpost.duties.tests.conftest import DUTY_HEADERS, xlsx

    data = xlsx(DUTY_HEADERS, [["扬尘", "YC01", "工地扬尘", "YC01-01", "施工围挡检查", "", "每日", "是"]])
    data.name = "台账.xlsx"
    r = client_for(district.bureau_user).post("/imports/", {"kind": "duties", "file": data}, follow=True)
    assert r.status_code == 200
    assert Duty.objects.get(code="YC01").items.get().name == "施工围挡检查"  # jobs run inline in tests


def test_schema_lists_the_duties_api_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/duties/lines/", "/api/v1/duties/duties/", "/api/v1/duties/duties/patrol-categories/",
                 "/api/v1/duties/items/", "/api/v1/duties/indicators/", "/api/v1/duties/export/"):
        assert path in schema["paths"], path
    warnings = [w for w in str(GENERATOR_STATS).splitlines() if "dut" in w.lower() or "ledger" in w.lower()]
    assert not warnings, warnings
