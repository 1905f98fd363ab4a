"""§4.2/§12 the import kinds of the post-analysis ledger: ``duties`` (岗位分析台账) and ``post_indicators``
(岗位分析指标). Registered from ``DutiesConfig.ready()``.

duties — one row per work item (工作事项), its duty (职责) and work line (条线):
条线 · 职责代码 · 职责 · 事项代码 · 工作事项 · 标准要求 · 频次 · 巡查类别 (· 职责说明, optional).

- 条线 is a work line's name or code; a name not yet known creates the work line;
- 职责代码 / 事项代码: 1–30 letters, digits, ``_ . -``; a row with 事项代码 and 工作事项 both empty
  describes a duty without work items;
- rows of the same 职责代码 must agree on 条线, 职责, 巡查类别 and 职责说明 (a blank 职责说明 agrees);
- one 事项代码 once per file; two duty codes with one name in one line are refused, also against a
  duty already stored under another code;
- 巡查类别 是/否 (empty = 否): whether the duty is an issue category of the patrol log (§5.3);
- codes already stored are updated (a work item may move to another duty), new ones created;
  duties and items missing from the file are kept (the page edits or removes them).

post_indicators — 指标代码 · 指标名称 · 指标类别 · 指标说明 · 对应月度考核指标: the last is the code or
name of a §7 monthly scorecard indicator of the policy in force (出勤, 纪律, 着装仪容, 履职情况, 群众评价
by default), or empty. Upserted by 指标代码.

Both: every row is checked first; any bad row and nothing is written (the framework's rule).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auxpost.audit.services import Change, audit_record_many, model_snapshot
from auxpost.duties import rules
from auxpost.duties.models import Duty, PostIndicator, WorkItem, WorkLine
from auxpost.imports.framework import Column, CrossCheck, ImportContext, ImportSpec, Row, RowError
from auxpost.imports.normalise import clean_compact, clean_text
from auxpost.imports.registry import register

H_LINE, H_DUTY_CODE, H_DUTY, H_ITEM_CODE, H_ITEM = "条线", "职责代码", "职责", "事项代码", "工作事项"
H_STANDARD, H_FREQUENCY, H_PATROL, H_DUTY_DESC = "标准要求", "频次", "巡查类别", "职责说明"
H_IND_CODE, H_IND_NAME, H_IND_CAT, H_IND_DESC, H_IND_SCORE = "指标代码", "指标名称", "指标类别", "指标说明", "对应月度考核指标"

DUTY_FIELDS = ["work_line", "code", "name", "description", "patrol_category", "sort_order"]
ITEM_FIELDS = ["duty", "code", "name", "standard", "frequency", "sort_order"]
INDICATOR_FIELDS = ["code", "name", "category", "description", "scorecard_indicator", "sort_order"]

_ALL_OR_NOTHING = gettext_lazy(
    "Every row is checked first. If any row is wrong nothing is imported, unless you choose to import only the "
    "good rows; the wrong rows then come back as a workbook with a column 错误原因.")


def _required() -> str:
    return _("This column must be filled in.")


def _text(row: Row, header: str, errs: list, *, limit: int, required: bool = False) -> str:
    value = clean_text(row.get(header))
    if required and not value:
        errs.append((header, _required()))
    elif len(value) > limit:
        errs.append((header, _("At most %(n)s characters.") % {"n": limit}))
    return value


def _code(row: Row, header: str, errs: list, *, required: bool = True) -> str:
    value = clean_compact(row.get(header))
    if not value:
        if required:
            errs.append((header, _required()))
        return ""
    if not rules.valid_code(value):
        errs.append((header, _("“%(value)s” is not a valid code: use 1 to 30 letters, digits, “_”, “.” or “-”.")
                     % {"value": value}))
        return ""
    return value


# --------------------------------------------------------------------------------------------- duties

@dataclass
class DutyRow:
    number: int
    line: str  # the work line as written (name or code)
    duty_code: str
    duty_name: str
    duty_description: str
    patrol: bool
    item_code: str
    item_name: str
    standard: str
    frequency: str


class DutiesImportSpec(ImportSpec):
    kind = "duties"
    title = gettext_lazy("Post-analysis ledger (岗位分析台账)")
    sheet_title = "岗位分析台账"
    filename = "岗位分析台账导入模板.xlsx"
    columns = (
        Column(H_LINE, True, gettext_lazy("The work line's name (or code), e.g. 扬尘, 机动, 市容市貌. A name not yet "
                                          "known creates the work line."), "市容市貌", 10),
        Column(H_DUTY_CODE, True, gettext_lazy("The duty's code, unique: 1 to 30 letters, digits, “_”, “.” or “-”."),
               "SR01", 10, text=True),
        Column(H_DUTY, True, gettext_lazy("The duty's name, at most 100 characters; one name once per work line."),
               "占道经营", 14),
        Column(H_ITEM_CODE, False, gettext_lazy("The work item's code, unique; empty (with 工作事项 empty) for a "
                                                "duty without work items."), "SR01-01", 10, text=True),
        Column(H_ITEM, False, gettext_lazy("The work item, at most 200 characters; required when 事项代码 is "
                                           "filled."), "流动摊贩劝离", 24),
        Column(H_STANDARD, False, gettext_lazy("The standard or requirement of the work item (free text)."),
               "发现流动摊贩占道经营的劝导其离开", 40),
        Column(H_FREQUENCY, False, gettext_lazy("How often, e.g. 每日, 每周, 每月, 随时, 每班; at most 50 "
                                                "characters."), "每日", 10),
        Column(H_PATROL, False, gettext_lazy("是 when the duty is an issue category of the patrol log, 否 or empty "
                                             "otherwise."), "是", 8, choices=("是", "否")),
        Column(H_DUTY_DESC, False, gettext_lazy("A description of the duty (optional; repeat it or leave it empty "
                                                "on the duty's other rows)."), "", 30),
    )
    notes = (
        gettext_lazy("Row 1 holds the headers; one work item per row from row 2, under its duty and work line. "
                     "Column order is free and extra columns are ignored."),
        gettext_lazy("Rows of the same 职责代码 must agree on 条线, 职责 and 巡查类别. Codes already stored are "
                     "updated, new codes are added; duties and items not in the file are kept."),
        _ALL_OR_NOTHING,
    )

    def prepare(self, ctx: ImportContext) -> None:
        lines = list(WorkLine.objects.all())
        ctx.data["lines"] = {**{wl.code: wl for wl in lines}, **{wl.name: wl for wl in lines}}

    def validate_row(self, row: Row, ctx: ImportContext):
        errs: list[tuple[str, str]] = []
        line = _text(row, H_LINE, errs, limit=50, required=True)
        duty_code = _code(row, H_DUTY_CODE, errs)
        duty_name = _text(row, H_DUTY, errs, limit=100, required=True)
        item_code = _code(row, H_ITEM_CODE, errs, required=False)
        item_name = _text(row, H_ITEM, errs, limit=200)
        if item_code and not item_name:
            errs.append((H_ITEM, _("Fill in the work item when 事项代码 is filled.")))
        if item_name and not item_code and not row.blank(H_ITEM) and row.blank(H_ITEM_CODE):
            errs.append((H_ITEM_CODE, _("Fill in the work item's code when 工作事项 is filled.")))
        standard = _text(row, H_STANDARD, errs, limit=1000)
        frequency = _text(row, H_FREQUENCY, errs, limit=50)
        description = _text(row, H_DUTY_DESC, errs, limit=1000)
        patrol = rules.parse_yes_no(clean_text(row.get(H_PATROL)))
        if patrol is None:
            errs.append((H_PATROL, _("Write 是 or 否 (empty means 否).")))
        if errs:
            return errs
        return DutyRow(row.number, line, duty_code, duty_name, description, patrol, item_code, item_name, standard,
                       frequency)

    def check_rows(self, rows, cleaned, ctx: ImportContext) -> CrossCheck:
        result = CrossCheck()
        good = [c for c in cleaned.values() if isinstance(c, DutyRow)]
        lines = ctx.data["lines"]

        def line_key(text: str) -> str:
            wl = lines.get(text)
            return wl.code if wl is not None else f"new:{text}"

        first: dict[str, DutyRow] = {}
        descriptions: dict[str, tuple[str, int]] = {}
        for c in good:
            f = first.setdefault(c.duty_code, c)
            if f is c:
                continue
            if line_key(c.line) != line_key(f.line):
                result.row_errors.append(RowError(c.number, H_LINE, _(
                    "Row %(row)s puts duty %(code)s under work line “%(other)s”.") % {
                    "row": f.number, "code": c.duty_code, "other": f.line}))
            if c.duty_name != f.duty_name:
                result.row_errors.append(RowError(c.number, H_DUTY, _(
                    "Row %(row)s names duty %(code)s “%(other)s”.") % {
                    "row": f.number, "code": c.duty_code, "other": f.duty_name}))
            if c.patrol != f.patrol:
                result.row_errors.append(RowError(c.number, H_PATROL, _(
                    "Row %(row)s says %(value)s for duty %(code)s.") % {
                    "row": f.number, "code": c.duty_code, "value": rules.yes_no(f.patrol)}))
        for c in good:
            if not c.duty_description:
                continue
            seen = descriptions.setdefault(c.duty_code, (c.duty_description, c.number))
            if seen[0] != c.duty_description:
                result.row_errors.append(RowError(c.number, H_DUTY_DESC, _(
                    "Row %(row)s describes duty %(code)s differently.") % {"row": seen[1], "code": c.duty_code}))
        # One name once per work line: within the file, and against stored duties under other codes.
        by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
        name_row: dict[tuple[str, str, str], int] = {}
        for code, f in first.items():
            key = (line_key(f.line), f.duty_name)
            by_name[key].add(code)
            name_row[(*key, code)] = f.number
        for (line, name), codes in by_name.items():
            if len(codes) > 1:
                for code in sorted(codes):
                    others = "、".join(sorted(codes - {code}))
                    result.row_errors.append(RowError(name_row[(line, name, code)], H_DUTY, _(
                        "Duty “%(name)s” appears under codes %(codes)s too in the same work line.") % {
                        "name": name, "codes": others}))
        stored = Duty.objects.filter(name__in={f.duty_name for f in first.values()}).select_related("work_line")
        for d in stored:
            if d.code in first:
                continue
            codes = by_name.get((d.work_line.code, d.name), set())
            for code in sorted(codes):
                result.row_errors.append(RowError(name_row[(d.work_line.code, d.name, code)], H_DUTY, _(
                    "Work line “%(line)s” already has a duty “%(name)s” under code %(code)s.") % {
                    "line": d.work_line.name, "name": d.name, "code": d.code}))
        items: dict[str, int] = {}
        for c in good:
            if not c.item_code:
                continue
            if c.item_code in items:
                result.row_errors.append(RowError(c.number, H_ITEM_CODE, _(
                    "Work item %(code)s is also in row %(row)s of this file.") % {
                    "code": c.item_code, "row": items[c.item_code]}))
            else:
                items[c.item_code] = c.number
        return result

    def write(self, items, ctx: ImportContext, tick) -> dict:
        actor = ctx.actor
        rows = [c for _row, c in items]
        lines = ctx.data["lines"]
        changes: list[Change] = []
        counts = {"lines": 0, "duties_created": 0, "duties_updated": 0, "items_created": 0, "items_updated": 0,
                  "unchanged": 0}
        next_order = max((wl.sort_order for wl in lines.values()), default=0)
        for r in rows:
            if r.line not in lines:
                next_order += 1
                n = WorkLine.objects.count() + 1
                code = f"line{n}"
                while WorkLine.objects.filter(code=code).exists():
                    n += 1
                    code = f"line{n}"
                wl = WorkLine.objects.create(name=r.line, code=code, sort_order=next_order)
                lines[wl.name] = lines[wl.code] = wl
                counts["lines"] += 1
                changes.append(Change("import", "duties.workline", str(wl.pk), wl.name,
                                      "§4.2 work line created by the duties import",
                                      after=model_snapshot(wl, ["name", "code", "sort_order"])))
        duties = {d.code: d for d in Duty.objects.filter(code__in={r.duty_code for r in rows})}
        order: dict[str, int] = defaultdict(int)
        for r in rows:
            if r.duty_code in order:
                continue
            order[r.duty_code] = len(order) + 1
            want = {"work_line": lines[r.line], "name": r.duty_name, "patrol_category": r.patrol,
                    "sort_order": order[r.duty_code]}
            desc = next((x.duty_description for x in rows if x.duty_code == r.duty_code and x.duty_description), "")
            if desc:
                want["description"] = desc
            duties[r.duty_code] = _upsert(Duty, duties.get(r.duty_code), r.duty_code, want, DUTY_FIELDS, changes,
                                          counts, "duties", "§4.2 duty imported")
        stored_items = {i.code: i for i in WorkItem.objects.filter(code__in={r.item_code for r in rows if r.item_code})}
        item_order: dict[str, int] = defaultdict(int)
        for r in rows:
            if not r.item_code:
                continue
            item_order[r.duty_code] += 1
            want = {"duty": duties[r.duty_code], "name": r.item_name, "standard": r.standard,
                    "frequency": r.frequency, "sort_order": item_order[r.duty_code]}
            _upsert(WorkItem, stored_items.get(r.item_code), r.item_code, want, ITEM_FIELDS, changes, counts, "items",
                    "§4.2 work item imported")
        audit_record_many(actor=actor, changes=changes, returning=False)
        tick(len(items))
        return counts

    def summary(self, counts: dict) -> str:
        return _("%(dc)s duties added, %(du)s updated; %(ic)s work items added, %(iu)s updated; %(un)s unchanged; "
                 "%(lines)s new work lines") % {
            "dc": counts.get("duties_created", 0), "du": counts.get("duties_updated", 0),
            "ic": counts.get("items_created", 0), "iu": counts.get("items_updated", 0),
            "un": counts.get("unchanged", 0), "lines": counts.get("lines", 0)}


def _upsert(model, obj, code: str, want: dict, fields: list[str], changes: list[Change], counts: dict, key: str,
            summary: str):
    label = model._meta.label_lower
    if obj is None:
        obj = model.objects.create(code=code, **want)
        counts[f"{key}_created"] += 1
        changes.append(Change("import", label, str(obj.pk), str(obj), summary, after=model_snapshot(obj, fields)))
        return obj
    before = model_snapshot(obj, fields)
    for name, value in want.items():
        setattr(obj, name, value)
    after = model_snapshot(obj, fields)
    if after == before:
        counts["unchanged"] += 1
        return obj
    obj.save()
    counts[f"{key}_updated"] += 1
    changes.append(Change("import", label, str(obj.pk), str(obj), summary, before=before, after=after))
    return obj


# -------------------------------------------------------------------------------------- indicators

@dataclass
class IndicatorRow:
    number: int
    code: str
    name: str
    category: str
    description: str
    scorecard: str


def scorecard_indicators(today) -> dict[str, str]:
    """§7.2 monthly scorecard indicators of the policy in force on ``today`` (code → name); the
    built-in default when no policy is published yet."""
    from auxpost.assessment.rules import WENJIANG_DEFAULT
    from auxpost.policy.selectors import PolicyNotFound, policy_in_force

    try:
        indicators = policy_in_force(today).assessment.monthly_indicators
    except PolicyNotFound:
        indicators = WENJIANG_DEFAULT.monthly_indicators
    return {i.code: i.name for i in indicators}


class PostIndicatorsImportSpec(ImportSpec):
    kind = "post_indicators"
    title = gettext_lazy("Post-analysis indicators (岗位分析指标)")
    sheet_title = "岗位分析指标"
    filename = "岗位分析指标导入模板.xlsx"
    columns = (
        Column(H_IND_CODE, True, gettext_lazy("The indicator's code, unique: 1 to 30 letters, digits, “_”, “.” or "
                                              "“-”."), "ZB01", 10, text=True),
        Column(H_IND_NAME, True, gettext_lazy("The indicator's name, at most 100 characters."), "出勤率", 16),
        Column(H_IND_CAT, True, gettext_lazy("Its category, at most 50 characters, e.g. 工作纪律, 履职能力."),
               "工作纪律", 12),
        Column(H_IND_DESC, False, gettext_lazy("What it measures (free text)."), "实际出勤天数占应出勤天数的比例", 40),
        Column(H_IND_SCORE, False, gettext_lazy("The monthly scorecard indicator it feeds (§7.2), by code or name "
                                                "(出勤, 纪律, 着装仪容, 履职情况, 群众评价), or empty."), "出勤", 14),
    )
    notes = (
        gettext_lazy("Row 1 holds the headers; one indicator per row from row 2 (the standard has 23). Codes "
                     "already stored are updated, new codes added."),
        _ALL_OR_NOTHING,
    )

    def prepare(self, ctx: ImportContext) -> None:
        known = scorecard_indicators(ctx.today or timezone.localdate())
        ctx.data["scorecard"] = {**known, **{name: code for code, name in known.items()}}
        ctx.data["scorecard_codes"] = set(known)

    def validate_row(self, row: Row, ctx: ImportContext):
        errs: list[tuple[str, str]] = []
        code = _code(row, H_IND_CODE, errs)
        name = _text(row, H_IND_NAME, errs, limit=100, required=True)
        category = _text(row, H_IND_CAT, errs, limit=50, required=True)
        description = _text(row, H_IND_DESC, errs, limit=1000)
        raw = clean_text(row.get(H_IND_SCORE))
        scorecard = ""
        if raw:
            if raw in ctx.data["scorecard_codes"]:
                scorecard = raw
            elif raw in ctx.data["scorecard"]:
                scorecard = ctx.data["scorecard"][raw]
            else:
                names = "、".join(v for k, v in ctx.data["scorecard"].items() if k in ctx.data["scorecard_codes"])
                errs.append((H_IND_SCORE, _("“%(value)s” is not a monthly scorecard indicator; write one of %(names)s "
                                            "or leave it empty.") % {"value": raw, "names": names}))
        if errs:
            return errs
        return IndicatorRow(row.number, code, name, category, description, scorecard)

    def check_rows(self, rows, cleaned, ctx: ImportContext) -> CrossCheck:
        result = CrossCheck()
        seen: dict[str, int] = {}
        for c in cleaned.values():
            if not isinstance(c, IndicatorRow):
                continue
            if c.code in seen:
                result.row_errors.append(RowError(c.number, H_IND_CODE, _(
                    "Indicator %(code)s is also in row %(row)s of this file.") % {"code": c.code, "row": seen[c.code]}))
            else:
                seen[c.code] = c.number
        return result

    def write(self, items, ctx: ImportContext, tick) -> dict:
        rows = [c for _row, c in items]
        stored = {i.code: i for i in PostIndicator.objects.filter(code__in={r.code for r in rows})}
        changes: list[Change] = []
        counts = {"indicators_created": 0, "indicators_updated": 0, "unchanged": 0}
        for pos, r in enumerate(rows, start=1):
            want = {"name": r.name, "category": r.category, "description": r.description,
                    "scorecard_indicator": r.scorecard, "sort_order": pos}
            _upsert(PostIndicator, stored.get(r.code), r.code, want, INDICATOR_FIELDS, changes, counts, "indicators",
                    "§4.2 post-analysis indicator imported")
        audit_record_many(actor=ctx.actor, changes=changes, returning=False)
        tick(len(items))
        return counts

    def summary(self, counts: dict) -> str:
        return _("%(c)s indicators added, %(u)s updated, %(n)s unchanged") % {
            "c": counts.get("indicators_created", 0), "u": counts.get("indicators_updated", 0),
            "n": counts.get("unchanged", 0)}


register(DutiesImportSpec())
register(PostIndicatorsImportSpec())
