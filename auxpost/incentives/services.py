"""§9/§11 the HR company's pay sheet (.xlsx) and its logged personal-data export.

Sheet 1 (工资表): one row per member — 姓名, 身份证号 (in full: the HR company is the employer),
单位, 年末等级, 考核等次, 1月…12月 allowance, 津贴合计, 年终奖金, 应发合计, 备注 — and a totals row.
Sheet 2 (按等级和等次汇总): 人数, 津贴合计, 奖金合计 per grade × result, with totals; the same
numbers as sheet 1 grouped. Sheet 3 (说明): the period, the policy versions and the formulas.

The page, the API and ``auxpost paysheet`` all log through :func:`paysheet_log_export`, so each
download of names with ID numbers and pay is in the audit chain (§11).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from auxpost.audit.services import audit_record
from auxpost.incentives.selectors import PaySheet

MONTH_HEADERS = [f"{m}月" for m in range(1, 13)]
SHEET1_HEADERS = ["姓名", "身份证号", "单位", "年末等级", "考核等次", *MONTH_HEADERS, "津贴合计", "年终奖金", "应发合计",
                  "备注"]
SHEET2_HEADERS = ["年末等级", "考核等次", "人数", "津贴合计", "奖金合计"]
SHEET1_TITLE = "工资表"
SHEET2_TITLE = "按等级和等次汇总"
SHEET3_TITLE = "说明"
MONEY = "#,##0.00"


def paysheet_workbook(sheet: PaySheet, out) -> int:
    """Write the pay sheet to ``out`` (a path or a binary file); return the number of member rows.

    openpyxl's write-only mode: each row goes to the file as it is appended, so memory does not grow with
    the members (a normal workbook keeps every cell: +0.6–0.7 GB at 100,000 rows). Sheet settings
    (frozen panes, column widths) are set before the first row."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(ws, value=None, *, money: bool = False, strong: bool = False, text: bool = False) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=value)
        if money:
            c.number_format = MONEY
        if text:
            c.number_format = "@"
        if strong:
            c.font = bold
        return c

    def header(ws, titles: list[str]) -> list[WriteOnlyCell]:
        return [cell(ws, t, strong=True) for t in titles]

    ws = wb.create_sheet(SHEET1_TITLE)
    ws.freeze_panes = "C2"
    ws.column_dimensions["B"].width = 21
    ws.column_dimensions["C"].width = 28
    ws.append(header(ws, SHEET1_HEADERS))
    # One styled cell per column, reused: a write-only sheet writes an appended row out at once, so only
    # the values change from row to row (a new styled cell per value would cost a style lookup each).
    id_cell = cell(ws, text=True)
    money_cells = [cell(ws, money=True) for _ in range(15)]

    def money(i: int, value: Decimal | None):
        if value is None:
            return None  # no cell, as for an empty month
        c = money_cells[i]
        c.value = value
        return c

    for r in sheet.rows:
        id_cell.value = r.id_number
        ws.append([r.name, id_cell, r.unit, r.grade_label, r.band_label,
                   *(money(m, a) for m, a in enumerate(r.months)),
                   money(12, r.allowance_total), money(13, r.bonus), money(14, r.total), "；".join(r.remarks)])
    month_totals = [sum((r.months[m] for r in sheet.rows), Decimal("0.00")) if m < sheet.last_month else None
                    for m in range(12)]
    grand = [*month_totals, sheet.total.allowance_total, sheet.total.bonus_total if sheet.full_year else None,
             sheet.total.allowance_total + sheet.total.bonus_total]
    ws.append([cell(ws, "合计", strong=True), None, f"{len(sheet.rows)}人", None, None,
               *(cell(ws, v, money=v is not None, strong=True) for v in grand)])

    ws2 = wb.create_sheet(SHEET2_TITLE)
    ws2.append(header(ws2, SHEET2_HEADERS))
    for s in sheet.summary:
        ws2.append([s.grade_label, s.band_label, s.count, cell(ws2, s.allowance_total, money=True),
                    cell(ws2, s.bonus_total, money=True)])
    ws2.append([cell(ws2, "合计", strong=True), None, cell(ws2, sheet.total.count, strong=True),
                cell(ws2, sheet.total.allowance_total, money=True), cell(ws2, sheet.total.bonus_total, money=True)])

    ws3 = wb.create_sheet(SHEET3_TITLE)
    ws3.column_dimensions["B"].width = 90
    period = f"{sheet.year}年1–{sheet.last_month}月" if sheet.last_month > 1 else f"{sheet.year}年1月"
    for line in (
        ("期间", period),
        ("政策版本", sheet.versions_text()),
        ("职级津贴", "按月计发：各等级月津贴 × 当月持有该等级的天数 ÷ 当月天数，自等级生效之日起算，每人每月四舍五入到分"),
        ("年终奖金", "基数 × 等级系数（12月31日所持等级）× 考核系数（当年年度考核等次）；仅在全年工资表中计发"),
        ("年末等级", "工资表期末最后一日所持等级"),
    ):
        ws3.append(list(line))
    wb.save(out)
    return len(sheet.rows)


@transaction.atomic
def paysheet_log_export(*, actor, sheet: PaySheet, fmt: str, scope_text: str, output: str = "") -> None:
    """§11 a pay sheet names people with their ID numbers and pay: each download/export is logged."""
    audit_record(
        actor=actor, action="export", object_type="incentives.paysheet",
        object_repr=f"{sheet.year}年工资表（1–{sheet.last_month}月）",
        summary=f"pay sheet {sheet.year} months 1-{sheet.last_month}: {len(sheet.rows)} rows ({fmt}, {scope_text})"
                + (f" to {output}" if output else ""),
        after={"year": sheet.year, "last_month": sheet.last_month, "rows": len(sheet.rows), "format": fmt,
               "scope": scope_text, "output": output, "policy_versions": sheet.versions_text()},
    )


def paysheet_export(*, actor, sheet: PaySheet, out, scope_text: str, output: str = "") -> int:
    """§9/§11 write the .xlsx and log the export; returns the number of member rows."""
    n = paysheet_workbook(sheet, out)
    paysheet_log_export(actor=actor, sheet=sheet, fmt="xlsx", scope_text=scope_text, output=output)
    return n
