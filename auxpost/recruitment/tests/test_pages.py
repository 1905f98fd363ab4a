"""§5.2.1 recruitment pages: each page with a permitted, an out-of-scope and an anonymous user; refusals
answered 409 (out of order) / 403 (not this party) with the Chinese message on the page; personal data
masked for the roles that do not see it; list query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from auxpost.people.models import Member
from auxpost.people.rules import mask_id_number
from auxpost.recruitment import rules, services
from auxpost.recruitment.models import Application, HiringPlan, ProbationReview

from .flow import APPLIED, FIXED_ID, HIRE_DAY, PUBLICITY_END, add, applicant, hired, posted_plan, to_publicity

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"recruitment:{name}", args=args)


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0,
                                           tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)


def text(r) -> str:
    return r.content.decode()


def test_plans_list_access_and_scope(d, client_for, django_assert_max_num_queries):
    plan = posted_plan(d)
    other = posted_plan(d, unit=d.sq2_t1)
    for i in range(5):
        services.plan_create(actor=d.bureau_user, data={"unit": d.sq1.pk, "year": 2026, "title": f"草稿{i}",
                                                        "positions": 1})
    c = client_for(d.bureau_user)
    with django_assert_max_num_queries(10):
        r = c.get(url("plans"))
    assert r.status_code == 200 and plan.title in text(r) and "新建招聘计划" in text(r)
    assert text(r).count("data-plan=") == 7
    r = client_for(d.squadron1).get(url("plans"))
    assert r.status_code == 200 and f'data-plan="{plan.pk}"' in text(r) and f'data-plan="{other.pk}"' not in text(r)
    assert "新建招聘计划" not in text(r)
    assert client_for(d.bianban).get(url("plans")).status_code == 200
    assert client_for(d.hrco).get(url("plans")).status_code == 200
    for nobody in (d.member1, d.assessor, d.nobody):
        assert client_for(nobody).get(url("plans")).status_code == 404
    r = client_for(None).get(url("plans"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_plan_detail_scope_and_masking(d, client_for, django_assert_max_num_queries):
    plan = posted_plan(d)
    for i in range(6):
        add(d, plan, name=f"报名{i}")
    app = add(d, plan, id_number=FIXED_ID, birth=dt.date(1980, 1, 1))
    c = client_for(d.bureau_user)
    with django_assert_max_num_queries(14):
        r = c.get(url("plan", plan.pk))
    assert r.status_code == 200 and FIXED_ID in text(r) and "13712345678" in text(r)
    r = client_for(d.squadron1).get(url("plan", plan.pk))
    assert r.status_code == 200 and FIXED_ID not in text(r) and mask_id_number(app.id_number) in text(r)
    assert "137****5678" in text(r) and "录入报名" not in text(r)
    r = client_for(d.bianban).get(url("plan", plan.pk))
    assert r.status_code == 200 and FIXED_ID not in text(r)
    assert client_for(d.squadron2).get(url("plan", plan.pk)).status_code == 404
    assert client_for(d.member1).get(url("plan", plan.pk)).status_code == 404
    assert client_for(d.bureau_user).get(url("plan", 99999)).status_code == 404
    assert client_for(None).get(url("plan", plan.pk)).status_code == 302
    assert client_for(d.squadron1).get(url("application", app.pk)).status_code == 200
    assert client_for(d.squadron2).get(url("application", app.pk)).status_code == 404
    assert client_for(None).get(url("application", app.pk)).status_code == 302


def test_plan_new_edit_and_moves_on_the_page(d, client_for):
    c = client_for(d.bureau_user)
    assert c.get(url("plan_new")).status_code == 200
    assert client_for(d.bianban).get(url("plan_new")).status_code == 404
    assert client_for(None).get(url("plan_new")).status_code == 302
    r = c.post(url("plan_new"), {"unit": "", "year": "2026", "title": "", "positions": "0"})
    assert r.status_code == 200 and "请选择单位" in text(r) and "标题：必须填写" in text(r)
    r = c.post(url("plan_new"), {"unit": d.sq1_t1.pk, "year": "2026", "title": "2026招聘", "positions": "2",
                                 "publish_date": "2026-03-02", "deadline": "2026-03-20"})
    plan = HiringPlan.objects.get(title="2026招聘")
    assert r.status_code == 302 and r["Location"] == url("plan", plan.pk)
    r = c.post(url("plan_edit", plan.pk), {"unit": d.sq1_t1.pk, "year": "2026", "title": "2026招聘",
                                           "positions": "3", "publish_date": "2026-03-02", "deadline": "2026-03-20"})
    plan.refresh_from_db()
    assert r.status_code == 302 and plan.positions == 3
    assert client_for(d.bianban).get(url("plan_edit", plan.pk)).status_code == 404
    assert c.post(url("plan", plan.pk), {"op": "move", "action": "submit"}).status_code == 302
    r = c.post(url("plan", plan.pk), {"op": "move", "action": "approve"})
    assert r.status_code == 403 and "只有区委编办可以审批招聘计划" in text(r)
    assert c.post(url("plan_edit", plan.pk), {"unit": d.sq1_t1.pk, "year": "2026", "title": "x",
                                              "positions": "1"}).status_code == 409
    b = client_for(d.bianban)
    r = b.get(url("plan", plan.pk))
    assert 'data-action="approve"' in text(r) and 'data-action="return"' in text(r)
    assert b.post(url("plan", plan.pk), {"op": "move", "action": "approve"}).status_code == 302
    r = b.post(url("plan", plan.pk), {"op": "move", "action": "approve"})
    assert r.status_code == 409 and "现在不能批准" in text(r)
    assert c.post(url("plan", plan.pk), {"op": "move", "action": "post"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == rules.POSTED


def test_plan_approval_over_quota_on_the_page(d, client_for):
    plan = services.plan_create(actor=d.bureau_user, data={"unit": d.sq1_t1.pk, "year": 2026, "title": "大批",
                                                          "positions": 50})
    services.plan_move(actor=d.bureau_user, plan=plan, action="submit")
    r = client_for(d.bianban).post(url("plan", plan.pk), {"op": "move", "action": "approve"})
    assert r.status_code == 409 and "超出编制：" in text(r) and "编制50人，在册1人" in text(r)


def test_application_entry_screening_shown_with_reasons(d, client_for):
    plan = posted_plan(d)
    with on(APPLIED):
        c = client_for(d.bureau_user)
        assert c.get(url("application_new", plan.pk)).status_code == 200
        data = applicant(birth=dt.date(1980, 1, 1), education="初中", crime="否")
        r = c.post(url("application_new", plan.pk), data)
        assert r.status_code == 302
        r = c.get(url("plan", plan.pk))
        assert "年龄：报名时46岁，超过45岁上限" in text(r) and "学历：初中" in text(r)
        assert "无犯罪记录声明：未声明无犯罪记录" in text(r)
        r = c.post(url("application_new", plan.pk), applicant() | {"id_number": "123", "applied_on": "x"})
        assert r.status_code == 200 and "身份证号：" in text(r) and "报名日期：" in text(r)
    assert client_for(d.hrco).get(url("application_new", plan.pk)).status_code == 404
    assert client_for(d.squadron2).get(url("application_new", plan.pk)).status_code == 404
    assert client_for(None).get(url("application_new", plan.pk)).status_code == 302


def test_scores_checks_and_hire_on_the_application_page(d, client_for):
    plan = posted_plan(d)
    app = add(d, plan)
    c = client_for(d.bureau_user)
    r = c.post(url("application", app.pk), {"op": "scores", "exam_score": "abc", "interview_score": "101",
                                            "fitness_score": "70"})
    assert r.status_code == 200 and "笔试：" in text(r) and "不能大于100" in text(r)
    r = c.post(url("application", app.pk), {"op": "scores", "exam_score": "80", "interview_score": "75",
                                            "fitness_score": "70"})
    assert r.status_code == 302
    r = client_for(d.hrco).post(url("application", app.pk), {"op": "scores", "exam_score": "80",
                                                             "interview_score": "75", "fitness_score": "70"})
    assert r.status_code == 403
    r = c.get(url("application", app.pk))
    assert "76.50" in text(r) and 'data-rank>1<' in text(r)
    assert c.post(url("plan", plan.pk), {"op": "propose"}).status_code == 302
    assert c.post(url("plan", plan.pk), {"op": "propose"}).status_code == 409
    r = c.post(url("application", app.pk), {"op": "checks", "health_check": "pass", "background_check": "pass"})
    assert r.status_code == 302
    r = c.post(url("plan", plan.pk), {"op": "publicity", "start": "2026-04-13"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.publicity_end == PUBLICITY_END
    contract = {"op": "contract", "number": "HX-1", "start_date": "2026-04-20", "end_date": "2028-04-19",
                "probation_end": "2026-06-19"}
    with on(PUBLICITY_END):
        h = client_for(d.hrco)
        r = h.post(url("application", app.pk), contract)
        assert r.status_code == 409 and "公示期尚未期满：公示至2026-04-17" in text(r)
    with on(HIRE_DAY):
        h, c = client_for(d.hrco), client_for(d.bureau_user)
        r = h.post(url("application", app.pk), contract | {"end_date": "2027-04-19"})
        assert r.status_code == 200 and "第五十八条" in text(r)
        assert c.post(url("application", app.pk), contract).status_code == 403
        r = h.post(url("application", app.pk), contract)
        assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == rules.HIRED and app.member.status == "probation"


def test_objection_on_the_page(d, client_for):
    plan = posted_plan(d)
    app = to_publicity(d, plan, add(d, plan))
    with on(dt.date(2026, 4, 14)):
        c = client_for(d.bureau_user)
        r = c.post(url("application", app.pk), {"op": "objection", "objector": "群众", "received_on": "2026-04-14",
                                                "text": "反映该人有违法记录"})
        assert r.status_code == 302
        obj = app.objections.get()
        r = c.post(url("application", app.pk), {"op": "decide", "objection": obj.pk, "upheld": "1", "note": "属实"})
        assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == rules.DROPPED


def test_reviews_page_access_signatures_and_query_count(d, client_for, django_assert_max_num_queries):
    plans = [posted_plan(d)]
    for i in range(3):
        hired(d, plan=plans[0] if i == 0 else posted_plan(d, unit=d.sq1_t2), name=f"新人{i}")
    review = ProbationReview.objects.order_by("pk").first()
    Member.objects.filter(pk=review.member_id).update(cert_number="SZ-1", cert_valid_until=dt.date(2029, 1, 1))
    with on(dt.date(2026, 6, 19)):
        c = client_for(d.bureau_user)
        with django_assert_max_num_queries(10):
            r = c.get(url("reviews"))
        assert r.status_code == 200 and text(r).count("data-review=") == 3
        assert client_for(d.hrco).get(url("reviews")).status_code == 200
        for other in (d.bianban, d.squadron1, d.member1):
            assert client_for(other).get(url("reviews")).status_code == 404
        assert client_for(None).get(url("reviews")).status_code == 302
        r = c.post(url("reviews"), {"op": "sign", "review": review.pk})
        assert r.status_code == 302
        r = c.post(url("reviews"), {"op": "sign", "review": review.pk})
        assert r.status_code == 409 and "您已签署" in text(r)
        second = ProbationReview.objects.exclude(pk=review.pk).first()
        r = client_for(d.hrco).post(url("reviews"), {"op": "sign", "review": second.pk})
        assert r.status_code == 409 and "上岗证" in text(r)
        assert client_for(d.hrco).post(url("reviews"), {"op": "sign", "review": review.pk}).status_code == 302
        assert client_for(d.bianban).post(url("reviews"), {"op": "sign", "review": review.pk}).status_code == 404
    review.refresh_from_db()
    assert review.status == rules.CONFIRMED
    assert Member.objects.get(pk=review.member_id).status == "active"


def _xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "手机号", "学历", "报名日期", "无犯罪记录声明", "未被开除公职声明"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "报名.xlsx"
    return buf


def test_import_applications_good_and_bad_rows(d, client_for):
    plan = posted_plan(d)
    c = client_for(d.bureau_user)
    r = c.get(url("import_template", plan.pk))
    assert r.status_code == 200
    headers = [cell.value for cell in load_workbook(io.BytesIO(r.content)).worksheets[0][1]]
    assert headers[:7] == ["姓名", "身份证号", "手机号", "学历", "报名日期", "无犯罪记录声明", "未被开除公职声明"]
    assert client_for(d.hrco).get(url("import_template", plan.pk)).status_code == 404
    good = applicant(name="导入甲", id_number=FIXED_ID)
    rows = [
        ["导入甲", "５１" + FIXED_ID[2:], "137 1234 5678", "本科", "2026年3月5日", "是", "是"],
        ["导入乙", applicant()["id_number"], "", "高中", dt.date(2026, 3, 6), "否", "是"],  # screened out
        ["导入丙", "510115199001011231", "", "高中", "2026-03-05", "是", "是"],  # bad check digit
        ["导入丁", applicant()["id_number"], "", "小学", "2026-03-05", "也许", "是"],
    ]
    del good
    with on(dt.date(2026, 3, 21)):
        c = client_for(d.bureau_user)
        r = c.post(url("plan", plan.pk), {"op": "import", "file": _xlsx(rows)})
        assert r.status_code == 200
        assert "第4行 [身份证号]" in text(r) and "第5行 [学历]" in text(r) and "第5行 [无犯罪记录声明]" in text(r)
        assert "未导入任何数据" in text(r)
        assert Application.objects.count() == 0
        assert c.get(url("import_errors", plan.pk)).status_code == 200
        r = c.post(url("plan", plan.pk), {"op": "import", "file": _xlsx(rows), "only_good": "on"})
        assert r.status_code == 200 and "正确的行已导入" in text(r)
    apps = {a.name: a for a in Application.objects.all()}
    assert set(apps) == {"导入甲", "导入乙"}
    assert apps["导入甲"].id_number == FIXED_ID and apps["导入甲"].phone == "13712345678"
    assert apps["导入甲"].applied_on == APPLIED and apps["导入甲"].status == rules.QUALIFIED
    assert apps["导入乙"].status == rules.REJECTED and apps["导入乙"].reasons == ["无犯罪记录声明：未声明无犯罪记录"]
    with on(dt.date(2026, 3, 21)):
        r = client_for(d.hrco).post(url("plan", plan.pk), {"op": "import", "file": _xlsx(rows)})
    assert r.status_code == 403


def test_import_scores(d, client_for):
    plan = posted_plan(d)
    a = add(d, plan, name="甲", id_number=FIXED_ID)
    b = add(d, plan, name="乙")
    rejected = add(d, plan, name="丙", crime="否")
    with on(dt.date(2026, 4, 1)):
        c = client_for(d.bureau_user)
        r = c.get(url("scores_template", plan.pk))
        assert r.status_code == 200
        assert [x.value for x in load_workbook(io.BytesIO(r.content)).worksheets[0][1]][:5] == [
            "身份证号", "姓名", "笔试成绩", "面试成绩", "体能测试成绩"]
        wb = Workbook()
        ws = wb.active
        ws.append(["身份证号", "姓名", "笔试成绩", "面试成绩", "体能测试成绩"])
        ws.append([a.id_number, "甲", 80, "７５", "70分"])
        ws.append([b.id_number, "错名", 90, 90, 90])
        ws.append([rejected.id_number, "丙", 90, 90, 90])
        ws.append([a.id_number, "甲", 101, 90, 90])
        buf = io.BytesIO()
        wb.save(buf)
        buf.seek(0)
        buf.name = "成绩.xlsx"
        r = c.post(url("plan", plan.pk), {"op": "import_scores", "file": buf, "only_good": "on"})
        assert r.status_code == 200
        page = text(r)
        assert "第3行 [姓名]" in page and "第4行 [身份证号]" in page and "第5行 [笔试成绩]" in page
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.total_score, a.status, a.rank) == (Decimal("76.50"), rules.PASSED, 1)
    assert b.total_score is None
