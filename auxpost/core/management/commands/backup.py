"""`auxpost backup FILE`: one .tar.gz with a consistent database snapshot, the uploaded files and a
manifest, taken while the system runs (see auxpost/core/backup.py and docs/backup.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from auxpost.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive (safe while running)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. /srv/backup/auxpost-$(date +%%F).tar.gz")

    def handle(self, *args, file, **options):
        try:
            manifest = backup_create(file)
        except (BackupError, DatabaseError) as exc:
            raise CommandError(_("Backup failed: %(error)s") % {"error": exc}) from None
        self.stdout.write(_("Backup written to %(file)s: %(vendor)s database (%(size)s bytes, %(migrations)s "
                            "migrations), %(media)s uploaded files, taken at %(at)s.") % {
            "file": file, "vendor": manifest["vendor"], "size": manifest["database"]["size"],
            "migrations": len(manifest["migrations"]), "media": len(manifest["media"]), "at": manifest["created_at"]})
