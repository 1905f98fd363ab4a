"""`auxpost evaluation-effect [--today YYYY-MM-DD]` (SPEC §8.5, §12 conventions): for a cron job or a
systemd timer.

Makes effective every decided evaluation round whose effective date has come: each final decision
that changes a grade enters the member's grade history. Exit 0 with one line per round (or "nothing
due"); exit 1 with a Chinese message (never a traceback) on a bad date or when a round is refused.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.evaluation.services import rounds_make_due_effective


class Command(BaseCommand):
    help = "Make effective the grade changes of every decided evaluation round whose effective date has come (§8.5)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        usage_exit = parser.exit

        def exit(status=0, message=None):  # a usage error is a user error: exit 1
            usage_exit(1 if status == 2 else status, message)

        parser.exit = exit
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--today", help="act as on this date (YYYY-MM-DD; default: today in Asia/Shanghai)")

    def handle(self, *args, today=None, **options):
        day = timezone.localdate()
        if today:
            try:
                day = dt.date.fromisoformat(str(today).strip())
            except ValueError:
                raise CommandError(_("Date: “%(value)s” is not a date; write e.g. 2026-07-01.") % {
                    "value": today}) from None
        try:
            results = rounds_make_due_effective(today=day)
        except DatabaseError as exc:  # e.g. a database not migrated yet: say so, no traceback
            raise CommandError(_("Database error: %(error)s") % {"error": exc}) from None
        if not results:
            self.stdout.write(_("No decided round is due to take effect on %(date)s.") % {"date": day.isoformat()})
            return
        failed = []
        for rnd, refusal, summary in results:
            if refusal:
                failed.append(_("%(name)s (#%(id)s): %(reason)s") % {"name": rnd.name, "id": rnd.pk,
                                                                      "reason": refusal})
            else:
                self.stdout.write(_("%(name)s (#%(id)s): %(summary)s") % {"name": rnd.name, "id": rnd.pk,
                                                                          "summary": summary})
        if failed:
            raise CommandError("\n".join(failed))
