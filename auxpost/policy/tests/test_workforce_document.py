"""§5.2.1–§5.2.4 the workforce document of a policy version: the SPEC defaults when empty, a draft copies
it in full, edits are checked per field in Chinese (codec and edit page), the detail page and the API
show it."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from auxpost.policy.selectors import policy_by_version, policy_in_force
from auxpost.policy.services import policy_version_publish, policy_version_update_draft
from auxpost.policy.workforce import (
    DEFAULT,
    WorkforceFormatError,
    workforce_from_dict,
    workforce_to_dict,
)

from .conftest import NOW, TODAY, edit_post_data


def text(r) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.content.decode())))


def test_defaults_are_the_spec_values():
    r, t, c, s = DEFAULT.recruitment, DEFAULT.training, DEFAULT.certificates, DEFAULT.separation
    assert (r.min_age, r.max_age, r.min_education) == (18, 45, "high_school")
    assert (r.weight_exam + r.weight_interview + r.weight_fitness) == 1
    assert r.publicity_working_days == 5 and r.min_contract_years == 2
    assert (t.induction_hours, t.annual_hours, t.promotion_hours) == (40, 40, 24)
    assert (c.validity_years, c.reminder_days) == (3, 30)
    assert s.retirement_notice_days > 0
    assert DEFAULT.required_hours("annual") == 40 and DEFAULT.required_hours("topical") == 0


def test_empty_and_partial_documents_read_as_the_defaults():
    assert workforce_from_dict(None) == DEFAULT == workforce_from_dict({})
    partial = workforce_from_dict({"certificates": {"reminder_days": 45}})
    assert partial.certificates.reminder_days == 45 and partial.recruitment == DEFAULT.recruitment


@given(st.integers(16, 40), st.integers(0, 30), st.integers(0, 100), st.integers(0, 100), st.integers(1, 365))
def test_round_trip(min_age, span, exam_pct, interview_pct, reminder):
    interview_pct = min(interview_pct, 100 - exam_pct)
    doc = workforce_to_dict(DEFAULT)
    doc["recruitment"].update(min_age=min_age, max_age=min(min_age + span, 70),
                              weight_exam=str(Decimal(exam_pct) / 100),
                              weight_interview=str(Decimal(interview_pct) / 100),
                              weight_fitness=str(Decimal(100 - exam_pct - interview_pct) / 100))
    doc["certificates"]["reminder_days"] = reminder
    policy = workforce_from_dict(doc)
    assert workforce_from_dict(workforce_to_dict(policy)) == policy


@pytest.mark.parametrize("section, name, value, field, words", [
    ("recruitment", "max_age", "abc", "recruitment.max_age", "最高年龄：“abc”不是整数"),
    ("recruitment", "min_age", 50, "recruitment.min_age", "最低年龄不能高于最高年龄"),
    ("recruitment", "weight_exam", "0.6", "recruitment.weight_exam", "权重之和必须为1"),
    ("recruitment", "min_education", "kindergarten", "recruitment.min_education", "最低学历"),
    ("recruitment", "publicity_working_days", 3, "recruitment.publicity_working_days", "必须在5到30之间"),
    ("recruitment", "min_contract_years", 1, "recruitment.min_contract_years", "劳动合同最短年限"),
    ("training", "annual_hours", "12.345", "training.annual_hours", "年度培训学时：最多2位小数"),
    ("certificates", "validity_years", 0, "certificates.validity_years", "上岗证有效期（年）：必须在1到10之间"),
])
def test_bad_values_are_refused_naming_the_field(section, name, value, field, words):
    doc = workforce_to_dict(DEFAULT)
    doc[section][name] = value
    with pytest.raises(WorkforceFormatError) as exc:
        workforce_from_dict(doc)
    assert exc.value.field == field and words in exc.value.message


def test_unknown_parts_are_refused():
    with pytest.raises(WorkforceFormatError, match="未知的部分 pay"):
        workforce_from_dict({"pay": {}})
    with pytest.raises(WorkforceFormatError, match="未知的字段 x"):
        workforce_from_dict({"training": {"x": 1}})


def test_version_1_reads_as_defaults_and_a_draft_copies_the_full_document(v1, draft):
    assert v1.workforce == {}
    assert policy_in_force(TODAY).workforce == DEFAULT
    assert draft.workforce == workforce_to_dict(DEFAULT)


def test_update_and_publish(district, draft):
    doc = workforce_to_dict(DEFAULT)
    doc["certificates"]["validity_years"] = 4
    doc["training"]["annual_hours"] = "48"
    policy_version_update_draft(pv=draft, workforce=doc, by=district.bianban, at=NOW)
    policy_version_publish(pv=draft, by=district.bianban, at=NOW)
    w = policy_by_version("2027.1").workforce
    assert w.certificates.validity_years == 4 and w.training.annual_hours == Decimal("48")
    assert policy_in_force(dt.date(2026, 12, 31)).workforce == DEFAULT


def test_service_refuses_a_bad_document_and_keeps_the_draft(district, draft):
    doc = workforce_to_dict(DEFAULT)
    doc["recruitment"]["weight_fitness"] = "0.5"
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, workforce=doc, by=district.bianban, at=NOW)
    err = exc.value.error_dict["workforce"][0]
    assert err.params["part"] == "recruitment.weight_exam" and "人员管理政策" in next(iter(err))
    draft.refresh_from_db()
    assert draft.workforce == workforce_to_dict(DEFAULT)


def test_detail_page_shows_the_workforce_values(district, v1, client_for):
    r = client_for(district.bureau_user).get(reverse("policy:detail", args=["1"]))
    t = text(r)
    assert "招聘、培训、持证上岗、解聘" in t
    assert "招聘：报名时年龄 18–45" in t and "招聘：最低学历 高中" in t
    assert "不少于 2 年（《劳动合同法》第五十八条）" in t
    assert "有效期 3 年；到期前 30 天提醒" in t


def test_edit_page_saves_and_shows_errors_on_the_inputs(district, draft, client_for):
    c = client_for(district.bianban)
    data = edit_post_data(draft)
    assert data["wf-recruitment__max_age"] == 45
    data.update({"wf-recruitment__max_age": "40", "wf-certificates__reminder_days": "45"})
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.workforce["recruitment"]["max_age"] == 40 and draft.workforce["certificates"]["reminder_days"] == 45

    data.update({"wf-recruitment__min_age": "41", "wf-training__annual_hours": "-1"})
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 200
    f = r.context["f"]
    assert f.workforce.errors["training__annual_hours"]
    data["wf-training__annual_hours"] = "40"
    r = c.post(reverse("policy:edit", args=[draft.version]), data)
    assert r.status_code == 200
    assert "最低年龄不能高于最高年龄" in " ".join(r.context["f"].workforce.errors["recruitment__min_age"])
    draft.refresh_from_db()
    assert draft.workforce["recruitment"]["min_age"] == 18


def test_api_gives_the_full_document(district, v1, client_for):
    body = client_for(district.bureau_user).get("/api/v1/policies/1/").json()
    assert body["workforce"] == workforce_to_dict(DEFAULT)
