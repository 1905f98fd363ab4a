"""§8.4/§11 The documents of a round driven through the services (``tests/flow.py``): the 公示 notice
lists the grade changes with the period the working-day calendar gave, and the 职级评定审批表 shows
the rule core's explanation, the application and material, the unit's and the bureau's opinions,
the signatures each body gave, the objection and its decision, and the decision number."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from auxpost.audit.models import AuditEntry
from auxpost.evaluation import rules
from auxpost.evaluation.services import material_add, objection_decide, objection_record
from auxpost.evaluation.tests.flow import PUBLICITY_START, Cast
from auxpost.evaluation.tests.test_documents import compact, has, pages_text

TZ = timezone.get_default_timezone()


@pytest.fixture
def decided(district):
    """A 2026 annual round taken to 已发文 through the services, with material and a dismissed objection."""
    cast = Cast(district)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ), tick=False):
        rnd = cast.open()
        rnd = cast.move(rnd, "compute")
        m1 = cast.cand(rnd, district.m1)
        material_add(actor=district.member1, candidate=m1, text="2025年获市级“优秀协管员”表彰。")
        for action in ("close_applications", "close_recommendation", "close_review"):
            cast.finish(rnd)
            rnd = cast.move(rnd, action)
        cast.finish(rnd)
        rnd = cast.move(rnd, "start_publicity", start=PUBLICITY_START, today=PUBLICITY_START)
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, 0, tzinfo=TZ), tick=False):
        obj = objection_record(actor=district.bureau_user, candidate=cast.cand(rnd, district.m1),
                               text="反映其曾有迟到情况。", objector="匿名", received_on=dt.date(2026, 3, 10))
        objection_decide(actor=district.bureau_user, objection=obj, upheld=False,
                         note="经核实，迟到已按积分规则扣分，不影响评定。")
    with time_machine.travel(dt.datetime(2026, 3, 16, 9, 0, tzinfo=TZ), tick=False):
        rnd = cast.move(rnd, "decide", decision_number="温执法〔2026〕8号", decided_on=dt.date(2026, 3, 16),
                        today=dt.date(2026, 3, 16))
    assert rnd.status == rules.DECIDED
    return cast, rnd


def test_notice_of_a_decided_round(decided, district, client_for):
    cast, rnd = decided
    resp = client_for(district.member1).get(reverse("evaluation:notice_pdf", args=[rnd.pk]))
    assert resp.status_code == 200
    (text,) = pages_text(resp.content)
    has(text, "职级评定结果公示", "2026年度职级评定", "李一", "五级 → 四级", "晋级", "降级乙", "四级 → 五级", "降级",
        "公示期：2026年3月9日至2026年3月13日（5个工作日）", "区执法局人事科 028-1234", "2026年3月9日")
    assert "王二" not in text and "退回丙" not in text  # kept, and a separation proposal: no grade on the notice


def test_approval_form_of_a_promotion(decided, district, client_for):
    cast, rnd = decided
    c = cast.cand(rnd, district.m1)
    resp = client_for(district.bureau_user).get(reverse("evaluation:approval_form_pdf", args=[c.pk]))
    assert resp.status_code == 200
    text = "".join(pages_text(resp.content))
    for r in c.reasons:  # every requirement of the rule core's explanation, both values and the verdict
        has(text, r["requirement"], r["required"], r["actual"])
    has(text, "测算结果晋级", "目标等级四级", district.m1.id_number,
        "已于2026年3月2日 09:00提出申请", "2025年获市级“优秀协管员”表彰。",
        "意见：推荐", "经办人：squadron1", "意见：审查通过", "经办人：bureau",
        "提交审批的决定：晋级：五级 → 四级", "区委编办", "意见：同意", "签字：bianban",
        "公示期：2026年3月9日至2026年3月13日（5个工作日）", "2026年3月10日", "反映其曾有迟到情况。", "异议不成立",
        "经核实，迟到已按积分规则扣分，不影响评定。",
        "办理状态已决定", "评定决定晋级：五级 → 四级", "决定文号温执法〔2026〕8号", "决定日期2026年3月16日",
        "生效日期2026年4月1日")
    assert AuditEntry.objects.filter(action="export", object_type="evaluation.candidate",
                                     object_id=str(c.pk)).count() == 1


def test_approval_form_of_a_separation_proposal_needs_two_signatures(decided, district, client_for):
    cast, rnd = decided
    c = cast.cand(rnd, cast.m4)
    text = "".join(pages_text(client_for(district.hrco).get(
        reverse("evaluation:approval_form_pdf", args=[c.pk])).content))
    has(text, "退回丙", "测算结果退回建议", "提交审批的决定：退回建议", "区综合行政执法局", "人力资源公司",
        "签字：bureau", "签字：hrco", "不适用（非晋级结果直接报审批）。", "评定决定退回建议")
    assert "区委编办" not in compact(text)


def test_bulk_forms_of_the_round(decided, district, client_for):
    cast, rnd = decided
    resp = client_for(district.bureau_user).get(reverse("evaluation:approval_forms_pdf", args=[rnd.pk]))
    pages = pages_text(resp.content)
    starts = [compact(p) for p in pages if compact(p).startswith("职级评定审批表")]
    assert len(starts) == 4  # 李一, 王二, 降级乙, 退回丙: one form each, each from a new page
    for name in ("李一", "王二", "降级乙", "退回丙"):
        assert sum(name in s for s in starts) == 1
