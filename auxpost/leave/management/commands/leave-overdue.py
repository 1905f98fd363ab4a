"""`auxpost leave-overdue [--date YYYY-MM-DD]` (SPEC §5.3.4): the daily overdue check, for a cron job
(e.g. every morning at 06:00 Asia/Shanghai); idempotent.

Approved leave not reported back (销假) by its deadline before the date is flagged 逾期未销假, and each
working day after the leave's last day and before the date gets one ``absence`` (旷工) points entry
(origin ``leave.request:<pk>:<date>``), pending a second person's approval like every deduction. Run
again, it writes only the days not yet written. Exit 0 with a one-line summary; exit 1 with a Chinese
message (never a traceback) on a bad date.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.leave.services import leave_overdue_run


class Command(BaseCommand):
    help = "Flag leave not reported back in time and write its days of absence (§5.3.4)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        usage_exit = parser.exit

        def exit(status=0, message=None):  # a usage error is a user error: exit 1
            usage_exit(1 if status == 2 else status, message)

        parser.exit = exit
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--date", help="check as on this date (YYYY-MM-DD; default: today in Asia/Shanghai)")

    def handle(self, *args, date=None, **options):
        day = timezone.localdate()
        if date:
            try:
                day = dt.date.fromisoformat(str(date).strip())
            except ValueError:
                raise CommandError(_("Date: “%(value)s” is not a date; write e.g. 2026-07-01.") % {
                    "value": date}) from None
        try:
            counts = leave_overdue_run(day=day, at=timezone.now())
        except DatabaseError as exc:
            raise CommandError(_("Database error: %(error)s") % {"error": exc}) from None
        self.stdout.write(_("%(date)s: %(overdue)s leave requests overdue (%(flagged)s newly flagged), "
                            "%(entries)s days of absence written.") % {
            "date": day.isoformat(), "overdue": counts["overdue"], "flagged": counts["flagged"],
            "entries": counts["absence_entries"]})
