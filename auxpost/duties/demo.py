"""§4.2 the sample catalogue (``data/sample_catalogue.json``): three work lines 扬尘, 机动, 市容市貌, 24
duties (the patrol-log categories 占道经营, 乱堆乱放, 工地扬尘, 渣土运输, 户外广告 … among them), 107 work
items and the 23 post-analysis indicators. Loaded through the ``duties`` and ``post_indicators`` imports,
so it passes the same checks and leaves the same audit trail as a workbook from the bureau.

``load(today=)`` for the demo district; ``auxpost duties load-sample`` on a real installation;
``auxpost duties sample-xlsx OUT.xlsx`` writes the same rows as an import file.
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import json
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook

from auxpost.audit.services import Change, audit_record_many, model_snapshot
from auxpost.duties import rules
from auxpost.duties.imports import DutiesImportSpec, PostIndicatorsImportSpec
from auxpost.duties.models import WorkLine
from auxpost.imports.framework import ImportContext, run_import

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_catalogue.json"


def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def sample_duty_rows(data: dict | None = None) -> list[list]:
    """The sample as rows of the ``duties`` import (its column order)."""
    data = data or sample()
    rows = []
    for line in data["lines"]:
        for duty in line["duties"]:
            for pos, (name, standard, frequency) in enumerate(duty["items"], start=1):
                rows.append([line["name"], duty["code"], duty["name"], f"{duty['code']}-{pos:02d}", name, standard,
                             frequency, rules.yes_no(duty["patrol"]), duty.get("description", "")])
    return rows


def _workbook(headers: list[str], rows: list[list], title: str) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def sample_workbooks() -> tuple[io.BytesIO, io.BytesIO]:
    """(duties workbook, post_indicators workbook) ready for ``run_import``."""
    data = sample()
    duties = _workbook(DutiesImportSpec().headers, sample_duty_rows(data), DutiesImportSpec.sheet_title)
    indicators = _workbook(PostIndicatorsImportSpec().headers, [list(r) for r in data["indicators"]],
                           PostIndicatorsImportSpec.sheet_title)
    return duties, indicators


def _ensure_lines(data: dict, actor) -> int:
    """The sample's work lines, matched by code or name (the demo roster's 扬尘/机动/市容市貌); missing ones made."""
    changes = []
    order = max(WorkLine.objects.values_list("sort_order", flat=True), default=0)
    for line in data["lines"]:
        if WorkLine.objects.filter(code=line["code"]).exists() or WorkLine.objects.filter(name=line["name"]).exists():
            continue
        order += 1
        wl = WorkLine.objects.create(code=line["code"], name=line["name"], sort_order=order)
        changes.append(Change("create", "duties.workline", str(wl.pk), wl.name, "§4.2 sample catalogue",
                              after=model_snapshot(wl)))
    audit_record_many(actor=actor, changes=changes)
    return len(changes)


class SampleRefused(Exception):
    """The sample did not pass the import checks (a broken data file): the reasons, one per line."""


def load_sample(*, today: dt.date, actor=None) -> collections.Counter:
    """§4.2 load the sample catalogue (idempotent: a second run changes nothing)."""
    data = sample()
    counter: collections.Counter = collections.Counter()
    counter["work lines"] += _ensure_lines(data, actor)
    duties_wb, indicators_wb = sample_workbooks()
    at = timezone.now()
    for spec, source in ((DutiesImportSpec(), duties_wb), (PostIndicatorsImportSpec(), indicators_wb)):
        report = run_import(spec, source, ImportContext(actor=actor, today=today, at=at,
                                                        source_name=SAMPLE.name))
        if not report.ok or not report.written:
            raise SampleRefused("\n".join(report.file_errors + report.lines()))
        counter["duties"] += report.counts.get("duties_created", 0)
        counter["work items"] += report.counts.get("items_created", 0)
        counter["post indicators"] += report.counts.get("indicators_created", 0)
    return +counter  # only what was added


def load(*, today: dt.date) -> collections.Counter:
    """The demo district's catalogue (issue 6 item 0): the sample, attributed to the system."""
    return load_sample(today=today)
