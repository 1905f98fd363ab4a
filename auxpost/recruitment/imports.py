"""§5.2.1/§11 Importing the applications (报名) of one hiring plan from an .xlsx.

Columns: 姓名 · 身份证号 · 手机号 · 学历 · 报名日期 · 无犯罪记录声明 · 未被开除公职声明 (是/否). The cells are
normalised as every import does (``auxpost.imports.normalise``: dates in every §11 form, full-width digits,
the ID number per GB 11643 with sex and birth date derived) and run through the §11 framework: every row
is checked first; one bad row and nothing is written, unless only the good rows are asked for (the bad
ones come back as a workbook with 错误原因).

A row that reads well is an application even if the applicant does not qualify: the screening rejects it
with its reasons, as on the page (a second row of one ID number is such a rejection, 重复报名).

Decision: the kind is not registered with ``auxpost.imports.registry`` — an application belongs to a plan,
which neither the generic upload page nor ``auxpost import <kind>`` can choose; the upload is on the plan's
page (bureau only), which passes the plan in ``ctx.data["plan"]``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from auxpost.imports.framework import Column, ImportAborted, ImportContext, ImportSpec, Row
from auxpost.imports.normalise import DATE_FORMS_HELP
from auxpost.recruitment import rules, services

H_NAME, H_ID, H_PHONE, H_EDU, H_DATE, H_CRIME, H_DISMISSED = (
    "姓名", "身份证号", "手机号", "学历", "报名日期", "无犯罪记录声明", "未被开除公职声明")
FIELD_HEADER = {"name": H_NAME, "id_number": H_ID, "phone": H_PHONE, "education": H_EDU, "applied_on": H_DATE,
                "no_criminal_record": H_CRIME, "not_dismissed": H_DISMISSED}


class ApplicationsImportSpec(ImportSpec):
    kind = "applications"
    title = gettext_lazy("Applications to a hiring plan (报名)")
    sheet_title = "报名"
    filename = "报名导入模板.xlsx"
    columns = (
        Column(H_NAME, True, gettext_lazy("The applicant's full name."), "张三", 10),
        Column(H_ID, True, gettext_lazy("18-character resident ID number; keep the column formatted as text. Sex "
                                        "and date of birth are taken from it."), "510115199005171230", 22,
               text=True),
        Column(H_PHONE, False, gettext_lazy("11-digit mobile number."), "13800001234", 14, text=True),
        Column(H_EDU, True, gettext_lazy("初中, 高中, 中专, 大专, 本科, 硕士研究生 or 博士研究生."), "高中", 10,
               choices=("初中", "高中", "中专", "大专", "本科", "硕士研究生", "博士研究生")),
        Column(H_DATE, True, format_lazy("{}{}", gettext_lazy("The date the application was received: "), DATE_FORMS_HELP),
               "2026-03-05", 12, date=True),
        Column(H_CRIME, True, gettext_lazy("是 if the applicant declares no criminal record, else 否."), "是", 12,
               choices=("是", "否")),
        Column(H_DISMISSED, True, gettext_lazy("是 if the applicant declares never having been dismissed from "
                                               "public service, else 否."), "是", 14, choices=("是", "否")),
    )
    notes = (
        gettext_lazy("Row 1 holds the headers; one application per row from row 2. Column order is free and extra "
                     "columns are ignored."),
        gettext_lazy("Each application is screened automatically (age at the application date, education, the "
                     "two declarations, a second application of one ID number, someone already on the roster); "
                     "an applicant who does not qualify is recorded with every reason."),
        gettext_lazy("Every row is checked first. If any row is wrong nothing is imported, unless you choose to import "
                     "only the good rows; the wrong rows then come back as a workbook with a column 错误原因."),
    )

    def validate_row(self, row: Row, ctx: ImportContext):
        today = ctx.today or timezone.localdate()
        raw_id = row.get(H_ID)
        if isinstance(raw_id, float):
            return [(H_ID, "Excel把身份证号存成了数字并丢失了末几位，请把该列设为文本格式后重新输入")]
        data = {field: row.get(header) for field, header in FIELD_HEADER.items()}
        try:
            return services.application_clean(data, today=today)
        except ValidationError as exc:
            return [(FIELD_HEADER.get(field, ""), _strip(message))
                    for field, messages in exc.message_dict.items() for message in messages]

    def write(self, items, ctx: ImportContext, tick) -> dict:
        try:
            apps = services.applications_add(actor=ctx.actor, plan=ctx.data["plan"], rows=[c for _r, c in items],
                                             today=ctx.today, source="import")
        except rules.MoveRefused as exc:
            raise ImportAborted(exc.message) from None
        tick(len(items))
        rejected = sum(1 for a in apps if a.status == rules.REJECTED)
        return {"created": len(apps), "qualified": len(apps) - rejected, "rejected": rejected}

    def summary(self, counts: dict) -> str:
        return f"新增报名{counts.get('created', 0)}人（资格审查通过{counts.get('qualified', 0)}人，" \
               f"未通过{counts.get('rejected', 0)}人）"


def _strip(message: str) -> str:
    """The field label is the column header already: drop "标签：" in front of the reason."""
    return message.split("：", 1)[1] if "：" in message else message


H_EXAM, H_INTERVIEW, H_FITNESS = "笔试成绩", "面试成绩", "体能测试成绩"


class ScoresImportSpec(ImportSpec):
    """§5.2.1 the written exam, interview and fitness scores of a plan's qualified applicants, by ID number
    (身份证号 · 姓名 · 笔试成绩 · 面试成绩 · 体能测试成绩). Each row goes through ``services.scores_set`` (the
    weighted total, the pass mark, the ranking), all in one transaction."""

    kind = "application_scores"
    title = gettext_lazy("Scores of a hiring plan's applicants")
    sheet_title = "成绩"
    filename = "招聘成绩导入模板.xlsx"
    columns = (
        Column(H_ID, True, gettext_lazy("ID number of an applicant to this plan who passed the screening."),
               "510115199005171230", 22, text=True),
        Column(H_NAME, True, gettext_lazy("Full name; must be the name on the application."), "张三", 10),
        Column(H_EXAM, True, gettext_lazy("0 to 100, at most two decimals."), "80", 10),
        Column(H_INTERVIEW, True, gettext_lazy("0 to 100, at most two decimals."), "75", 10),
        Column(H_FITNESS, True, gettext_lazy("0 to 100, at most two decimals."), "70", 10),
    )
    notes = ApplicationsImportSpec.notes[2:]

    def prepare(self, ctx: ImportContext) -> None:
        from auxpost.recruitment.models import Application

        ctx.data["apps"] = {a.id_number: a for a in Application.objects.filter(
            plan=ctx.data["plan"], status__in=rules.SCORING_STATES)}

    def validate_row(self, row: Row, ctx: ImportContext):
        from auxpost.imports.normalise import NormaliseError, clean_compact, clean_name, parse_decimal
        from auxpost.people.rules import InvalidIdNumber, parse_id_number

        errs: list[tuple[str, str]] = []
        app = None
        raw = row.get(H_ID)
        if isinstance(raw, float):
            errs.append((H_ID, "Excel把身份证号存成了数字并丢失了末几位，请把该列设为文本格式后重新输入"))
        else:
            try:
                info = parse_id_number(clean_compact(raw or ""), today=ctx.today)
            except InvalidIdNumber as exc:
                errs.append((H_ID, str(exc)))
            else:
                app = ctx.data["apps"].get(info.id_number)
                if app is None:
                    errs.append((H_ID, "本招聘计划中没有该身份证号资格审查通过、可录入成绩的报名"))
        name = clean_name(row.get(H_NAME) or "")
        if app is not None and name != app.name:
            errs.append((H_NAME, f"姓名与报名不一致：该身份证号的报名人为{app.name}"))
        scores = []
        for header in (H_EXAM, H_INTERVIEW, H_FITNESS):
            try:
                scores.append(parse_decimal(row.get(header), places=2, minimum=0, maximum=100, suffixes=("分",)))
            except NormaliseError as exc:
                errs.append((header, str(exc)))
        return errs or (app, scores)

    def check_rows(self, rows, cleaned, ctx):
        from auxpost.imports.framework import CrossCheck, RowError

        out = CrossCheck()
        seen: dict[int, int] = {}
        for number, (app, _scores) in sorted(cleaned.items()):
            if app.pk in seen:
                out.row_errors.append(RowError(number, H_ID, f"与第{seen[app.pk]}行重复"))
            else:
                seen[app.pk] = number
        return out

    def write(self, items, ctx: ImportContext, tick) -> dict:
        try:
            for n, (_row, (app, scores)) in enumerate(items, start=1):
                services.scores_set(actor=ctx.actor, application=app, exam=scores[0], interview=scores[1],
                                    fitness=scores[2], today=ctx.today)
                tick(n)
        except rules.MoveRefused as exc:
            raise ImportAborted(exc.message) from None
        return {"scored": len(items)}

    def summary(self, counts: dict) -> str:
        return f"录入成绩{counts.get('scored', 0)}人"


SPEC = ApplicationsImportSpec()
SCORES_SPEC = ScoresImportSpec()
