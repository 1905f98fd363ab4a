"""`auxpost export roster FILE.xlsx` (SPEC §12): every member on the roster in the 花名册 columns.

A personal-data export (§11), logged in the audit chain as an export by the system actor. Exit 1
with a message (never a traceback) when the file cannot be written.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from auxpost.people.exports import roster_export
from auxpost.people.models import ON_ROSTER, Member


class Command(BaseCommand):
    help = "Export the roster (花名册) to an .xlsx file in the import template's columns."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["roster"], help="what to export")
        parser.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args, what, file, **options):
        path = os.path.abspath(file)
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            raise CommandError(f"cannot write {file}: folder {folder} does not exist")
        if os.path.isdir(path):
            raise CommandError(f"cannot write {file}: it is a folder")
        members = (Member.objects.filter(status__in=ON_ROSTER).select_related("unit", "work_line")
                   .order_by("unit__path", "name", "id"))
        try:
            n = roster_export(actor=None, members=members, out=path, filters={"status": "on roster"}, view=None)
        except OSError as exc:
            raise CommandError(f"cannot write {file}: {exc.strerror or exc}") from None
        self.stdout.write(f"wrote {n} members to {file}")
