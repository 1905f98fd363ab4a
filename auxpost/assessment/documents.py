"""§7.3/§11 The annual assessment form (年度考核登记表) of one member and year, as a PDF.

:func:`annual_form_data` gathers what the form prints (a handful of queries); :func:`annual_form_pdf`
lays it out: particulars, the twelve monthly 日常考核 totals, the 集中考核 scores by batch and
component, the year's points, the composite with the weights of the policy version the result
used, the band, its status (computed / reviewed / confirmed) with who and when, and blank boxes for
the unit's opinion and the member's signature. Access and the audit log are the view's business
(``auxpost.assessment.document_views``). Wording is fixed Chinese (see ``auxpost.core.pdf``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from reportlab.platypus import Flowable

from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsScore
from auxpost.assessment.rules import AssessmentPolicy
from auxpost.core import pdf
from auxpost.core.pdf import BLANK, date_cn, datetime_cn, grade_cn, para
from auxpost.people.rules import mask_id_number
from auxpost.policy.selectors import PolicyNotFound, policy_by_version, policy_in_force

FORM_TITLE = "年度考核登记表"
STATUS_LABEL = {"computed": "已计算（待审核）", "reviewed": "已审核（待确认）", "confirmed": "已确认",
                "imported": "历史导入"}


@dataclass
class SkillsLine:
    batch: int
    name: str
    components: dict
    composite: Decimal | None


@dataclass
class AnnualFormData:
    """Everything the 年度考核登记表 prints (plain values; no further queries when laid out)."""

    result: AnnualResult
    unit_name: str
    id_number: str
    #: month number (1–12) → the month's total, for the months scored.
    monthly: dict[int, Decimal]
    skills: list[SkillsLine]
    policy: AssessmentPolicy


def result_policy(result: AnnualResult) -> AssessmentPolicy:
    """§4.4 the assessment policy of the version the result was computed under (else the one in
    force on 31 December of its year; the shipped defaults when neither can be found)."""
    if result.policy_version:
        with contextlib.suppress(PolicyNotFound):
            return policy_by_version(result.policy_version).assessment
    try:
        return policy_in_force(dt.date(result.year, 12, 31)).assessment
    except PolicyNotFound:
        from auxpost.assessment.rules import WENJIANG_DEFAULT

        return WENJIANG_DEFAULT


def annual_form_data(result: AnnualResult, *, unit_name: str, show_id_number: bool) -> AnnualFormData:
    """Gather the form's data for ``result`` (whose member, reviewer and confirmer are joined)."""
    m = result.member
    first, last = dt.date(result.year, 1, 1), dt.date(result.year, 12, 31)
    monthly = {month.month: total for month, total in MonthlyScore.objects.filter(
        member_id=m.pk, month__gte=first, month__lte=last).values_list("month", "total")}
    skills = [SkillsLine(batch=s.round.batch, name=s.round.name, components=dict(s.components or {}),
                         composite=s.composite)
              for s in SkillsScore.objects.filter(member_id=m.pk, year=result.year).select_related("round")
              .order_by("round__batch", "round_id")]
    return AnnualFormData(result=result, unit_name=unit_name,
                          id_number=m.id_number if show_id_number else mask_id_number(m.id_number),
                          monthly=monthly, skills=skills, policy=result_policy(result))


def _num(value, blank: str = BLANK) -> str:
    if value is None:
        return blank
    d = Decimal(value)
    return f"{d:.2f}".rstrip("0").rstrip(".") if d != d.to_integral_value() else str(int(d))


def _weight(w: Decimal) -> str:
    return _num(w)


def annual_form_story(data: AnnualFormData, *, printed_on: dt.date) -> list[Flowable]:
    """§7.3 the 年度考核登记表 as flowables."""
    r, m, policy = data.result, data.result.member, data.policy
    story: list[Flowable] = [
        para(FORM_TITLE, "title"),
        para(f"（{r.year}年度）", "subtitle"),
        para("一、基本情况", "heading"),
        pdf.kv_table([
            ("姓名", m.name), ("性别", m.get_sex_display()),
            ("出生日期", date_cn(m.birth_date)), ("身份证号", data.id_number),
            ("学历", m.get_education_display()), ("政治面貌", m.political_status),
            ("所在单位", data.unit_name), ("入职日期", date_cn(m.hire_date)),
            ("现等级", grade_cn(m.grade)), ("等级起始", date_cn(m.grade_effective_date)),
        ]),
        para("二、日常考核（月度）", "heading"),
    ]
    rows = []
    for start in (1, 7):
        rows.append([f"{start}—{start + 5}月"] + [f"{mo}月" for mo in range(start, start + 6)])
        rows.append(["得分"] + [_num(data.monthly.get(mo)) for mo in range(start, start + 6)])
    shade = [("BACKGROUND", (0, 0), (-1, 0), pdf.SHADE), ("BACKGROUND", (0, 2), (-1, 2), pdf.SHADE)]
    story.append(pdf.table(rows, [0.16] + [0.14] * 6, center_cols=range(7), extra=shade))
    story.append(para(f"已评分{len(data.monthly)}个月；月度考核平均分：{_num(r.monthly_mean)}"
                      "（应评分而未评分的月份按0分计）。", "plain"))

    story.append(para("三、集中考核", "heading"))
    comps = policy.skills_components
    if data.skills:
        n = len(comps)
        comp_w = 0.54 / n
        story.append(pdf.table(
            [[f"第{s.batch}批", s.name] + [_num(s.components.get(c.code)) for c in comps] + [_num(s.composite)]
             for s in data.skills],
            [0.1, 0.24] + [comp_w] * n + [0.12],
            header=["批次", "名称"] + [f"{c.name}（×{_weight(c.weight)}）" for c in comps] + ["综合得分"],
            center_cols=[0] + list(range(2, n + 3))))
    else:
        story.append(para("本年度无集中考核记录。", "plain"))
    story.append(para(f"集中考核平均分：{_num(r.skills_mean)}。", "plain"))

    story.append(para("四、年度积分", "heading"))
    story.append(para(f"年度岗位积分：{_num(r.annual_points)}（计入综合得分的上限为{_num(policy.points_ceiling)}）。",
                      "plain"))

    story.append(para("五、综合得分与考核等次", "heading"))
    parts = []
    if r.monthly_mean is not None:
        parts.append(("月度考核平均", _num(r.monthly_mean), _weight(policy.weight_monthly),
                      _num(r.monthly_mean * policy.weight_monthly)))
    if r.skills_mean is not None:
        parts.append(("集中考核平均", _num(r.skills_mean), _weight(policy.weight_skills),
                      _num(r.skills_mean * policy.weight_skills)))
    if r.annual_points is not None:
        counted = min(r.annual_points, policy.points_ceiling) * Decimal(100) / policy.points_ceiling
        parts.append(("年度积分（计入）", _num(counted), _weight(policy.weight_points),
                      _num(counted * policy.weight_points)))
    if parts:
        story.append(pdf.table(parts + [("综合得分", "", "", f"{r.composite:.2f}")], [0.34, 0.22, 0.22, 0.22],
                               header=("项目", "得分", "权重", "折算分"), center_cols=(1, 2, 3)))
    band = _band_name(policy, r.band)
    rank = f"{r.rank} / {r.unit_size}" if r.rank else BLANK
    cap_unit = r.cap_unit.name if r.cap_unit_id else BLANK
    story.append(pdf.kv_table([
        ("综合得分", f"{r.composite:.2f}"), ("考核等次", band),
        ("单位内排名", rank), ("排名单位", cap_unit),
        ("结果状态", STATUS_LABEL.get(r.status, r.status)), ("政策版本", r.policy_version or BLANK),
        ("审核", f"{r.reviewed_by}　{datetime_cn(r.reviewed_at)}" if r.reviewed_by_id else "未审核"),
        ("确认", f"{r.confirmed_by}　{datetime_cn(r.confirmed_at)}" if r.confirmed_by_id else "未确认"),
        ("计算时间", datetime_cn(r.computed_at)), ("打印日期", date_cn(printed_on)),
    ]))
    notes = []
    if r.explanation:
        notes.append(para(r.explanation))
    notes += [para(f"· {x}") for x in (r.reasons or [])]
    if notes:
        story.append(pdf.box("计算说明", notes))

    story.append(para("六、意见", "heading"))
    story.append(pdf.box("单位意见", None, min_height=22 * pdf.mm, signature=pdf.blank_signature("负责人签字（盖章）")))
    story.append(pdf.box("本人签字", [para("本人已知悉上述考核结果。")], min_height=12 * pdf.mm,
                         signature=pdf.blank_signature("本人签字")))
    return story


def _band_name(policy: AssessmentPolicy, code: str) -> str:
    for b in policy.bands:
        if b.code == code:
            return b.name
    return code


def annual_form_pdf(data: AnnualFormData, *, issuer: str, printed_on: dt.date) -> bytes:
    """§7.3/§11 the 年度考核登记表 of one member and year."""
    with translation.override("zh-hans"):
        story = annual_form_story(data, printed_on=printed_on)
        info = pdf.DocumentInfo(title=f"{FORM_TITLE}（{data.result.member.name}，{data.result.year}年度）",
                                issuer=issuer, issued_on=printed_on, date_label="打印日期")
        return pdf.build_pdf(story, info)
