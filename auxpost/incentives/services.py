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


def _money_cell(ws, row: int, col: int, value: Decimal | None) -> None:
    if value is None:
        return
    cell = ws.cell(row=row, column=col, value=value)
    cell.number_format = MONEY


def paysheet_workbook(sheet: PaySheet, out) -> int:
    """Write the pay sheet to ``out`` (a path or a binary file); return the number of member rows."""
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = SHEET1_TITLE
    ws.append(SHEET1_HEADERS)
    for cell in ws[1]:
        cell.font = bold
    first_money = 6  # column of 1月
    for i, r in enumerate(sheet.rows, start=2):
        ws.cell(row=i, column=1, value=r.name)
        ws.cell(row=i, column=2, value=r.id_number).number_format = "@"
        ws.cell(row=i, column=3, value=r.unit)
        ws.cell(row=i, column=4, value=r.grade_label)
        ws.cell(row=i, column=5, value=r.band_label)
        for m, amount in enumerate(r.months):
            _money_cell(ws, i, first_money + m, amount)
        _money_cell(ws, i, first_money + 12, r.allowance_total)
        _money_cell(ws, i, first_money + 13, r.bonus)
        _money_cell(ws, i, first_money + 14, r.total)
        ws.cell(row=i, column=first_money + 15, value="；".join(r.remarks))
    t = len(sheet.rows) + 2
    ws.cell(row=t, column=1, value="合计").font = bold
    ws.cell(row=t, column=3, value=f"{len(sheet.rows)}人")
    for m in range(12):
        if m < sheet.last_month:
            _money_cell(ws, t, first_money + m, sum((r.months[m] for r in sheet.rows), Decimal("0.00")))
    _money_cell(ws, t, first_money + 12, sheet.total.allowance_total)
    if sheet.full_year:
        _money_cell(ws, t, first_money + 13, sheet.total.bonus_total)
    _money_cell(ws, t, first_money + 14, sheet.total.allowance_total + sheet.total.bonus_total)
    for col in range(first_money, first_money + 15):
        ws.cell(row=t, column=col).font = bold
    ws.freeze_panes = "C2"
    ws.column_dimensions["B"].width = 21
    ws.column_dimensions["C"].width = 28

    ws2 = wb.create_sheet(SHEET2_TITLE)
    ws2.append(SHEET2_HEADERS)
    for cell in ws2[1]:
        cell.font = bold
    for i, s in enumerate(sheet.summary, start=2):
        ws2.cell(row=i, column=1, value=s.grade_label)
        ws2.cell(row=i, column=2, value=s.band_label)
        ws2.cell(row=i, column=3, value=s.count)
        _money_cell(ws2, i, 4, s.allowance_total)
        _money_cell(ws2, i, 5, s.bonus_total)
    t = len(sheet.summary) + 2
    ws2.cell(row=t, column=1, value="合计").font = bold
    ws2.cell(row=t, column=3, value=sheet.total.count).font = bold
    _money_cell(ws2, t, 4, sheet.total.allowance_total)
    _money_cell(ws2, t, 5, sheet.total.bonus_total)

    ws3 = wb.create_sheet(SHEET3_TITLE)
    period = f"{sheet.year}年1–{sheet.last_month}月" if sheet.last_month > 1 else f"{sheet.year}年1月"
    for line in (
        ("期间", period),
        ("政策版本", sheet.versions_text()),
        ("职级津贴", "按月计发：各等级月津贴 × 当月持有该等级的天数 ÷ 当月天数，自等级生效之日起算，每人每月四舍五入到分"),
        ("年终奖金", "基数 × 等级系数（12月31日所持等级）× 考核系数（当年年度考核等次）；仅在全年工资表中计发"),
        ("年末等级", "工资表期末最后一日所持等级"),
    ):
        ws3.append(list(line))
    ws3.column_dimensions["B"].width = 90
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
