"""`auxpost rollcall-sweep [--date YYYY-MM-DD] [--shift CODE]` (SPEC §5.3.1): for cron or a systemd timer
(e.g. every 15 minutes, or a few minutes after each shift's end).

No mark by the shift end = 旷工: every rostered member with no mark on a shift that has ended gets an
``absent`` mark and its ``absence`` points entry (pending approval); members on approved leave get an
``on_leave`` mark. Without ``--date`` it sweeps today and yesterday (overnight shifts). Idempotent: a
second run finds nobody left. Exit 1 with a Chinese message on a bad date or shift.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.duty.services import rollcall_sweep


class Command(BaseCommand):
    help = "Mark absent every rostered member with no roll-call mark whose shift has ended (§5.3.1)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        usage_exit = parser.exit

        def exit(status=0, message=None):  # a usage error is a user error: exit 1
            usage_exit(1 if status == 2 else status, message)

        parser.exit = exit
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--date", help="sweep this duty day only (YYYY-MM-DD; default: today and yesterday)")
        parser.add_argument("--shift", help="sweep this shift code only (default: every shift that has ended)")

    def handle(self, *args, date=None, shift=None, **options):
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(str(date).strip())
            except ValueError:
                raise CommandError(_("Date: “%(value)s” is not a date; write e.g. 2026-07-01.") % {
                    "value": date}) from None
        try:
            counts = rollcall_sweep(at=timezone.now(), day=day, shift_code=(shift or "").strip() or None)
        except ValidationError as exc:
            raise CommandError(" ".join(m for msgs in exc.message_dict.values() for m in msgs)) from None
        except DatabaseError as exc:
            raise CommandError(_("Database error: %(error)s") % {"error": exc}) from None
        self.stdout.write(_("Roll-call sweep: %(absent)s marked absent, %(leave)s on leave.") % {
            "absent": counts.get("absent", 0), "leave": counts.get("on_leave", 0)})
