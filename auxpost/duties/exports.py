"""§4.2 the whole ledger as .xlsx: sheet 岗位分析台账 (the ``duties`` import's columns, one row per work item,
so it imports back as is) and sheet 岗位分析指标 (the ``post_indicators`` columns; move it first, or copy it
into that kind's template, to import it)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from auxpost.duties import rules
from auxpost.duties.imports import DutiesImportSpec, PostIndicatorsImportSpec
from auxpost.duties.models import Duty, PostIndicator, WorkItem

FILENAME = "岗位分析台账.xlsx"


def _header(ws, headers):
    bold = Font(bold=True)
    cells = []
    for title in headers:
        c = WriteOnlyCell(ws, value=title)
        c.font = bold
        cells.append(c)
    ws.append(cells)


def catalogue_rows() -> list[list]:
    """The 岗位分析台账 rows (two queries), in the order of the page."""
    items: dict[int, list[WorkItem]] = {}
    for item in WorkItem.objects.order_by("duty_id", "sort_order", "code"):
        items.setdefault(item.duty_id, []).append(item)
    rows = []
    for d in Duty.objects.select_related("work_line").order_by("work_line__sort_order", "work_line__name",
                                                                "sort_order", "code"):
        base = [d.work_line.name, d.code, d.name]
        tail = [rules.yes_no(d.patrol_category), d.description]
        for i in items.get(d.pk) or [None]:
            if i is None:
                rows.append([*base, "", "", "", "", *tail])
            else:
                rows.append([*base, i.code, i.name, i.standard, i.frequency, *tail])
    return rows


def catalogue_workbook() -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DutiesImportSpec.sheet_title)
    ws.column_dimensions["A"].width = 10
    for letter, width in zip("BCDEFGHI", (10, 16, 10, 26, 50, 12, 8, 30), strict=True):
        ws.column_dimensions[letter].width = width
    _header(ws, DutiesImportSpec().headers)
    for row in catalogue_rows():
        ws.append(row)
    ws2 = wb.create_sheet(PostIndicatorsImportSpec.sheet_title)
    for letter, width in zip("ABCDE", (10, 20, 12, 50, 16), strict=True):
        ws2.column_dimensions[letter].width = width
    _header(ws2, PostIndicatorsImportSpec().headers)
    for ind in PostIndicator.objects.all():
        ws2.append([ind.code, ind.name, ind.category, ind.description, ind.scorecard_indicator])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
