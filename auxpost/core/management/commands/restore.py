"""`auxpost restore FILE [--yes]`: replace the database and the uploaded files with a backup's.

Checks everything first (format, database kind, migrations, checksums); stop the application
before restoring. The replaced database and media folder are kept as *.pre-restore.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from auxpost.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from an `auxpost backup` archive."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, file, yes, **options):
        try:
            report = backup_restore(file, confirm=None if yes else self._confirm)
        except (BackupError, DatabaseError) as exc:
            raise CommandError(_("Restore failed: %(error)s") % {"error": exc}) from None
        m = report.manifest
        self.stdout.write(_("Restored the backup of %(at)s (auxpost %(version)s, %(vendor)s, %(media)s uploaded "
                            "files).") % {"at": m["created_at"], "version": m["auxpost_version"],
                                          "vendor": m["vendor"], "media": len(m["media"])})
        if report.kept_database:
            self.stdout.write(_("The replaced database is kept as %(path)s.") % {"path": report.kept_database})
        if report.kept_media:
            self.stdout.write(_("The replaced uploaded files are kept in %(path)s.") % {"path": report.kept_media})
        if report.pending_migrations:
            self.stdout.write(_("The backup is from an older version: run `auxpost migrate` to apply %(n)s "
                                "migrations.") % {"n": len(report.pending_migrations)})

    def _confirm(self, manifest) -> bool:
        summary = _("Backup of %(at)s, auxpost %(version)s, %(vendor)s database, %(media)s uploaded files.") % {
            "at": manifest["created_at"], "version": manifest["auxpost_version"], "vendor": manifest["vendor"],
            "media": len(manifest.get("media", []))}
        if not sys.stdin.isatty():
            raise BackupError(_("%(summary)s Restoring replaces the current database and uploaded files; run again "
                                "with --yes to confirm.") % {"summary": summary})
        self.stdout.write(summary)
        answer = input(_("This replaces the current database and uploaded files. Type yes to go on: "))
        return answer.strip().lower() in {"yes", "y", "是"}
