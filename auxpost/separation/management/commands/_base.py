"""Shared parsing for the separation cron commands: ``--date YYYY-MM-DD`` (alias ``--today``)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _


class DatedCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        usage_exit = parser.exit

        def exit(status=0, message=None):  # a usage error is a user error: exit 1
            usage_exit(1 if status == 2 else status, message)

        parser.exit = exit
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--date", "--today", dest="day",
                            help="act as on this date (YYYY-MM-DD; default: today in Asia/Shanghai)")

    def day(self, value) -> dt.date:
        if not value:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise CommandError(_("Date: “%(value)s” is not a date; write e.g. 2026-07-01.") % {"value": value}) from None
