"""`auxpost createadmin USERNAME [--password P]`: the first administrator of a production install.

Creates the user with the administrator role, or gives an existing user that role (and, with a
password, sets it; a deactivated or locked account is reactivated and unlocked). Audited as "system".
"""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from auxpost.accounts.models import User
from auxpost.accounts.services import admin_bootstrap


class Command(BaseCommand):
    help = "Create an administrator (or give an existing user the administrator role)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", help="the password (prompted for when omitted and the user is new)")
        parser.add_argument("--display-name", default="", help="the person's name, shown instead of the username")

    def handle(self, *args, username, password, display_name, **options):
        username = username.strip()
        try:
            exists = User.objects.filter(username=username).exists()
        except DatabaseError as exc:
            raise CommandError(_("Cannot reach the database (run `auxpost migrate` first?): %(error)s")
                               % {"error": exc}) from None
        if password is None and not exists:
            password = self._prompt()
        try:
            user, done = admin_bootstrap(username=username, password=password, display_name=display_name)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        if not done:
            self.stdout.write(_("%(username)s is already an administrator; nothing changed.") % {"username": username})
        else:
            self.stdout.write(_("Administrator %(username)s: %(done)s.") % {
                "username": user.username, "done": ", ".join(done)})

    def _prompt(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(_("No terminal to ask for the password: pass --password."))
        first = getpass.getpass(_("Password: "))
        second = getpass.getpass(_("Password (again): "))
        if first != second:
            raise CommandError(_("The two passwords do not match."))
        if not first:
            raise CommandError(_("An initial password is required."))
        return first
