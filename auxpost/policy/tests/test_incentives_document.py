"""§9 the incentives document of a policy version and §8.4's 公示 working days on the policy pages:
version 1 reads as the SPEC defaults without being rewritten, a draft copies the full document, edits
are checked per field in Chinese, the detail page and the API show it."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from auxpost.incentives.rules import DEFAULT, incentives_to_dict
from auxpost.policy.models import PolicyVersion
from auxpost.policy.rules import DEFAULT_BUNDLE
from auxpost.policy.selectors import policy_by_version, policy_in_force
from auxpost.policy.services import policy_version_publish, policy_version_update_draft

from .conftest import NOW, TODAY, edit_post_data


def text(r) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.content.decode())))


def test_version_1_keeps_an_empty_document_and_reads_as_the_defaults(v1):
    assert v1.incentives == {}
    bundle = policy_in_force(TODAY)
    assert bundle.incentives == DEFAULT == DEFAULT_BUNDLE.incentives
    assert bundle.incentives.allowance(4) == Decimal("200") and bundle.incentives.allowance(1) == Decimal("1000")
    assert bundle.incentives.result_coefficient("basic") == Decimal("0.6")


def test_draft_copies_the_full_document(draft):
    assert draft.incentives == incentives_to_dict(DEFAULT)
    assert draft.incentives["monthly_allowance"] == {"5": "0", "4": "200", "3": "400", "2": "700", "1": "1000"}
    assert draft.incentives["result_coefficients"] == {"excellent": "1.2", "pass": "1.0", "basic": "0.6", "fail": "0"}


def test_update_and_publish_a_changed_document(district, draft):
    doc = incentives_to_dict(DEFAULT)
    doc["monthly_allowance"]["4"] = "250"
    doc["bonus_base"] = "8000.50"
    policy_version_update_draft(pv=draft, incentives=doc, by=district.bianban, at=NOW)
    policy_version_publish(pv=draft, by=district.bianban, at=NOW)
    inc = policy_by_version("2027.1").incentives
    assert inc.allowance(4) == Decimal("250") and inc.bonus_base == Decimal("8000.50")
    assert policy_in_force(dt.date(2026, 12, 31)).incentives == DEFAULT  # version 1 still applies before


@pytest.mark.parametrize("change, field, words", [
    (("monthly_allowance", "3", "-1"), "monthly_allowance.3", "三级月度职级津贴：必须在0到100000之间"),
    (("monthly_allowance", "2", "abc"), "monthly_allowance.2", "二级月度职级津贴：“abc”不是有效的数字"),
    (("bonus_base", None, "6000.123"), "bonus_base", "年终奖金基数：最多2位小数"),
    (("grade_coefficients", "1", "11"), "grade_coefficients.1", "一级等级系数：必须在0到10之间"),
    (("result_coefficients", "excellent", ""), "result_coefficients.excellent", "优秀考核系数：不能为空"),
])
def test_bad_values_are_refused_naming_the_field(district, draft, change, field, words):
    doc = incentives_to_dict(DEFAULT)
    name, key, value = change
    if key is None:
        doc[name] = value
    else:
        doc[name][key] = value
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, incentives=doc, by=district.bianban, at=NOW)
    err = exc.value.error_dict["incentives"][0]
    assert err.params["part"] == field
    assert words in next(iter(err)) and "激励政策" in next(iter(err))
    draft.refresh_from_db()
    assert draft.incentives == incentives_to_dict(DEFAULT)


def test_missing_and_unknown_parts_are_refused(district, draft):
    doc = incentives_to_dict(DEFAULT)
    del doc["monthly_allowance"]["5"]
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, incentives=doc, by=district.bianban, at=NOW)
    assert "五级月度职级津贴：缺少此项" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, incentives={**incentives_to_dict(DEFAULT), "x": 1},
                                    by=district.bianban, at=NOW)
    assert "未知的字段 x" in exc.value.messages[0]


def test_detail_page_shows_incentives_and_public_notice_days(district, v1, client_for):
    r = client_for(district.hrco).get(reverse("policy:detail", args=["1"]))
    assert r.status_code == 200
    t = text(r)
    assert "§9 激励" in t or "激励" in t
    assert "四级 200 1.1" in t and "一级 1000 1.5" in t
    assert "年终奖金基数（元） 6000" in t
    assert "公示 不少于5个工作日" in t


def test_edit_page_saves_incentives_and_public_notice_days(district, draft, client_for):
    c = client_for(district.bianban)
    data = edit_post_data(draft)
    assert data["grade-publicity_working_days"] == 5 and data["inc-allowance_3"] == "400"
    data.update({"grade-publicity_working_days": "7", "inc-allowance_3": "450.00", "inc-coefficient_basic": "0.5",
                 "inc-bonus_base": "7000"})
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 302, r.context["f"].incentives.errors if r.context else ""
    draft.refresh_from_db()
    assert draft.grade["publicity_working_days"] == 7
    assert draft.incentives["monthly_allowance"]["3"] == "450"
    assert draft.incentives["result_coefficients"]["basic"] == "0.5"
    assert draft.incentives["bonus_base"] == "7000"


def test_edit_page_errors_next_to_the_incentives_inputs(district, draft, client_for):
    c = client_for(district.bianban)
    data = edit_post_data(draft)
    data.update({"inc-allowance_4": "-5", "inc-coefficient_excellent": "x", "grade-publicity_working_days": "3"})
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 200
    f = r.context["f"]
    assert f.incentives.errors["allowance_4"] and f.incentives.errors["coefficient_excellent"]
    assert f.grade_settings.errors["publicity_working_days"]
    draft.refresh_from_db()
    assert draft.incentives == incentives_to_dict(DEFAULT) and draft.grade.get("publicity_working_days", 5) == 5


def test_codec_error_lands_on_its_input():
    from auxpost.policy.forms import PolicyForms

    pv = PolicyVersion(version="x", name="x", effective_from=TODAY, grade={}, assessment={}, points={},
                       incentives={})
    f = PolicyForms(pv, data={})
    f.add_service_error("incentives", "monthly_allowance.4", "四级月度职级津贴：必须在0到100000之间")
    assert "四级月度职级津贴：必须在0到100000之间" in f.incentives.errors["allowance_4"]
    f.add_service_error("incentives", "", "激励政策：格式错误")
    assert f.section_errors["incentives"] == ["激励政策：格式错误"]


def test_api_gives_the_full_document(district, v1, draft, client_for):
    body = client_for(district.bureau_user).get("/api/v1/policies/1/").json()
    assert body["incentives"] == incentives_to_dict(DEFAULT)
    assert body["grade"].get("publicity_working_days", 5) == 5
    body = client_for(district.bianban).get("/api/v1/policies/2027.1/").json()
    assert body["incentives"]["bonus_base"] == "6000"
