"""`auxpost paysheet --year YYYY --output FILE.xlsx [--month M]` (§9): the HR company's pay sheet.

Every member employed in the year: the monthly grade allowances (months 1…M, default all twelve) and,
for a full year, the annual bonus; sheet 2 sums them by grade and result. A logged personal-data
export (§11, by the system actor). A user error (bad year or month, no output file, an unwritable
file, no policy in force) exits 1 with a Chinese message, never a traceback.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from auxpost.incentives.selectors import check_period, paysheet_compute
from auxpost.incentives.services import paysheet_export
from auxpost.policy.selectors import PolicyNotFound


class Command(BaseCommand):
    help = "Write the §9 pay sheet (grade allowances and annual bonuses) of a year to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--year", default=None, help="the year, e.g. 2025")
        parser.add_argument("--month", default=None, help="last month to include (1-12; default 12, with the bonus)")
        parser.add_argument("--output", default=None, help="the .xlsx file to write")

    def handle(self, *args, year, month, output, **options):
        if year is None:
            raise CommandError("请用 --year 指定年度，例如 --year 2025")
        if not output:
            raise CommandError("请用 --output 指定输出的 .xlsx 文件")
        try:
            y, m = check_period(year, month, today=timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = os.path.abspath(output)
        if not os.path.isdir(os.path.dirname(path)) or os.path.isdir(path):
            raise CommandError(f"无法写入文件 {output}：目录不存在或是一个目录")
        try:
            sheet = paysheet_compute(year=y, last_month=m)
        except PolicyNotFound as exc:
            raise CommandError(exc.message) from None
        try:
            n = paysheet_export(actor=None, sheet=sheet, out=path, scope_text="all members", output=path)
        except OSError as exc:
            raise CommandError(f"无法写入文件 {output}：{exc.strerror or exc}") from None
        self.stdout.write(f"已写入 {n} 人的 {y} 年工资表（1–{m}月）到 {output}")
