"""Shared helpers for the duties tests: real .xlsx files written with openpyxl, and the sample loaded."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from auxpost.duties.imports import DutiesImportSpec, PostIndicatorsImportSpec
from auxpost.imports.framework import ImportContext, run_import

TODAY = dt.date(2026, 6, 15)
DUTY_HEADERS = ["条线", "职责代码", "职责", "事项代码", "工作事项", "标准要求", "频次", "巡查类别"]
IND_HEADERS = ["指标代码", "指标名称", "指标类别", "指标说明", "对应月度考核指标"]


def xlsx(headers, rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def import_duties(rows, actor=None, headers=DUTY_HEADERS):
    return run_import(DutiesImportSpec(), xlsx(headers, rows), ImportContext(actor=actor, today=TODAY))


def import_indicators(rows, actor=None):
    return run_import(PostIndicatorsImportSpec(), xlsx(IND_HEADERS, rows), ImportContext(actor=actor, today=TODAY))


@pytest.fixture
def sample(db):
    from auxpost.duties.demo import load

    return load(today=TODAY)
