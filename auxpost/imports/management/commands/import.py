"""`auxpost import KIND FILE.xlsx [--only-good] [--errors OUT.xlsx] [--user USERNAME] [--quiet]` (SPEC §12)."""

from __future__ import annotations

import os
import sys
import time
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from auxpost.accounts.models import Role
from auxpost.accounts.scope import has_role
from auxpost.imports import registry
from auxpost.imports.framework import error_workbook
from auxpost.imports.services import import_run

IMPORT_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)

HELP = """Import a workbook (.xlsx) of one template of SPEC §12.

Every row is validated first. By default nothing is written unless every row is good: the command
then lists every bad row as "第N行 [列名] 原因" and exits 1.

With --only-good the good rows are written and the bad rows are listed on stderr (and saved to
--errors OUT.xlsx when given, with a column 错误原因, ready to be corrected and imported again).
Exit status with --only-good: 0 when the good rows were written (bad rows are the expected outcome
of that mode and are reported, not a failure); 1 when nothing could be written (no good row, or a
problem with the file as a whole).

A missing or unreadable file, a file that is not .xlsx, or missing headers exit 1 with a message.
Progress is drawn on stderr when it is a terminal (not with --quiet); the summary is always printed.
"""


class ProgressBar:
    """A one-line progress bar on a terminal: redrawn at most every 1% (the framework's ticks)."""

    LABELS = {"validate": "校验", "write": "写入"}

    def __init__(self, stream, enabled: bool):
        self.stream, self.enabled, self.phase = stream, enabled, None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if self.phase is not None and phase != self.phase:
            self.stream.write("\n")
        self.phase = phase
        label = self.LABELS.get(phase, phase)
        if total:
            pct = min(100, done * 100 // total)
            filled = pct * 30 // 100
            line = f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {pct:3d}% {done}/{total}"
        else:
            line = f"\r{label} {done} …"
        self.stream.write(line)
        self.stream.flush()

    def end(self) -> None:
        if self.enabled and self.phase is not None:
            self.stream.write("\n")
            self.stream.flush()
            self.phase = None


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        usage_exit = parser.exit

        def exit(status=0, message=None):  # SPEC §12: a user error (bad kind, missing FILE) exits 1, not 2
            usage_exit(1 if status == 2 else status, message)

        parser.exit = exit
        return parser

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=registry.kinds(), help="which template (SPEC §12)")
        parser.add_argument("file", help="the workbook to import (.xlsx)")
        parser.add_argument("--only-good", action="store_true", dest="only_good",
                            help="write the good rows even if some rows are bad")
        parser.add_argument("--errors", metavar="OUT.xlsx",
                            help="write the bad rows (with a column 错误原因) to this workbook")
        parser.add_argument("--user", metavar="USERNAME",
                            help="record the import as done by this user (default: the system)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, kind, file, only_good=False, errors=None, user=None, quiet=False, **options):
        spec = registry.get_spec(kind)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        if not os.access(path, os.R_OK):
            raise CommandError(_("The file cannot be read: %(path)s") % {"path": file})
        if errors and not Path(errors).suffix.lower() == ".xlsx":
            raise CommandError(_("--errors needs a file name ending in .xlsx."))

        stream = getattr(self.stderr, "_out", sys.stderr)  # raw stream: the wrapper would add line endings
        bar = ProgressBar(stream, enabled=not quiet and hasattr(stream, "isatty") and stream.isatty())
        started = time.monotonic()
        try:
            actor = self._actor(user)
            with path.open("rb") as fh:
                report = import_run(kind=kind, source=fh, actor=actor, only_good=only_good,
                                    source_name=path.name, progress=bar)
        except DatabaseError as exc:  # e.g. not migrated, or the database is locked: nothing was written
            raise CommandError(_("The database refused the import, nothing was written: %(error)s") % {
                "error": str(exc).strip() or exc.__class__.__name__}) from None
        finally:
            bar.end()
        elapsed = time.monotonic() - started

        saved = ""
        if errors and report.bad_rows:
            try:
                Path(errors).write_bytes(error_workbook(spec, report))
            except OSError as exc:
                raise CommandError(_("Could not write %(path)s: %(error)s") % {"path": errors,
                                                                               "error": exc.strerror}) from None
            saved = _("The bad rows were saved to %(path)s.") % {"path": errors}

        if report.file_errors:
            lines = [_("Nothing was imported from %(file)s.") % {"file": path.name}, *report.file_errors]
            if report.errors:
                lines.append(_("Besides, %(bad)s of %(total)s rows have errors:") % {
                    "bad": report.bad_row_count, "total": report.total_rows})
                lines.extend(report.lines())
            if saved:
                lines.append(saved)
            raise CommandError("\n".join(lines))

        if report.errors and not report.written:
            lines = [_("Nothing was imported: %(bad)s of %(total)s rows have errors.") % {
                "bad": report.bad_row_count, "total": report.total_rows}, *report.lines()]
            if saved:
                lines.append(saved)
            if not only_good:
                lines.append(_("Correct these rows and import the file again, or use --only-good to import "
                               "the good rows only."))
            raise CommandError("\n".join(lines))

        if report.errors:
            for line in report.lines():
                self.stderr.write(line)
        summary = _("%(kind)s: imported %(written)s of %(total)s rows from %(file)s in %(seconds)s s — %(counts)s") % {
            "kind": spec.title, "written": report.written_rows, "total": report.total_rows, "file": path.name,
            "seconds": f"{elapsed:.1f}", "counts": spec.summary(report.counts)}
        self.stdout.write(summary)
        if report.errors:
            self.stdout.write(_("%(bad)s rows with errors were not imported (listed above).") % {
                "bad": report.bad_row_count} + (" " + saved if saved else ""))

    def _actor(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user named %(name)s.") % {"name": username})
        if not has_role(user, *IMPORT_ROLES):
            raise CommandError(_("%(name)s may not import data (needs the administrator, bureau or HR company "
                                 "role).") % {"name": username})
        return user
