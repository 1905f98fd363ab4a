"""`auxpost separation-propose [--date YYYY-MM-DD]` (SPEC §5.2.4): for a cron job, daily.

Proposes the separation of every member on the roster whose statutory retirement (2025 progressive rule)
is ``retirement_notice_days`` (policy) away or nearer and who has no open case. Set-based, idempotent.
Exit 0 with one line; exit 1 with a Chinese message (never a traceback)."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from auxpost.separation.management.commands._base import DatedCommand
from auxpost.separation.services import retirement_proposals_create


class Command(DatedCommand):
    help = "Propose the retirement of members whose statutory retirement date is near (§5.2.4)."

    def handle(self, *args, day=None, **options):
        on = self.day(day)
        try:
            n = retirement_proposals_create(on)
        except DatabaseError as exc:
            raise CommandError(_("Database error: %(error)s") % {"error": exc}) from None
        self.stdout.write(_("%(n)s retirement proposal(s) created on %(date)s.") % {"n": n, "date": on.isoformat()})
