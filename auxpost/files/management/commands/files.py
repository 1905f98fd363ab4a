"""``auxpost files sweep [--dry-run]``: delete attachment files that no row names (§11), once a day old."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from auxpost.files.services import attachment_orphans_sweep


class Command(BaseCommand):
    help = "Attachment files: 'sweep' deletes files under MEDIA_ROOT/attachments that no record names (a day old)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep"])
        parser.add_argument("--dry-run", action="store_true", help="List the orphans, delete nothing.")

    def handle(self, *args, action, dry_run, **options):
        if action != "sweep":  # pragma: no cover - argparse refuses other values
            raise CommandError(action)
        found = attachment_orphans_sweep(at=timezone.now(), dry_run=dry_run)
        for name in found:
            self.stdout.write(name)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {len(found)} orphan file(s)")
