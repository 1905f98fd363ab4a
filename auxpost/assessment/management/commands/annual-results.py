"""`auxpost annual-results --year YYYY [--format json|xlsx] [--output FILE] [--policy VERSION]` (SPEC §12).

Computes the year's annual results (§7.3: composite, band, vetoes, the 优秀 cap) for every member
on that year's roster WITHOUT changing anything; for the current year, provisionally (only the
months ended by today are expected). JSON (default) is printed, or written to
``--output``; xlsx needs ``--output``. A user error (bad year, unknown policy, unwritable file)
exits 1 with a Chinese message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from auxpost.assessment.services import annual_results_compute
from auxpost.audit.services import audit_record
from auxpost.policy.selectors import PolicyNotFound, policy_by_version, policy_in_force

HEADERS = ["身份证号", "姓名", "所属单位", "年度", "综合得分", "考核等次", "单位排名", "排名人数", "优秀名额所在单位",
           "政策版本", "计算说明", "调整原因"]


def log_export(*, year: int, rows: int, fmt: str, output: str | None, policy_version: str) -> None:
    """§11 the output names people with their ID numbers: each run is a logged personal-data export
    (the only thing the command writes; the results themselves are not stored)."""
    audit_record(
        actor=None, action="export", object_type="assessment.annualresult", object_repr=f"{year}年度考核结果",
        summary=f"annual-results --year {year}: {rows} rows ({fmt}) to {output or 'standard output'}",
        after={"year": year, "rows": rows, "format": fmt, "output": output or "", "policy_version": policy_version},
    )


def result_dict(c) -> dict:
    return {
        "id_number": c.id_number, "name": c.name, "unit": c.unit_name, "year": c.year,
        "composite": float(c.composite), "band": c.band, "band_label": c.band_label, "rank": c.rank,
        "unit_size": c.unit_size, "cap_unit": c.cap_unit_name, "policy_version": c.policy_version,
        "explanation": c.explanation, "reasons": list(c.reasons),
    }


class Command(BaseCommand):
    help = "Compute the annual assessment results of a year without changing anything (SPEC §7.3, §12)."

    def add_arguments(self, parser):
        parser.add_argument("--year", default=None, help="the year, e.g. 2025")
        parser.add_argument("--format", default="json", help="json (default) or xlsx")
        parser.add_argument("--output", default=None, help="file to write (required for xlsx)")
        parser.add_argument("--policy", default=None, help="policy version (default: the one in force on 31 Dec)")

    def handle(self, *args, year, format, output, policy, **options):  # noqa: A002
        if year is None:
            raise CommandError("请用 --year 指定年度，例如 --year 2025")
        try:
            y = int(str(year).strip())
            if not 2000 <= y <= 2100:
                raise ValueError
        except ValueError:
            raise CommandError(f"年度“{year}”无效，应为2000到2100之间的四位年份") from None
        fmt = (format or "json").lower()
        if fmt not in ("json", "xlsx"):
            raise CommandError(f"格式“{format}”无效，应为 json 或 xlsx")
        if fmt == "xlsx" and not output:
            raise CommandError("xlsx 格式需要用 --output 指定输出文件")
        if output:
            folder = os.path.dirname(os.path.abspath(output))
            if not os.path.isdir(folder) or os.path.isdir(output):
                raise CommandError(f"无法写入文件 {output}：目录不存在或是一个目录")
        try:
            bundle = policy_by_version(policy) if policy else policy_in_force(dt.date(y, 12, 31))
        except PolicyNotFound:
            if policy:
                raise CommandError(f"政策版本“{policy}”不存在或尚未发布") from None
            raise CommandError(f"{y}年12月31日没有生效的已发布政策版本") from None
        results = annual_results_compute(year=y, policy=bundle, as_of=timezone.localdate())
        if fmt == "json":
            # One object per line, each through the C encoder (``indent`` would fall back to the slow
            # pure-Python one: a third of the command's time at province scale).
            text = "[\n" + ",\n".join(json.dumps(result_dict(c), ensure_ascii=False) for c in results) + "\n]"
            if output:
                try:
                    with open(output, "w", encoding="utf-8") as fh:
                        fh.write(text + "\n")
                except OSError as exc:
                    raise CommandError(f"无法写入文件 {output}：{exc.strerror or exc}") from None
                self.stderr.write(f"已写入 {len(results)} 人的 {y} 年度考核结果到 {output}")
            else:
                self.stdout.write(text)
            log_export(year=y, rows=len(results), fmt=fmt, output=output, policy_version=bundle.version)
            return
        wb = Workbook(write_only=False)
        ws = wb.active
        ws.title = f"{y}年度考核结果"
        ws.append(HEADERS)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for c in results:
            ws.append([c.id_number, c.name, c.unit_name, c.year, float(c.composite), c.band_label, c.rank,
                       c.unit_size, c.cap_unit_name, c.policy_version, c.explanation, "；".join(c.reasons)])
        try:
            wb.save(output)
        except OSError as exc:
            raise CommandError(f"无法写入文件 {output}：{exc.strerror or exc}") from None
        log_export(year=y, rows=len(results), fmt=fmt, output=output, policy_version=bundle.version)
        self.stdout.write(f"已写入 {len(results)} 人的 {y} 年度考核结果到 {output}")
