"""§8.4/§11 The grade evaluation's printable documents: the 公示 notice (职级评定结果公示) and the
grade-evaluation approval form (职级评定审批表), one candidate or a whole round (one per page).

Builders take model instances (with their related rows prefetched by :func:`form_queryset`) or
plain rows and return PDF bytes; access and the audit log are the views' business
(``auxpost.evaluation.document_views``). Wording is fixed Chinese (see ``auxpost.core.pdf``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import translation
from reportlab.platypus import Flowable, Spacer

from auxpost.core import pdf
from auxpost.core.pdf import BLANK, date_cn, datetime_cn, grade_cn, para
from auxpost.evaluation import rules
from auxpost.evaluation.models import (
    Approval,
    Candidate,
    EvaluationRound,
    Material,
    Objection,
    ObjectionStatus,
    RoundKind,
    Transition,
)
from auxpost.people.models import GradeHistory
from auxpost.people.rules import mask_id_number

NOTICE_TITLE = "职级评定结果公示"
FORM_TITLE = "职级评定审批表"

_OBJECTION_LABEL = {ObjectionStatus.PENDING: "待处理", ObjectionStatus.UPHELD: "异议成立",
                    ObjectionStatus.DISMISSED: "异议不成立"}
_BODY_ORDER = (rules.BUREAU, rules.HR_COMPANY, rules.STAFFING_OFFICE)


def _who(user) -> str:
    return str(user) if user is not None else "系统"


# --- 公示 notice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRow:
    """One line of the 公示 list: who, where, and the decision with its grades."""

    name: str
    unit: str
    from_grade: int | None
    to_grade: int | None
    decision: str

    @property
    def change(self) -> str:
        """"五级 → 四级", or "首次定级 四级" for a member graded for the first time."""
        if self.decision == rules.INITIAL or self.from_grade is None:
            return f"首次定级 {grade_cn(self.to_grade)}"
        if self.decision == rules.SEPARATION:
            return f"{grade_cn(self.from_grade)} → 退回"
        return f"{grade_cn(self.from_grade)} → {grade_cn(self.to_grade)}"

    @property
    def decision_label(self) -> str:
        return rules.OUTCOME_LABEL.get(self.decision, self.decision)


def notice_rows_of(candidates: Iterable[Candidate], unit_names: dict[int, str]) -> list[NoticeRow]:
    """The notice's lines from the candidates on it (``unit_names``: unit id → full name)."""
    out = []
    for c in candidates:
        decision = c.decision or c.outcome
        grade = c.decision_grade if c.decision_grade is not None else c.target_grade
        out.append(NoticeRow(name=c.member.name, unit=unit_names.get(c.unit_id, c.unit.name if c.unit_id else ""),
                             from_grade=c.from_grade, to_grade=grade, decision=decision))
    return out


def publicity_period(rnd: EvaluationRound) -> str:
    """"公示期：2026年3月2日至2026年3月6日（5个工作日）"."""
    days = f"（{rnd.publicity_days}个工作日）" if rnd.publicity_days else ""
    return f"公示期：{date_cn(rnd.publicity_start)}至{date_cn(rnd.publicity_end)}{days}"


def notice_pdf(*, round: EvaluationRound, rows: Sequence[NoticeRow], issuer: str,
               issued_on: dt.date | None = None) -> bytes:
    """§8.4 the 公示 notice: title, round, the decisions on the list, the period (working days),
    where to send objections, the issuing body and the date (by default the first day of the 公示)."""
    on = issued_on or round.publicity_start or round.as_of
    kind = "首次定级" if round.kind == RoundKind.INITIAL else "职级评定"
    story: list[Flowable] = [
        para(NOTICE_TITLE, "title"),
        para(round.name, "subtitle"),
        para(f"根据辅岗人员职级管理的有关规定，经个人申请、单位推荐、资格审查和审批，{round.name}拟{kind}"
             f"结果已确定，现将{len(rows)}名人员的评定结果予以公示。", "body"),
    ]
    if rows:
        story.append(pdf.table(
            [(str(i), r.name, r.unit, r.change, r.decision_label) for i, r in enumerate(rows, 1)],
            [0.08, 0.16, 0.36, 0.24, 0.16], header=("序号", "姓名", "所在单位", "等级变动", "评定结果"),
            center_cols=(0, 1, 3, 4)))
    else:
        story.append(para("本轮无等级变动人员。", "body"))
    story.append(Spacer(1, 4 * pdf.mm))
    story.append(para(publicity_period(round) + "。", "body"))
    contact = round.objection_contact or issuer
    story.append(para(f"公示期间，对公示对象有异议的，请以书面或当面方式向{contact}反映。反映问题应实事求是、"
                      "具体翔实，以个人名义反映的请署真实姓名。", "body"))
    story.append(pdf.signature_block(issuer, on))
    info = pdf.DocumentInfo(title=f"{NOTICE_TITLE}（{round.name}）", issuer=issuer, issued_on=on,
                            date_label="公示日期")
    with translation.override("zh-hans"):
        return pdf.build_pdf(story, info)


# --- 职级评定审批表 -----------------------------------------------------------------------------


def form_queryset(qs: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """The candidates with everything the form prints, in a fixed number of queries."""
    return qs.select_related("member", "member__unit", "unit", "round").prefetch_related(
        Prefetch("transitions", queryset=Transition.objects.select_related("actor").order_by("at", "pk")),
        Prefetch("approvals", queryset=Approval.objects.select_related("by").order_by("at", "pk")),
        Prefetch("materials", queryset=Material.objects.select_related("by").order_by("at", "pk")),
        Prefetch("objections", queryset=Objection.objects.select_related("recorded_by", "decided_by")
                 .order_by("recorded_at", "pk")),
        Prefetch("member__grade_history", queryset=GradeHistory.objects.order_by("effective_date", "id")),
    )


def grade_since(history: Sequence[GradeHistory], grade: int | None, as_of: dt.date) -> dt.date | None:
    """The date the grade held on ``as_of`` took effect (the start of its trailing run of rows)."""
    rows = [h for h in history if h.effective_date <= as_of]
    if not rows or grade is None or rows[-1].grade != grade:
        return None
    since = rows[-1].effective_date
    for h in reversed(rows):
        if h.grade != grade:
            break
        since = h.effective_date
    return since


def _decision_text(decision: str, grade: int | None, from_grade: int | None) -> str:
    label = rules.OUTCOME_LABEL.get(decision, decision)
    if decision == rules.SEPARATION:
        return label
    if decision == rules.KEEP:
        return f"{label}（{grade_cn(grade)}）"
    if decision == rules.INITIAL or from_grade is None:
        return f"{label}：{grade_cn(grade)}"
    return f"{label}：{grade_cn(from_grade)} → {grade_cn(grade)}"


def _transitions(c: Candidate, *actions: str) -> list[Transition]:
    return [t for t in c.transitions.all() if t.action in actions]


def _opinion(ts: Sequence[Transition], labels: dict[str, str], none: str) -> list[Flowable]:
    if not ts:
        return [para(none)]
    out = []
    for t in ts:
        text = f"意见：{labels[t.action]}"
        if t.reason:
            text += f"\n理由：{t.reason}"
        text += f"\n经办人：{_who(t.actor)}　时间：{datetime_cn(t.at)}"
        out.append(para(text))
    return out


def approval_form_story(c: Candidate, *, unit_name: str, show_id_number: bool, printed_on: dt.date
                        ) -> list[Flowable]:
    """§8.4 one candidate's 职级评定审批表 as flowables (``c`` from :func:`form_queryset`)."""
    rnd, m = c.round, c.member
    id_number = m.id_number if show_id_number else mask_id_number(m.id_number)
    since = grade_since(list(m.grade_history.all()), c.from_grade, rnd.as_of)
    story: list[Flowable] = [
        para(FORM_TITLE, "title"),
        para(f"{rnd.name}（评定基准日 {date_cn(rnd.as_of)}）", "subtitle"),
        para("一、基本情况", "heading"),
        pdf.kv_table([
            ("姓名", m.name), ("性别", m.get_sex_display()),
            ("出生日期", date_cn(m.birth_date)), ("身份证号", id_number),
            ("学历", m.get_education_display()), ("政治面貌", m.political_status),
            ("所在单位", unit_name), ("入职日期", date_cn(m.hire_date)),
            ("评定时等级", grade_cn(c.from_grade)), ("现等级起始", date_cn(since)),
        ]),
        para("二、测算结果", "heading"),
        pdf.kv_table([
            ("测算结果", rules.OUTCOME_LABEL.get(c.outcome, c.outcome)), ("目标等级", grade_cn(c.target_grade)),
            ("名额排序", str(c.quota_rank) if c.quota_rank else BLANK), ("政策版本", rnd.policy_version),
        ]),
    ]
    reasons = list(c.reasons or [])
    if reasons:
        story.append(pdf.table(
            [(str(i), r.get("requirement", ""), r.get("required", ""), r.get("actual", ""),
              "符合" if r.get("met") else "不符合") for i, r in enumerate(reasons, 1)],
            [0.07, 0.23, 0.28, 0.28, 0.14], header=("序号", "条件", "要求", "实际", "是否符合"),
            center_cols=(0, 4)))
    else:
        story.append(para("（无测算说明）"))

    # 三、个人申请及材料
    story.append(para("三、个人申请及材料", "heading"))
    applied = _transitions(c, "apply")
    if applied:
        t = applied[-1]
        on_behalf = "（由局代为录入）" if t.acting_as == rules.BUREAU else ""
        application = f"已于{datetime_cn(t.at)}提出申请{on_behalf}。"
    elif _transitions(c, "lapse"):
        application = "申请期内未提出申请。"
    elif rules.needs_application(rnd.kind, c.outcome):
        application = "尚未提出申请。"
    else:
        application = "无需个人申请（" + ("首次定级" if rnd.kind == RoundKind.INITIAL else "非晋级结果") + "）。"
    materials = [para(f"{i}. {datetime_cn(mt.at)} {_who(mt.by)}：{mt.text}")
                 for i, mt in enumerate(c.materials.all(), 1)]
    story.append(pdf.box("个人申请", [para(application)]))
    story.append(pdf.box("补充材料", materials or [para("无")]))

    # 四、单位推荐意见 / 五、资格审查意见
    story.append(para("四、单位推荐意见", "heading"))
    story.append(pdf.box("单位推荐", _opinion(_transitions(c, "recommend", "not_recommend"),
                                             {"recommend": "推荐", "not_recommend": "不推荐"},
                                             _pending_text(c, rnd, rules.RECOMMENDATION)),
                         min_height=14 * pdf.mm))
    story.append(para("五、资格审查意见", "heading"))
    story.append(pdf.box("资格审查", _opinion(_transitions(c, "qualify", "disqualify"),
                                             {"qualify": "审查通过", "disqualify": "审查不通过"},
                                             _pending_text(c, rnd, rules.REVIEW)),
                         min_height=14 * pdf.mm))

    # 六、审批意见 (§8.1)
    story.append(para("六、审批意见", "heading"))
    decision = c.decision or c.outcome
    grade = c.decision_grade if c.decision_grade is not None else c.target_grade
    if c.decision:
        story.append(para(f"提交审批的决定：{_decision_text(decision, grade, c.from_grade)}"
                          + (f"（{c.decision_note}）" if c.decision_note else "")))
    else:
        story.append(para(f"尚未提交审批；按测算结果拟为：{_decision_text(decision, grade, c.from_grade)}"))
    signed = {a.body: a for a in c.approvals.all()}
    bodies = rules.approving_bodies(decision, grade)
    for body in _BODY_ORDER:
        if body not in bodies:
            continue
        a = signed.get(body)
        label = rules.BODY_LABEL[body]
        if a is None:
            story.append(pdf.box(label, [para("意见：")], min_height=16 * pdf.mm, signature=pdf.blank_signature()))
        else:
            text = "意见：" + ("同意" if a.approved else "不同意") + (f"。{a.note}" if a.note else "")
            story.append(pdf.box(label, [para(text)], min_height=10 * pdf.mm,
                                 signature=f"签字：{_who(a.by)}　日期：{datetime_cn(a.at)}"))

    # 七、公示及异议
    story.append(para("七、公示及异议", "heading"))
    if rnd.publicity_start:
        story.append(para(publicity_period(rnd)))
    objections = list(c.objections.all())
    if objections:
        story.append(pdf.table(
            [(date_cn(o.received_on), o.objector or "（未署名）", o.text, _OBJECTION_LABEL.get(o.status, o.status),
              (o.decision_note + (f"\n{_who(o.decided_by)} {datetime_cn(o.decided_at)}" if o.decided_by_id else ""))
              if o.status != ObjectionStatus.PENDING else BLANK)
             for o in objections],
            [0.16, 0.14, 0.32, 0.12, 0.26], header=("收到日期", "反映人", "异议内容", "处理结果", "处理意见"),
            center_cols=(0, 3)))
    elif rnd.publicity_start:
        story.append(para("公示期间未收到异议。" if rnd.status != rules.PUBLICITY else "公示期间，暂未收到异议。"))
    else:
        story.append(para("尚未公示。"))

    # 八、评定决定
    story.append(para("八、评定决定", "heading"))
    story.append(pdf.kv_table([
        ("办理状态", rules.CANDIDATE_LABEL.get(c.status, c.status)), ("评定决定", _final_text(c)),
        ("决定文号", rnd.decision_number if c.status in (rules.FINAL, rules.CANDIDATE_EFFECTIVE) else BLANK),
        ("决定日期", date_cn(rnd.decided_on) if c.status in (rules.FINAL, rules.CANDIDATE_EFFECTIVE) else BLANK),
        ("生效日期", date_cn(rnd.effective_date)), ("打印日期", date_cn(printed_on)),
    ]))
    return story


def _pending_text(c: Candidate, rnd: EvaluationRound, stage: str) -> str:
    if not rules.on_promotion_track(rnd.kind, c.outcome):
        return "不适用（非晋级结果直接报审批）。"
    if c.status in (rules.NOT_APPLIED,):
        return "未申请，不进入本环节。"
    order = list(rules.ROUND_STATES)
    if rnd.status in order and order.index(rnd.status) <= order.index(stage):
        return "尚未办理。"
    return "未进入本环节。"


def _final_text(c: Candidate) -> str:
    if c.status in (rules.FINAL, rules.CANDIDATE_EFFECTIVE):
        return _decision_text(c.decision, c.decision_grade, c.from_grade)
    if c.status == rules.WITHDRAWN:
        return "异议成立，撤出公示，等级不变"
    if c.status == rules.REJECTED:
        return "未获批准，等级不变"
    return "尚未作出决定"


def approval_forms_pdf(candidates: Sequence[Candidate], *, unit_names: dict[int, str],
                       show_id_number: Callable[[Candidate], bool], issuer: str, printed_on: dt.date,
                       title: str) -> bytes:
    """§8.4 the 职级评定审批表 of each candidate, each starting on a new page."""
    story: list[Flowable] = []
    with translation.override("zh-hans"):
        for i, c in enumerate(candidates):
            if i:
                story.append(pdf.page_break())
            story.extend(approval_form_story(c, unit_name=unit_names.get(c.unit_id, c.unit.name),
                                             show_id_number=show_id_number(c), printed_on=printed_on))
        if not story:
            story.append(para(FORM_TITLE, "title"))
            story.append(para("（没有符合条件的候选人）", "subtitle"))
        info = pdf.DocumentInfo(title=title, issuer=issuer, issued_on=printed_on, date_label="打印日期")
        return pdf.build_pdf(story, info)
