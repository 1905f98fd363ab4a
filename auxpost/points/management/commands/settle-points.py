"""`auxpost settle-points --year YYYY [--user USERNAME]` (SPEC §10, §12 conventions).

Settles every member's annual points for the year from the approved ledger entries (base + Σ,
clamped), keeping imported totals. Exit 0 with the counts; exit 1 with a Chinese message (never a
traceback) on a user error: a bad year, an unknown user or one who may not settle.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.points.services import actor_may_settle, points_settle_year


class Command(BaseCommand):
    help = "Settle the annual points (§10) of every member for a year from the approved ledger entries."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        usage_exit = parser.exit

        def exit(status=0, message=None):  # a usage error (missing --year) is a user error: exit 1
            usage_exit(1 if status == 2 else status, message)

        parser.exit = exit
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="the year to settle, e.g. 2026")
        parser.add_argument("--user", metavar="USERNAME",
                            help="record the settlement as done by this user (default: the system)")

    def handle(self, *args, year, user=None, **options):
        try:
            year_number = int(str(year).strip())
        except ValueError:
            raise CommandError(_("Year: “%(value)s” is not a year; write e.g. 2026.") % {"value": year}) from None
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(_("No active user named %(name)s.") % {"name": user})
            if not actor_may_settle(actor):
                raise CommandError(_("%(name)s may not settle annual points (needs the bureau or administrator "
                                     "role for the whole district).") % {"name": user})
        try:
            result = points_settle_year(year=year_number, by=actor, at=timezone.now())
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(settlement_summary(result))


def settlement_summary(result) -> str:
    return _("Annual points %(year)s settled under policy %(version)s: %(members)s members, %(created)s new, "
             "%(updated)s updated, %(unchanged)s unchanged, %(imported)s imported totals kept.") % {
        "year": result.year, "version": result.policy_version, "members": result.members,
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "imported": len(result.imported_kept)}
