"""§11 The .xlsx import framework shared by every template of SPEC §12.

An import kind is an ``ImportSpec``: its Chinese headers (``Column``), a row validator, a cross-row
check and a writer. ``run_import`` drives one file through it:

1. read the first sheet with openpyxl (read_only, data_only); header row 1, column order free,
   extra columns ignored, missing required headers reported once; fully empty rows skipped;
2. validate EVERY row (``spec.validate_row``), then the file as a whole (``spec.check_rows``);
3. all-or-nothing by default: one bad row and nothing is written. With ``only_good`` the good rows
   are written and the bad ones are handed back (``error_workbook``) to be fixed and re-imported;
4. write in one transaction (``spec.write``): it commits whole or not at all.

Errors carry the row number as Excel shows it, the column header and a Chinese reason.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from auxpost.imports.normalise import clean_compact, is_blank

log = logging.getLogger(__name__)

ERROR_HEADER = "错误原因"
INSTRUCTIONS_SHEET = "填写说明"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Progress callback: (phase, done, total); phase is "validate" or "write"; total None when unknown.
Progress = Callable[[str, int, "int | None"], None]


@dataclass(frozen=True)
class Column:
    """One column of a template. ``header`` is the exact Chinese header of SPEC §12."""

    header: str
    required: bool = False
    help: Any = ""  # what to write; a (lazy) translatable string, shown in the 填写说明 sheet
    example: str = ""
    width: int = 14
    text: bool = False  # formatted as text in the template (ID and phone numbers keep every digit)
    date: bool = False  # formatted yyyy-mm-dd in the template
    choices: tuple[str, ...] = ()  # offered as a drop-down in the template


@dataclass(frozen=True)
class RowError:
    """A bad cell: ``row`` as Excel numbers it, ``column`` the header ("" for the row as a whole)."""

    row: int
    column: str
    reason: str

    def line(self) -> str:
        """The fixed report form "第N行 [列名] 原因" that the CLI prints and scripts may parse."""
        col = f" [{self.column}]" if self.column else ""
        return f"第{self.row}行{col} {self.reason}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class Row:
    """One data row: its Excel row number and its original cells, looked up by header."""

    __slots__ = ("number", "cells", "_index")

    def __init__(self, number: int, cells: tuple, index: dict[str, int]):
        self.number = number
        self.cells = cells
        self._index = index

    def has(self, header: str) -> bool:
        """Whether the file has this column at all (an optional column may be absent)."""
        return header in self._index

    def get(self, header: str):
        pos = self._index.get(header)
        if pos is None or pos >= len(self.cells):
            return None
        return self.cells[pos]

    def blank(self, header: str) -> bool:
        return is_blank(self.get(header))


class FileError(Exception):
    """A problem with the file as a whole (not an .xlsx, no header row, missing headers)."""


class ImportAborted(Exception):
    """Raised by a writer to roll the whole write back with a message for the user."""


@dataclass
class CrossCheck:
    """What ``ImportSpec.check_rows`` found: bad rows, and problems of the file as a whole."""

    row_errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)


@dataclass
class ImportContext:
    """Everything one run knows besides the file. ``data`` holds what the spec preloads."""

    actor: Any = None
    only_good: bool = False
    at: dt.datetime | None = None
    today: dt.date | None = None
    source_name: str = ""
    job: Any = None
    epoch1904: bool = False
    data: dict = field(default_factory=dict)
    # Called inside the write transaction after the writer, so e.g. a job's outcome commits with the data.
    on_written: Callable[[ImportReport], None] | None = None


class ImportSpec:
    """Base class of an import kind. Subclass, fill in the class attributes, and ``register`` it.

    ``validate_row`` returns the cleaned value of a row (any object) or a non-empty list of
    ``(column header, reason)`` pairs. ``check_rows`` sees every row and the cleaned values of the
    rows that passed, and reports problems across rows (duplicates, quotas). ``write`` receives the
    good rows as ``(Row, cleaned)`` pairs inside one transaction and returns counts such as
    ``{"created": 3, "updated": 1}``; it raises ``ImportAborted`` to roll everything back.
    """

    kind: str = ""
    title: Any = ""  # shown on the upload page (lazy translatable)
    sheet_title: str = "Sheet1"  # the data sheet's name in the template (Chinese, fixed)
    filename: str = ""  # the template's download name, e.g. "花名册导入模板.xlsx"
    columns: tuple[Column, ...] = ()
    notes: tuple[Any, ...] = ()  # general notes for the 填写说明 sheet

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def prepare(self, ctx: ImportContext) -> None:
        """Preload lookups into ``ctx.data`` (one query each) before any row is validated."""

    def validate_row(self, row: Row, ctx: ImportContext) -> Any | list[tuple[str, str]]:
        raise NotImplementedError

    def check_rows(self, rows: list[Row], cleaned: dict[int, Any], ctx: ImportContext) -> CrossCheck:
        return CrossCheck()

    def write(self, items: list[tuple[Row, Any]], ctx: ImportContext, tick: Callable[[int], None]) -> dict:
        raise NotImplementedError

    def summary(self, counts: dict) -> str:
        """One sentence for the counts ``write`` returned."""
        return ", ".join(f"{k}: {v}" for k, v in counts.items())


@dataclass
class ImportReport:
    """The outcome of one run. ``errors`` lists every bad cell of every bad row, in row order."""

    kind: str
    source_name: str = ""
    headers: list = field(default_factory=list)  # the file's header row as it was
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    bad_rows: list[Row] = field(default_factory=list)
    good_rows: int = 0
    written: bool = False
    counts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors

    @property
    def bad_row_count(self) -> int:
        return len(self.bad_rows)

    @property
    def written_rows(self) -> int:
        return self.good_rows if self.written else 0

    def lines(self) -> list[str]:
        return [e.line() for e in self.errors]


# ----------------------------------------------------------------------------------------- reading

def _header_text(value) -> str:
    """Header cells compare without whitespace and a required-marker asterisk: " 姓 名* " is 姓名."""
    return clean_compact(value).strip("*＊")


@dataclass
class _Sheet:
    headers: list
    index: dict[str, int]
    rows: Iterator[tuple[int, tuple]]
    estimate: int | None
    epoch1904: bool
    close: Callable[[], None]


def _open(source) -> Any:
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except FileNotFoundError:
        raise FileError(_("The file was not found.")) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError):
        raise FileError(_("This is not an .xlsx workbook. Save the file as an Excel workbook (.xlsx) and "
                          "upload it again.")) from None


def header_problems(spec: ImportSpec, headers: Iterable) -> list[str]:
    """File-level problems with a header row: missing required headers (all named at once), duplicates."""
    seen: dict[str, int] = {}
    problems = []
    for value in headers:
        text = _header_text(value)
        if text:
            seen[text] = seen.get(text, 0) + 1
    missing = [h for h in spec.required_headers if h not in seen]
    if missing:
        problems.append(_("The header row (row 1 of the first sheet) lacks these required columns: %(missing)s. "
                          "Download the template to see the expected headers.") % {"missing": "、".join(missing)})
    doubled = [h for h in spec.headers if seen.get(h, 0) > 1]
    if doubled:
        problems.append(_("These columns appear more than once in the header row: %(cols)s.") %
                        {"cols": "、".join(doubled)})
    return problems


def _read(spec: ImportSpec, source) -> _Sheet:
    wb = _open(source)
    try:
        if not wb.worksheets:
            raise FileError(_("The workbook has no worksheet."))
        ws = wb.worksheets[0]
        estimate = getattr(ws, "max_row", None)
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # a wrong <dimension> from some tools would silently cut rows off
        it = ws.iter_rows(values_only=True)
        try:
            header_cells = tuple(next(it))
        except StopIteration:
            header_cells = ()
        except Exception:
            raise FileError(_("The first worksheet could not be read.")) from None
        if all(is_blank(v) for v in header_cells):
            raise FileError(_("The first worksheet is empty: row 1 must hold the column headers."))
        problems = header_problems(spec, header_cells)
        if problems:
            raise FileError(" ".join(problems))
        known = set(spec.headers)
        index = {}
        for pos, value in enumerate(header_cells):
            text = _header_text(value)
            if text in known:
                index[text] = pos
        width = len(header_cells)

        def rows() -> Iterator[tuple[int, tuple]]:
            for number, cells in enumerate(it, start=2):
                if type(cells) is not tuple:
                    cells = tuple(cells)
                if len(cells) < width:
                    cells = cells + (None,) * (width - len(cells))
                if all(is_blank(v) for v in cells):
                    continue  # empty (often trailing, formatted-but-empty) rows are no data
                yield number, cells

        epoch1904 = getattr(wb, "epoch", dt.datetime(1899, 12, 30)).year == 1904
        return _Sheet(list(header_cells), index, rows(), (estimate - 1) if estimate else None, epoch1904, wb.close)
    except BaseException:
        wb.close()
        raise


def read_headers(spec: ImportSpec, source) -> list:
    """Open a workbook and check its header row only (a quick check at upload). Raises ``FileError``."""
    sheet = _read(spec, source)
    sheet.close()
    return sheet.headers


# ------------------------------------------------------------------------------------------ running

class _Ticker:
    """Calls the progress callback about every 1% (or every 500 rows when the total is unknown)."""

    def __init__(self, progress: Progress | None, phase: str, total: int | None):
        self.progress, self.phase, self.total = progress, phase, total
        self.step = max(1, (total or 0) // 100) if total else 500
        self.next = 0

    def __call__(self, done: int, *, final: bool = False) -> None:
        if self.progress is None:
            return
        if final or done >= self.next:
            total = self.total if self.total is None else max(self.total, done)
            self.progress(self.phase, done, total)
            self.next = done + self.step


def run_import(spec: ImportSpec, source, ctx: ImportContext, progress: Progress | None = None) -> ImportReport:
    """Validate every row of ``source`` (a path or binary file), then write atomically (see module doc)."""
    report = ImportReport(kind=spec.kind, source_name=ctx.source_name)
    try:
        sheet = _read(spec, source)
    except FileError as exc:
        report.file_errors.append(str(exc))
        return report
    ctx.epoch1904 = sheet.epoch1904
    report.headers = sheet.headers
    rows: list[Row] = []
    cleaned: dict[int, Any] = {}
    errors: dict[int, list[RowError]] = {}
    try:
        spec.prepare(ctx)
        tick = _Ticker(progress, "validate", sheet.estimate)
        for number, cells in sheet.rows:
            row = Row(number, cells, sheet.index)
            rows.append(row)
            result = spec.validate_row(row, ctx)
            if isinstance(result, list) and result:
                errors[number] = [RowError(number, col, reason) for col, reason in result]
            else:
                cleaned[number] = result
            tick(len(rows))
        tick.total = len(rows)
        tick(len(rows), final=True)
    finally:
        sheet.close()
    report.total_rows = len(rows)
    if not rows:
        report.file_errors.append(_("The file has a header row but no data rows."))
        return report

    cross = spec.check_rows(rows, cleaned, ctx)
    for err in cross.row_errors:
        errors.setdefault(err.row, []).append(err)
        cleaned.pop(err.row, None)
    report.file_errors.extend(cross.file_errors)
    report.errors = [e for number in sorted(errors) for e in errors[number]]
    report.bad_rows = [r for r in rows if r.number in errors]
    good = [(r, cleaned[r.number]) for r in rows if r.number in cleaned]
    report.good_rows = len(good)

    if report.file_errors or (report.errors and not ctx.only_good) or not good:
        return report
    write_tick = _Ticker(progress, "write", len(good))
    write_tick(0, final=True)  # announced before the transaction opens (a job row can still be updated)
    try:
        with transaction.atomic():
            report.counts = spec.write(good, ctx, write_tick)
            report.written = True
            if ctx.on_written is not None:
                ctx.on_written(report)
    except ImportAborted as exc:
        report.written = False
        report.counts = {}
        report.file_errors.append(str(exc))
    except IntegrityError:
        log.warning("import %s of %s rolled back on an integrity error", spec.kind, ctx.source_name, exc_info=True)
        report.written = False
        report.counts = {}
        report.file_errors.append(_("The data changed while the file was being imported (for example the same "
                                    "person was added meanwhile). Nothing was written; please import the file "
                                    "again."))
    write_tick(len(good), final=True)
    return report


# ------------------------------------------------------------------------------------- workbooks out

_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_ERROR_FONT = Font(bold=True, color="C00000")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _instructions_sheet(wb: Workbook, spec: ImportSpec) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET)
    ws.append([pgettext("import template", "Column"), pgettext("import template", "Required"),
               pgettext("import template", "What to write"), pgettext("import template", "Example")])
    for cell in ws[1]:
        cell.font = _BOLD
    for col in spec.columns:
        ws.append([col.header, pgettext("import template", "Yes") if col.required else pgettext("import template", "No"), str(col.help), col.example])
    if spec.notes:
        ws.append([])
        ws.append([pgettext("import template", "Notes")])
        ws.cell(row=ws.max_row, column=1).font = _BOLD
        for note in spec.notes:
            ws.append([str(note)])
    for letter, width in zip("ABCD", (16, 10, 70, 28), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAP


def template_workbook(spec: ImportSpec) -> bytes:
    """The downloadable template: headers in row 1 (bold, required ones shaded), widths, text/date
    formats and drop-downs on the data sheet; a second sheet 填写说明 explaining every column."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_title
    ws.append(spec.headers)
    ws.freeze_panes = "A2"
    for pos, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(pos)
        cell = ws.cell(row=1, column=pos)
        cell.font = _BOLD
        if col.required:
            cell.fill = _REQUIRED_FILL
        dim = ws.column_dimensions[letter]
        dim.width = max(col.width, len(col.header) * 2 + 4)
        if col.text:
            dim.number_format = "@"
        elif col.date:
            dim.number_format = "yyyy-mm-dd"
        if col.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True,
                                showErrorMessage=False)
            dv.add(f"{letter}2:{letter}10000")
            ws.add_data_validation(dv)
    _instructions_sheet(wb, spec)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def error_workbook(spec: ImportSpec, report: ImportReport) -> bytes:
    """The bad rows handed back: the file's own header row and cells, plus a column 错误原因 listing
    every reason as "第N行 [列名] 原因". Re-importable as is once fixed (错误原因 is an extra column)."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_title
    headers = list(report.headers)
    while headers and is_blank(headers[-1]):
        headers.pop()
    width = len(headers)
    ws.append([*headers, ERROR_HEADER])
    for cell in ws[1]:
        cell.font = _BOLD
    ws.cell(row=1, column=width + 1).font = _ERROR_FONT
    by_row: dict[int, list[RowError]] = {}
    for err in report.errors:
        by_row.setdefault(err.row, []).append(err)
    for row in report.bad_rows:
        cells = list(row.cells[:width]) + [None] * max(0, width - len(row.cells))
        ws.append([*cells, "\n".join(e.line() for e in by_row.get(row.number, []))])
        for pos, value in enumerate(cells, start=1):
            if isinstance(value, dt.datetime | dt.date):
                ws.cell(row=ws.max_row, column=pos).number_format = "yyyy-mm-dd"
        ws.cell(row=ws.max_row, column=width + 1).alignment = _WRAP
    by_header = {c.header: c for c in spec.columns}
    for pos, header in enumerate(headers, start=1):
        col = by_header.get(_header_text(header))
        ws.column_dimensions[get_column_letter(pos)].width = col.width if col else 14
    ws.column_dimensions[get_column_letter(width + 1)].width = 60
    ws.freeze_panes = "A2"
    _instructions_sheet(wb, spec)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
