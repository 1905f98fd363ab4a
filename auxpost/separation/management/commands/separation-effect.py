"""`auxpost separation-effect [--date YYYY-MM-DD]` (SPEC §5.2.4): for a cron job, daily.

Applies the effect of every executed separation whose last day has come: the member separated (grade
cancelled with a dated history row), the login closed, the contract ended, the certificate closed.
Idempotent. Exit 0 with one line; exit 1 with a Chinese message (never a traceback)."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from auxpost.separation.management.commands._base import DatedCommand
from auxpost.separation.services import EffectFailed, separations_make_due_effective


class Command(DatedCommand):
    help = "Apply the separations whose last day has come (§5.2.4)."

    def handle(self, *args, day=None, **options):
        on = self.day(day)
        try:
            n = separations_make_due_effective(on)
        except DatabaseError as exc:
            raise CommandError(_("Database error: %(error)s") % {"error": exc}) from None
        except EffectFailed as exc:
            self.stdout.write(_("%(n)s separation(s) took effect on %(date)s.") % {"n": exc.done, "date": on.isoformat()})
            raise CommandError("\n".join(exc.failed)) from None
        self.stdout.write(_("%(n)s separation(s) took effect on %(date)s.") % {"n": n, "date": on.isoformat()})
