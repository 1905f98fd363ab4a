"""§11/§12 the roster export: the 花名册 template's columns (plus 人员状态), a logged personal-data export.

The page, the API and ``auxpost export roster`` all write through ``roster_export`` so the columns,
the masking and the audit entry are the same everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from auxpost.audit.services import audit_record
from auxpost.org.selectors import unit_full_names
from auxpost.people.models import Member
from auxpost.people.roster_columns import (
    EDUCATION_WRITTEN,
    GRADE_WRITTEN,
    OPTIONAL_COLUMNS,
    ROSTER_COLUMNS,
    STATUS_WRITTEN,
)
from auxpost.people.selectors import PersonalDataView

EXPORT_COLUMNS: list[tuple[str, str]] = ROSTER_COLUMNS + OPTIONAL_COLUMNS
SHEET_TITLE = "花名册"
_DATE_FIELDS = {"work_start_date", "hire_date", "grade_effective_date", "cert_valid_until"}


def _row(member: Member, names: dict[int, str], view: PersonalDataView | None) -> list:
    values = []
    for _header, field in EXPORT_COLUMNS:
        if field == "id_number":
            v = member.id_number if view is None else view.id_number(member)
        elif field == "phone":
            v = member.phone if view is None else view.phone(member)
        elif field == "education":
            v = EDUCATION_WRITTEN.get(member.education, member.education)
        elif field == "unit":
            v = names.get(member.unit_id, "")
        elif field == "work_line":
            v = member.work_line.name if member.work_line_id else ""
        elif field == "grade":
            v = GRADE_WRITTEN.get(member.grade, "")
        elif field == "status":
            v = STATUS_WRITTEN.get(member.status, member.status)
        else:
            v = getattr(member, field)
        values.append("" if v is None else v)
    return values


def roster_workbook(members: Iterable[Member], out, *, view: PersonalDataView | None) -> int:
    """Write the members to ``out`` (a path or a binary file) as a 花名册 workbook; return the row count.

    ``view`` masks what the reader may not see; None writes every number in full (the system export).
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    bold = Font(bold=True)
    header = []
    for title, _field in EXPORT_COLUMNS:
        c = WriteOnlyCell(ws, value=title)
        c.font = bold
        header.append(c)
    ws.append(header)
    names = unit_full_names()
    date_cols = {i for i, (_h, f) in enumerate(EXPORT_COLUMNS) if f in _DATE_FIELDS}
    n = 0
    for member in members:
        row = []
        for i, v in enumerate(_row(member, names, view)):
            if i in date_cols and v != "":
                c = WriteOnlyCell(ws, value=v)
                c.number_format = "yyyy-mm-dd"
                row.append(c)
            else:
                row.append(v)  # ID numbers stay text: openpyxl writes str as a string cell
        ws.append(row)
        n += 1
    wb.save(out)
    return n


def roster_export(*, actor, members, out, filters: dict, view: PersonalDataView | None) -> int:
    """§11 write a roster export and log it (who, how many rows, which filters, full or masked numbers)."""
    if hasattr(members, "iterator"):
        members = members.iterator(chunk_size=2000)
    n = roster_workbook(members, out, view=view)
    numbers = "full" if view is None or view.all else "masked"
    audit_record(
        actor=actor, action="export", object_type="people.member", object_repr=SHEET_TITLE,
        summary=f"roster export: {n} rows; filters: {json.dumps(filters, ensure_ascii=False, sort_keys=True)}",
        after={"rows": n, "filters": filters, "numbers": numbers},
    )
    return n
