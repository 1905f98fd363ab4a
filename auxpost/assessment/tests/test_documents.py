"""§7.3/§11 The annual assessment form (年度考核登记表) as a PDF: the Chinese text extracted with
pypdf, access (permitted / out of scope / anonymous), the personal-data export log and the links."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from auxpost.assessment import documents
from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsRound, SkillsScore
from auxpost.audit.models import AuditEntry

AT = timezone.make_aware(dt.datetime(2026, 1, 20, 10, 0))


def text_of(content: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def has(text: str, *phrases: str) -> None:
    t = compact(text)
    missing = [p for p in phrases if compact(p) not in t]
    assert not missing, f"missing {missing} in {t}"


@pytest.fixture
def result(district):
    """李一's 2025: twelve months (January 95.5, the rest 90), two 集中考核 batches, 104 points → 优秀."""
    m = district.m1
    for month in range(1, 13):
        MonthlyScore.objects.create(member=m, month=dt.date(2025, month, 1),
                                    total=Decimal("95.5") if month == 1 else Decimal(90), scored_at=AT,
                                    policy_version="1")
    for batch, comps, composite in (
        (1, {"law": 80, "practical": 90, "fitness": 70, "peer_rating": 100}, Decimal(85)),
        (2, {"law": 90, "practical": 85, "fitness": 90, "peer_rating": 88}, Decimal("88.1")),
    ):
        rnd = SkillsRound.objects.create(year=2025, batch=batch, name=f"2025年第{batch}次集中考核", status="closed",
                                         policy_version="1", created_at=AT)
        SkillsScore.objects.create(round=rnd, member=m, year=2025, components=comps, composite=composite,
                                   entered_at=AT)
    return AnnualResult.objects.create(
        member=m, year=2025, cap_unit=district.sq1, composite=Decimal("90.84"), band="excellent", rank=1,
        unit_size=12, monthly_mean=Decimal("90.46"), skills_mean=Decimal("86.55"), annual_points=Decimal(104),
        explanation="月度考核平均90.46分×0.4＋集中考核平均86.55分×0.4＋年度积分104（计入100，上限100）×0.2＝综合得分90.84",
        reasons=["中队优秀名额1名，排名第1"], status="confirmed", policy_version="1", computed_at=AT,
        reviewed_by=district.squadron1, reviewed_at=AT + dt.timedelta(days=1),
        confirmed_by=district.bureau_user, confirmed_at=AT + dt.timedelta(days=2))


def form_url(result):
    return reverse("assessment:annual_form_pdf", args=[result.year, result.member_id])


def test_form_text(result, district):
    data = documents.annual_form_data(result, unit_name="综合行政执法大队/第一中队/第一小队", show_id_number=True)
    content = documents.annual_form_pdf(data, issuer="区综合行政执法局", printed_on=dt.date(2026, 2, 1))
    text = text_of(content)
    has(text, "年度考核登记表", "（2025年度）", "李一", "男", "1990年5月17日", district.m1.id_number, "高中",
        "综合行政执法大队/第一中队/第一小队", "2020年3月1日", "现等级五级",
        # the twelve months, January to December
        "1月2月3月4月5月6月得分95.59090909090", "7月8月9月10月11月12月得分909090909090",
        "已评分12个月；月度考核平均分：90.46",
        # 集中考核 by batch and component, with the policy's weights
        "第1批", "2025年第1次集中考核", "法律法规（×0.3）", "实操技能（×0.3）", "体能（×0.2）", "民主测评（×0.2）",
        "第2批", "88.1", "集中考核平均分：86.55",
        "年度岗位积分：104（计入综合得分的上限为100）",
        # the composite with the weights of version 1
        "月度考核平均90.460.436.18", "集中考核平均86.550.434.62", "年度积分（计入）1000.220", "综合得分90.84",
        "考核等次优秀", "单位内排名1 / 12", "排名单位第一中队", "结果状态已确认", "政策版本1",
        "审核squadron1　2026年1月21日 10:00", "确认bureau　2026年1月22日 10:00",
        "中队优秀名额1名，排名第1",
        "单位意见", "负责人签字（盖章）：", "本人签字：", "打印日期2026年2月1日",
        "区综合行政执法局", "打印日期：2026年2月1日", "第 1 页")


def test_form_with_no_scores_and_masked_number(district):
    r = AnnualResult.objects.create(member=district.m2, year=2024, composite=Decimal(75), band="pass",
                                    status="imported", computed_at=AT)
    text = text_of(documents.annual_form_pdf(
        documents.annual_form_data(r, unit_name="第二中队", show_id_number=False), issuer="局",
        printed_on=dt.date(2026, 2, 1)))
    has(text, "王二", "（2024年度）", "已评分0个月", "本年度无集中考核记录。", "综合得分75.00", "考核等次合格",
        "结果状态历史导入", "未审核", "未确认")
    assert district.m2.id_number not in compact(text)
    has(text, district.m2.id_number[:6] + "********" + district.m2.id_number[-4:])


def test_download_by_the_bureau_is_logged(result, district, client_for):
    resp = client_for(district.bureau_user).get(form_url(result))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp["Content-Disposition"] == (
        f"inline; filename=\"annual-form-2025-{district.m1.pk}.pdf\"; "
        f"filename*=UTF-8''{quote('年度考核登记表-李一-2025年度.pdf')}")
    has(text_of(resp.content), "李一", district.m1.id_number, "考核等次优秀")
    e = AuditEntry.objects.get(action="export")
    assert (e.actor_name, e.object_type, e.object_id) == ("bureau", "assessment.annualresult", str(result.pk))
    assert e.after == {"document": "annual_form", "members": [district.m1.pk], "year": 2025, "numbers": "full"}


def test_line_manager_in_scope_gets_masked_number(result, district, client_for):
    resp = client_for(district.squadron1).get(form_url(result))
    assert resp.status_code == 200
    assert district.m1.id_number not in compact(text_of(resp.content))
    assert AuditEntry.objects.get(action="export").after["numbers"] == "masked"


def test_member_gets_their_own_only(result, district, client_for):
    c = client_for(district.member1)
    resp = c.get(form_url(result))
    assert resp.status_code == 200
    has(text_of(resp.content), district.m1.id_number)
    other = AnnualResult.objects.create(member=district.m2, year=2025, composite=Decimal(75), band="pass",
                                        status="confirmed", computed_at=AT)
    assert c.get(form_url(other)).status_code == 404
    assert AuditEntry.objects.filter(action="export").count() == 1


@pytest.mark.parametrize("who", ["squadron2", "assessor", "hrco", "nobody"])
def test_out_of_scope_is_404(result, district, client_for, who):
    assert client_for(getattr(district, who)).get(form_url(result)).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_no_result_that_year_is_404_and_anonymous_redirects(result, district, client_for):
    url = reverse("assessment:annual_form_pdf", args=[2024, district.m1.pk])
    assert client_for(district.bureau_user).get(url).status_code == 404
    resp = client_for(None).get(form_url(result))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_pages_link_to_the_form(result, district, client_for):
    url = form_url(result)
    assert url in client_for(district.bureau_user).get(reverse("assessment:annual", args=[2025])).content.decode()
    assert url in client_for(district.member1).get(reverse("assessment:mine")).content.decode()
