"""Helpers for import tests: real .xlsx files written with openpyxl."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from openpyxl import Workbook, load_workbook

from auxpost.people.roster_columns import ROSTER_COLUMNS
from auxpost.people.rules import id_check_digit

ROSTER_HEADERS = [h for h, _f in ROSTER_COLUMNS]
_ids = itertools.count()


def unique_id_number(*, male: bool = True) -> str:
    """A valid ID number never handed out before in this test run (born 1975–1999, region 510124)."""
    k = next(_ids)
    birth = dt.date(1975, 1, 1) + dt.timedelta(days=(k // 450) % 9000)
    order = (k % 450) * 2 + (1 if male else 0)
    first17 = f"510124{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_digit(first17)


def write_xlsx(path: Path, headers: list, rows: list[list], *, sheet_title: str = "花名册") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def roster_row(**overrides) -> dict:
    """A good roster row (header → value) for the district fixture's units."""
    row = {
        "姓名": "赵六",
        "身份证号": unique_id_number(),
        "手机号": "13900001111",
        "学历": "大专",
        "政治面貌": "群众",
        "参加工作日期": dt.date(2014, 7, 1),
        "入职日期": dt.date(2019, 7, 1),
        "所属单位": "综合行政执法大队/第一中队/第一小队",
        "工作条线": "",
        "当前等级": "五级",
        "等级生效日期": None,
        "上岗证号": "",
        "上岗证有效期至": None,
    }
    row.update(overrides)
    return row


def write_roster(path: Path, rows: list[dict], *, headers: list | None = None) -> Path:
    """Rows as header → value dicts; headers default to the 13 template columns plus any extra keys
    (given ``headers`` are taken as they are, so a test can leave a column out)."""
    if headers is None:
        headers = list(ROSTER_HEADERS)
        for r in rows:
            for h in r:
                if h not in headers:
                    headers.append(h)
    return write_xlsx(path, headers, [[r.get(h) for h in headers] for r in rows])


def read_back(path_or_bytes) -> tuple[list, list[list]]:
    """(headers, rows) of the first sheet."""
    import io

    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    wb = load_workbook(src)
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]
