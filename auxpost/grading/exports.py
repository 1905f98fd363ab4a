"""§6 / §8.3 grade outcomes as a workbook (.xlsx): one row per member, Chinese headers."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from auxpost.grading import rules

OUTCOME_LABEL = {rules.PROMOTE: "晋级", rules.KEEP: "保持", rules.DEMOTE: "降级", rules.SEPARATION: "退回建议",
                 rules.INITIAL: "首次定级"}
HEADERS = ["身份证号", "姓名", "所属单位", "当前等级", "评定结果", "目标等级", "名额排名", "未满足的条件", "全部条件", "政策版本"]


def reasons_text(reasons, *, only_failed: bool = False) -> str:
    """The explanation, one requirement a line, failed requirements first."""
    ordered = [r for r in reasons if not r.met] + ([] if only_failed else [r for r in reasons if r.met])
    return "\n".join(f"{'✗' if not r.met else '✓'} {r.requirement}：{r.actual}（要求 {r.required}）" for r in ordered)


def outcomes_workbook(outcomes, *, as_of: dt.date, policy) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = f"职级评定 {as_of.isoformat()}"
    ws.append(HEADERS)
    for m in outcomes:
        o = m.outcome
        ws.append([m.id_number, m.name, m.unit, rules.GRADE_LABEL.get(o.grade, "未定级"), OUTCOME_LABEL[o.outcome],
                   rules.GRADE_LABEL[o.target_grade], o.quota_rank, reasons_text(o.reasons, only_failed=True),
                   reasons_text(o.reasons), o.policy_version])
    for i, width in enumerate([21, 10, 34, 8, 10, 8, 8, 60, 80, 8], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    return wb
