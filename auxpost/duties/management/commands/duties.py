"""``auxpost duties load-sample | export OUT.xlsx | sample-xlsx OUT.xlsx`` (§4.2).

- ``load-sample`` loads the sample catalogue (扬尘/机动/市容市貌, 24 duties, 107 work items, 23 indicators)
  through the import checks; running it again changes nothing;
- ``export OUT.xlsx`` writes the whole ledger (sheets 岗位分析台账 and 岗位分析指标);
- ``sample-xlsx OUT.xlsx`` writes the sample as a ``duties`` import file (``auxpost import duties OUT.xlsx``).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from auxpost.duties.demo import SampleRefused, load_sample, sample_workbooks
from auxpost.duties.exports import catalogue_workbook


class Command(BaseCommand):
    help = "The post-analysis ledger (岗位分析台账): load-sample, export OUT.xlsx, sample-xlsx OUT.xlsx."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load-sample", "export", "sample-xlsx"])
        parser.add_argument("path", nargs="?", help="the .xlsx to write (export, sample-xlsx)")

    def handle(self, *args, action, path, **options):
        if action == "load-sample":
            try:
                counter = load_sample(today=timezone.localdate())
            except SampleRefused as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counter.items()) or "nothing new")
            return
        if not path:
            raise CommandError(f"{action} needs the path of the .xlsx to write")
        target = Path(path)
        if not target.parent.exists():
            raise CommandError(f"directory {target.parent} does not exist")
        data = catalogue_workbook() if action == "export" else sample_workbooks()[0].getvalue()
        target.write_bytes(data)
        self.stdout.write(f"wrote {target}")
