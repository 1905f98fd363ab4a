"""§5.2.2/§11 the hours shortfall (学时不足) as .xlsx: a logged personal-data export.

Columns: 身份证号 (masked unless the reader sees personal data) · 姓名 · 所属单位 · 年度 · 应完成学时 ·
已完成学时 · 差额. The page and the API write through ``shortfall_export`` so the audit entry is the same.
"""

from __future__ import annotations

import json

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from auxpost.audit.services import audit_record
from auxpost.org.selectors import unit_full_names
from auxpost.people.selectors import PersonalDataView
from auxpost.training.selectors import ShortRow

HEADERS = ["身份证号", "姓名", "所属单位", "年度", "应完成学时", "已完成学时", "差额"]
SHEET_TITLE = "培训学时不足"


def shortfall_workbook(rows: list[ShortRow], out, *, view: PersonalDataView) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        c = WriteOnlyCell(ws, value=title)
        c.font = bold
        header.append(c)
    ws.append(header)
    names = unit_full_names()
    for r in rows:
        m, req = r.member, r.requirement
        ws.append([view.id_number(m), m.name, names.get(m.unit_id, ""), req.year, float(req.required),
                   float(req.actual), float(req.shortfall)])
    wb.save(out)
    return len(rows)


def shortfall_export(*, actor, rows: list[ShortRow], out, filters: dict) -> int:
    """§5.2.2/§11 write the shortfall list and log it (who, how many rows, which filters, full or masked)."""
    view = PersonalDataView(actor)
    n = shortfall_workbook(rows, out, view=view)
    audit_record(actor=actor, action="export", object_type="training.trainingrecord", object_repr=SHEET_TITLE,
                 summary=f"training shortfall export: {n} rows; filters: "
                         f"{json.dumps(filters, ensure_ascii=False, sort_keys=True)}",
                 after={"rows": n, "filters": filters, "numbers": "full" if view.all else "masked"})
    return n
