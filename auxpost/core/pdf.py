"""§11 Documents: printable A4 PDFs with correct, selectable Chinese text.

Shared by the 公示 notice, the 职级评定审批表 and the 年度考核登记表. Text is set in ReportLab's
built-in CID font ``STSong-Light`` (Adobe-GB1, no font file to ship: the viewer supplies the
glyphs, and text stays selectable and extractable); every table cell is a wrapping Paragraph;
each page carries the issuing body, the date and "第 x 页 共 y 页".

The documents are official Chinese forms: their wording is fixed Chinese text whatever the
interface language (like the rule core's Chinese labels), so nothing here goes through gettext.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.http import HttpResponse
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "STSong-Light"
PAGE_SIZE = A4
MARGIN = 18 * mm
#: The usable width between the margins (A4: 210 mm − 2 × 18 mm).
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
GRADE_LABEL = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}
BLANK = "—"

_registered = False


def register_fonts() -> None:
    """Register the CID font once per process (idempotent)."""
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


# Paragraphs look their font up when they are created, so the font is registered on import.
register_fonts()


def _style(name: str, **kw) -> ParagraphStyle:
    base = {"fontName": FONT, "fontSize": 10.5, "leading": 15, "wordWrap": "CJK"}
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES: dict[str, ParagraphStyle] = {
    "title": _style("title", fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4),
    "subtitle": _style("subtitle", fontSize=12, leading=18, alignment=TA_CENTER, spaceAfter=8),
    "heading": _style("heading", fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
    "body": _style("body", firstLineIndent=21, spaceAfter=4),
    "plain": _style("plain", spaceAfter=2),
    "right": _style("right", alignment=TA_RIGHT),
    "cell": _style("cell", fontSize=9.5, leading=13),
    "cell_center": _style("cell_center", fontSize=9.5, leading=13, alignment=TA_CENTER),
    "cell_head": _style("cell_head", fontSize=9.5, leading=13, alignment=TA_CENTER),
    "small": _style("small", fontSize=8.5, leading=11, alignment=TA_LEFT, textColor=colors.HexColor("#444444")),
}


def date_cn(d: dt.date | dt.datetime | None, *, blank: str = BLANK) -> str:
    """2026-03-02 → "2026年3月2日" (a datetime is shown as its local date)."""
    if d is None:
        return blank
    if isinstance(d, dt.datetime):
        from django.utils import timezone

        d = timezone.localtime(d).date() if timezone.is_aware(d) else d.date()
    return f"{d.year}年{d.month}月{d.day}日"


def datetime_cn(value: dt.datetime | None, *, blank: str = BLANK) -> str:
    """An aware datetime as local "2026年3月2日 14:05"."""
    if value is None:
        return blank
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{date_cn(local.date())} {local:%H:%M}"


def grade_cn(grade: int | None, *, blank: str = "未定级") -> str:
    return GRADE_LABEL.get(grade, blank) if grade else blank


def para(text, style: str | ParagraphStyle = "cell") -> Paragraph:
    """A wrapping Paragraph of plain text: markup characters escaped, line breaks kept."""
    st = STYLES[style] if isinstance(style, str) else style
    text = "" if text is None else str(text)
    return Paragraph(escape(text).replace("\n", "<br/>"), st)


def _cell(value, style: str) -> Flowable:
    if isinstance(value, Flowable):
        return value
    if isinstance(value, (list, tuple)):
        return [_cell(v, style) for v in value]
    return para(value, style)


GRID = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
]
SHADE = colors.HexColor("#eeeeee")


def table(rows: Sequence[Sequence], widths: Sequence[float], *, header: Sequence[str] | None = None,
          center_cols: Iterable[int] = (), extra: Sequence[tuple] = (), split_rows: bool = True) -> Table:
    """§11 a ruled table: every cell a wrapping Paragraph (header shaded and repeated on each page).

    ``widths`` are fractions of the content width (they should add up to 1). With ``split_rows`` a
    cell longer than the rest of the page (a long statement) continues on the next page."""
    center = set(center_cols)
    data = []
    if header is not None:
        data.append([para(h, "cell_head") for h in header])
    for row in rows:
        data.append([_cell(v, "cell_center" if i in center else "cell") for i, v in enumerate(row)])
    t = Table(data, colWidths=[w * CONTENT_WIDTH for w in widths], repeatRows=1 if header is not None else 0,
              splitInRow=1 if split_rows else 0)
    style = list(GRID)
    if header is not None:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    style.extend(extra)
    t.setStyle(TableStyle(style))
    return t


def kv_table(pairs: Sequence[tuple[str, object]], *, per_row: int = 2, label_width: float = 0.14) -> Table:
    """Particulars as a grid of (label, value) pairs, ``per_row`` pairs a row; labels shaded."""
    value_width = (1 - per_row * label_width) / per_row
    rows, extra = [], []
    items = list(pairs)
    for start in range(0, len(items), per_row):
        chunk = items[start:start + per_row]
        row = []
        for label, value in chunk:
            row += [para(label, "cell_center"), _cell(BLANK if value in (None, "") else value, "cell")]
        while len(row) < 2 * per_row:
            row += ["", ""]
        rows.append(row)
    for i in range(per_row):
        extra.append(("BACKGROUND", (2 * i, 0), (2 * i, -1), SHADE))
    widths = [label_width, value_width] * per_row
    return table(rows, widths, extra=extra)


def box(label: str, content: Sequence[Flowable] | str | None, *, min_height: float = 0,
        signature: str | None = None, label_width: float = 0.14) -> Table:
    """A labelled opinion box: the label on the left, the opinion (or blank space) and, when
    ``signature`` is given, a signature line "签字（盖章）：…　日期：…" at its foot."""
    body: list[Flowable] = []
    if isinstance(content, str):
        body.append(para(content, "cell"))
    elif content:
        body.extend(content)
    if min_height:
        used = sum(f.wrap(CONTENT_WIDTH * (1 - label_width), 1000)[1] for f in body)
        if used < min_height:
            body.append(Spacer(1, min_height - used))
    if signature is not None:
        body.append(para(signature, _style("sig", fontSize=9.5, leading=13, alignment=TA_RIGHT)))
    # A signature box is never cut in two; an opinion without one may run over the page.
    return table([[para(label, "cell_center"), body or ""]], [label_width, 1 - label_width],
                 extra=[("BACKGROUND", (0, 0), (0, -1), SHADE)], split_rows=signature is None)


def blank_signature(who: str = "签字（盖章）") -> str:
    """The blank line a pending signature leaves on the printed form."""
    return f"{who}：　　　　　　　　　　日期：　　　　年　　月　　日"


@dataclass(frozen=True)
class DocumentInfo:
    """What every page's foot and the PDF's metadata say: title, issuing body and date."""

    title: str
    issuer: str
    issued_on: dt.date
    #: How the date is introduced in the foot ("印发日期", "打印日期", …).
    date_label: str = "日期"
    subject: str = ""


def _numbered_canvas(info: DocumentInfo):
    """A canvas class that draws "issuer · date · 第 x 页 共 y 页" once the page count is known."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._draw_foot(total)
                super().showPage()
            super().save()

        def _draw_foot(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 8.5)
            self.setStrokeColor(colors.HexColor("#888888"))
            y = MARGIN - 8 * mm
            self.line(MARGIN, y + 4 * mm, PAGE_SIZE[0] - MARGIN, y + 4 * mm)
            self.drawString(MARGIN, y, f"{info.issuer}　{info.date_label}：{date_cn(info.issued_on)}")
            self.drawRightString(PAGE_SIZE[0] - MARGIN, y, f"第 {self._pageNumber} 页 共 {total} 页")
            self.restoreState()

    return NumberedCanvas


def build_pdf(story: Sequence[Flowable], info: DocumentInfo) -> bytes:
    """§11 lay ``story`` out on A4 and return the PDF bytes (title/author/subject in its metadata)."""
    register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm, title=info.title, author=info.issuer, subject=info.subject or info.title,
        creator="auxpost",
    )
    doc.build(list(story), canvasmaker=_numbered_canvas(info))
    return buf.getvalue()


def signature_block(issuer: str, on: dt.date) -> KeepTogether:
    """The issuing body and date at the foot of a notice, right-aligned as on an official document."""
    return KeepTogether([Spacer(1, 10 * mm), para(issuer, "right"), para(date_cn(on), "right")])


def issuing_body() -> str:
    """The bureau at the root of the unit tree issues the documents (§3: it organises everything)."""
    from auxpost.org.models import Unit, UnitKind

    name = (Unit.objects.filter(parent__isnull=True, kind=UnitKind.BUREAU).order_by("path")
            .values_list("name", flat=True).first())
    return name or "区综合行政执法局"


def page_break() -> PageBreak:
    return PageBreak()


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_filename(name: str) -> str:
    """A file name without path separators or characters Windows refuses."""
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "document"
    return cleaned if cleaned.lower().endswith(".pdf") else cleaned + ".pdf"


def pdf_response(content: bytes, filename: str, *, fallback: str = "document.pdf",
                 as_attachment: bool = False) -> HttpResponse:
    """The PDF with a Chinese file name: ``filename*=UTF-8''…`` (RFC 6266/5987) plus an ASCII
    ``filename=`` for old clients; shown inline by default (the browser's viewer prints it)."""
    name = safe_filename(filename)
    resp = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if as_attachment else "inline"
    ascii_name = safe_filename(fallback)
    resp["Content-Disposition"] = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    resp["Content-Length"] = str(len(content))
    resp["Cache-Control"] = "private, no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
