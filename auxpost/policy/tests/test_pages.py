"""§6/§7/§10 policy pages: list, detail as the SPEC tables, new draft, edit, publish — and who sees what."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from auxpost.audit.models import AuditEntry
from auxpost.policy.models import PolicyStatus, PolicyVersion
from auxpost.policy.rules import default_documents

from .conftest import edit_post_data

READERS = ["admin", "bianban", "bureau_user", "squadron1", "squadron2", "hrco"]
EDITORS = ["admin", "bianban"]
READ_ONLY = ["bureau_user", "squadron1", "squadron2", "hrco"]
OUTSIDERS = ["member1", "assessor", "nobody"]


def text(r) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.content.decode())))


def test_url_names():
    assert reverse("policy:list") == "/policy/"
    assert reverse("policy:new") == "/policy/new/"
    assert reverse("policy:detail", args=["2027.1"]) == "/policy/2027.1/"
    assert reverse("policy:edit", args=["2027.1"]) == "/policy/2027.1/edit/"
    assert reverse("policy:publish", args=["2027.1"]) == "/policy/2027.1/publish/"


# --- access matrix ------------------------------------------------------------------------------

def pages(version):
    return {
        "list": reverse("policy:list"), "detail": reverse("policy:detail", args=[version]),
        "new": reverse("policy:new"), "edit": reverse("policy:edit", args=[version]),
        "publish": reverse("policy:publish", args=[version]),
    }


@pytest.mark.parametrize("who", EDITORS)
def test_editors_reach_every_page(district, draft, client_for, who):
    c = client_for(getattr(district, who))
    for name, url in pages(draft.version).items():
        assert c.get(url).status_code == 200, name


@pytest.mark.parametrize("who", READ_ONLY)
def test_readers_read_published_versions_only(district, v1, draft, client_for, who):
    c = client_for(getattr(district, who))
    assert c.get(reverse("policy:list")).status_code == 200
    assert c.get(reverse("policy:detail", args=["1"])).status_code == 200
    assert c.get(reverse("policy:detail", args=[draft.version])).status_code == 404  # drafts are the office's
    assert "2027.1" not in text(c.get(reverse("policy:list")))
    for name in ("new", "edit", "publish"):
        assert c.get(pages("1")[name]).status_code == 403, name
    assert c.post(reverse("policy:publish", args=[draft.version])).status_code == 403
    assert c.post(reverse("policy:new"), {"based_on": "1", "version": "9", "name": "x",
                                          "effective_from": "2099-01-01"}).status_code == 403
    assert not PolicyVersion.objects.filter(version="9").exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_members_assessors_and_others_see_nothing(district, v1, draft, client_for, who):
    c = client_for(getattr(district, who))
    for version in ("1", draft.version):
        for name, url in pages(version).items():
            assert c.get(url).status_code == 404, name
    assert c.post(reverse("policy:publish", args=[draft.version])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT


def test_anonymous_goes_to_login(district, draft, client_for):
    c = client_for(None)
    for name, url in pages(draft.version).items():
        r = c.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], name


def test_unknown_version_is_404(district, client_for):
    assert client_for(district.bianban).get(reverse("policy:detail", args=["9.9"])).status_code == 404


# --- list ---------------------------------------------------------------------------------------

def test_list_marks_the_version_in_force_today(district, v1, draft, client_for, django_assert_max_num_queries):
    c = client_for(district.bianban)
    c.get(reverse("policy:list"))  # warm the session
    with django_assert_max_num_queries(7):
        r = c.get(reverse("policy:list"))
    body = text(r)
    assert "政策版本" in body and "温江区默认政策" in body and "今日生效" in body
    assert "2027.1" in body and "草稿" in body and "新建草稿版本" in body


def test_list_query_count_does_not_grow_with_versions(district, v1, client_for, django_assert_max_num_queries):
    for i in range(15):
        PolicyVersion.objects.create(version=f"d{i}", name="n", effective_from=dt.date(2030, 1, 1),
                                     grade=v1.grade, assessment=v1.assessment, points=v1.points,
                                     created_at=v1.created_at)
    c = client_for(district.bianban)
    c.get(reverse("policy:list"))
    with django_assert_max_num_queries(7):
        assert c.get(reverse("policy:list")).status_code == 200


# --- detail: the SPEC tables --------------------------------------------------------------------

def test_detail_reproduces_the_spec_tables(district, v1, client_for):
    body = text(client_for(district.bureau_user).get(reverse("policy:detail", args=["1"])))
    # §6.2 grade table
    for cell in ("五级", "入职", "高中/中专及以上", "区综合行政执法局与人力资源公司共同评定",
                 "≥2（本科及以上：≥1）", "平均 ≥85，每年不低于70", "≥70", "区委编办",
                 "平均 ≥88，每年不低于70", "均为合格及以上，优秀 ≥1次", "≥75",
                 "大专及以上", "平均 ≥90，每年不低于75", "≥80",
                 "≥4", "平均 ≥92，每年不低于80", "优秀 ≥2次", "≥85"):
        assert cell in body, cell
    assert "二级+一级 ≤30%" in body and "一级 ≤10%" in body
    assert "距法定退休年龄至少12个月" in body and "近12个月内受处分的不得晋级" in body
    assert "一次不合格 → 降一级" in body and "连续2年基本合格 → 降一级" in body and "年度积分 <60 → 降一级" in body
    assert "获市级及以上表彰可减免1年任职年限" in body
    # §7
    for cell in ("出勤 20", "纪律 20", "着装仪容 10", "履职情况 40", "群众评价 10", "合计 100",
                 "每年2次", "法律法规 0.3", "体能 0.2",
                 "0.4 × 日常考核月均分 + 0.4 × 集中考核平均分 + 0.2 × min(年度积分, 100)",
                 "优秀 ≥90", "合格 ≥70，<90", "基本合格 ≥60，<70", "不合格 <60",
                 "优秀 ≤15%，按中队计算", "全年旷工 ≥5天 → 不合格", "受处分 → 不得评为优秀", "全年迟到 ≥15次 → 不得评为优秀"):
        assert cell in body, cell
    # §10
    assert "年度基础分 100；年度积分结算范围 0–120。" in body and "扣分须经第二人审批" in body
    for cell in ("旷工 -10 每天", "超出要求完成培训 +1 每8学时", "全年无有效投诉 +3 每年", "违反纪律 -20 每次",
                 "市级表彰 +10"):
        assert cell in body, cell


def test_detail_of_a_draft_offers_edit_and_publish_to_editors(district, draft, client_for):
    body = text(client_for(district.bianban).get(reverse("policy:detail", args=[draft.version])))
    assert "编辑草稿" in body and "发布" in body and "基于版本 1" in body


# --- new ----------------------------------------------------------------------------------------

def test_new_draft_from_a_chosen_version(district, v1, client_for):
    c = client_for(district.bianban)
    r = c.get(reverse("policy:new") + "?based_on=1")
    assert r.status_code == 200 and 'value="1" selected' in r.content.decode()
    r = c.post(reverse("policy:new"), {"based_on": "1", "version": "2030", "name": "2030年政策",
                                       "effective_from": "2030-01-01"})
    assert r.status_code == 302 and r["Location"] == reverse("policy:edit", args=["2030"])
    pv = PolicyVersion.objects.get(version="2030")
    assert pv.status == PolicyStatus.DRAFT and pv.grade == v1.grade and pv.created_by == district.bianban


def test_new_draft_errors_name_the_field(district, v1, client_for):
    r = client_for(district.bianban).post(reverse("policy:new"), {
        "based_on": "1", "version": "1", "name": "", "effective_from": "2001-01-01"})
    assert r.status_code == 200
    assert r.context["form"].errors["name"]
    r = client_for(district.bianban).post(reverse("policy:new"), {
        "based_on": "1", "version": "1", "name": "n", "effective_from": "2099-01-01"})
    assert "已存在" in r.context["form"].errors["version"][0] and "版本号" in text(r)
    assert not PolicyVersion.objects.exclude(version="1").exists()


def test_new_draft_refuses_a_past_effective_date(district, v1, client_for):
    r = client_for(district.bianban).post(reverse("policy:new"), {
        "based_on": "1", "version": "2", "name": "x", "effective_from": "2001-01-01"})
    assert "不溯及既往" in r.context["form"].errors["effective_from"][0]


# --- edit ---------------------------------------------------------------------------------------

def test_edit_form_shows_every_value_and_saves_unchanged(district, draft, client_for):
    c = client_for(district.bianban)
    r = c.get(reverse("policy:edit", args=[draft.version]))
    html = r.content.decode()
    for name in ("req4-points_average", "req1-excellent_needed", "grade-quota_grades_2_and_1_percent",
                 "ind-0-max_points", "comp-3-weight", "asmt-excellent_cap_percent", "asmt-veto_lates",
                 "band-excellent-min_score", "pts-ceiling", "rule-absence-points"):
        assert f'name="{name}"' in html, name
    data = edit_post_data(draft)
    assert data["asmt-excellent_cap_percent"] in ("15", 15) or str(data["asmt-excellent_cap_percent"]) == "15"
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 302, r.context and r.context["f"].section_errors
    draft.refresh_from_db()
    assert (draft.grade, draft.assessment, draft.points) == tuple(default_documents()[k]
                                                                 for k in ("grade", "assessment", "points"))


def test_edit_changes_values_across_the_three_policies(district, draft, client_for):
    c = client_for(district.bianban)
    data = edit_post_data(draft)
    data.update({"req4-points_average": "86.5", "grade-quota_grade_1_percent": "8", "asmt-excellent_cap_percent": "12",
                 "band-excellent-min_score": "92", "rule-absence-points": "-8", "pts-ceiling": "110",
                 "ind-0-max_points": "15", "ind-5-code": "safety", "ind-5-name": "安全生产", "ind-5-max_points": "5",
                 "ind-TOTAL_FORMS": "6", "meta-name": "2027年修订"})
    data.pop("grade-demote_on_fail", None)
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 302, r.context["f"].section_errors
    draft.refresh_from_db()
    assert draft.name == "2027年修订"
    assert draft.grade["requirements"][0]["points_average"] == 86.5
    assert draft.grade["quota_grade_1_percent"] == 8 and draft.grade["demote_on_fail"] is False
    assert draft.assessment["excellent_cap"] == "0.12"
    assert draft.assessment["bands"][0]["min_score"] == "92"
    assert [i["code"] for i in draft.assessment["monthly_indicators"]][-1] == "safety"
    assert {r["code"]: r["points"] for r in draft.points["rules"]}["absence"] == -8
    assert draft.points["ceiling"] == 110
    assert AuditEntry.objects.filter(object_id=str(draft.pk), action="update").count() == 1
    body = text(c.get(reverse("policy:detail", args=[draft.version])))
    assert "平均 ≥86.5" in body and "一级 ≤8%" in body and "优秀 ≤12%" in body and "安全生产 5" in body


def test_edit_errors_are_shown_next_to_the_field(district, draft, client_for):
    c = client_for(district.bianban)
    data = edit_post_data(draft)
    data.update({"req3-points_floor": "95", "ind-0-max_points": "25", "asmt-excellent_cap_percent": "30",
                 "rule-late-points": "0", "meta-effective_from": "2020-01-01"})
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 200
    f = r.context["f"]
    assert f.assessment.errors["excellent_cap_percent"]  # form-level: at most 20
    assert "不能为0" in f.rules[[x["code"] for x, _f in f.rules].index("late")][1].errors["points"][0]
    # Fix the form-level ones; the rules then speak (sums, orders) next to their inputs.
    data.update({"asmt-excellent_cap_percent": "15", "rule-late-points": "-1"})
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    f = r.context["f"]
    assert "不溯及既往" in f.meta.errors["effective_from"][0]
    assert "年度积分最低分不能高于平均分要求" in f.grade_pairs[1][1].errors["points_floor"][0]
    assert "满分之和必须为100" in f.section_errors["indicators"][0]
    html = r.content.decode()
    assert "满分之和必须为100" in html and "年度积分最低分不能高于平均分要求" in html
    draft.refresh_from_db()
    assert draft.grade == default_documents()["grade"]


def test_edit_of_a_published_version_is_refused(district, v1, client_for):
    c = client_for(district.bianban)
    r = c.get(reverse("policy:edit", args=["1"]))
    assert r.status_code == 302 and r["Location"] == reverse("policy:detail", args=["1"])
    r = c.post(reverse("policy:edit", args=["1"]), edit_post_data(v1), follow=True)
    assert "已发布，不能修改" in text(r)
    v1.refresh_from_db()
    assert v1.grade == default_documents()["grade"]


# --- publish ------------------------------------------------------------------------------------

def test_publish_confirms_then_publishes(district, draft, client_for):
    c = client_for(district.bianban)
    r = c.get(reverse("policy:publish", args=[draft.version]))
    assert "一经发布即不能修改" in text(r) and "立即发布" in text(r)
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT  # GET changes nothing
    r = c.post(reverse("policy:publish", args=[draft.version]), follow=True)
    assert "已发布" in text(r)
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.PUBLISHED and draft.published_by == district.bianban
    assert AuditEntry.objects.filter(object_id=str(draft.pk), action="transition").exists()
    # Published: no more edit or publish.
    assert c.get(reverse("policy:edit", args=[draft.version])).status_code == 302
    r = c.post(reverse("policy:publish", args=[draft.version]), follow=True)
    assert "已经发布" in text(r)


def test_publish_refuses_a_past_effective_date(district, draft, client_for):
    PolicyVersion.objects.filter(pk=draft.pk).update(effective_from=dt.date(2020, 1, 1))
    r = client_for(district.bianban).post(reverse("policy:publish", args=[draft.version]))
    assert r.status_code == 200 and "不溯及既往" in text(r)
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT


def test_pages_render_in_english_too(district, draft, client_for):
    from django.conf import settings

    c = client_for(district.bianban)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = text(c.get(reverse("policy:detail", args=["1"])))
    assert "Policy version 1" in body and "Who decides" in body and "≥85" in body
    for name in ("list", "new", "edit", "publish"):
        assert c.get(pages(draft.version)[name]).status_code == 200
