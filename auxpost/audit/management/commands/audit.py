"""`auxpost audit verify` (SPEC §12): check the audit chain; exit 1 naming the first broken link."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from auxpost.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit chain tools. verify: recompute the hash chain; exit 1 and name the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args, subcommand, **options):
        try:
            result = audit_verify()
        except DatabaseError as exc:
            raise CommandError(_("Cannot read the audit chain (is the database migrated?): %(error)s")
                               % {"error": exc}) from None
        if not result.ok:
            raise CommandError(result.describe())
        self.stdout.write(result.describe())
