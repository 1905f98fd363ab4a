"""`auxpost demo` (SPEC §12): load the demo district, idempotently."""

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from auxpost.core.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--today must be a date written YYYY-MM-DD, not %(value)s.") % {"value": value})


class Command(BaseCommand):
    help = "Load the demo district (units, work lines, about 300 members, one login per role). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="load even though demo mode (AUXPOST_DEMO=1) is off")
        parser.add_argument("--today", help="the anchor date for certificate expiries (default: today)")

    def handle(self, *args, **options):
        # Demo logins share a published password: never on an install that did not ask for them.
        if not (settings.DEMO_MODE or options["force"]):
            raise CommandError(_("The demo district creates logins with a published password, so it is only loaded "
                                 "in demo mode (AUXPOST_DEMO=1) or with --force."))
        today = _date(options["today"]) if options.get("today") else None
        started = time.monotonic()
        result = load_demo(today=today)
        seconds = time.monotonic() - started
        if not result.changed:
            self.stdout.write(_("The demo district is already loaded; nothing changed."))
            return
        labels = {
            "units": _("units"), "work lines": _("work lines"), "organisations": _("organisations"),
            "members": _("members"), "grade history rows": _("grade history rows"), "quotas": _("quotas"),
            "logins": _("logins"), "annual points": _("annual points (settled)"),
            "skills scores": _("skills scores"), "annual results": _("annual results"),
            "ledger entries": _("points ledger entries"), "monthly scores": _("monthly scorecards"),
            "skills round candidates": _("skills round candidates"), "basic records": _("basic requirement records"),
            "evaluation rounds": _("grade evaluation rounds"),
            "evaluation candidates": _("grade evaluation candidates"),
            # §5.2 the working life
            "courses": _("training courses"), "sessions": _("training sessions"), "records": _("training records"),
            "certificates": _("duty certificates"), "recruitment plans": _("hiring plans"),
            "recruitment applications": _("job applications"), "dispatch contracts": _("dispatch contracts"),
            "separation cases": _("separation cases"), "separations in effect": _("separations in effect"),
            "retirement proposals": _("retirement proposals"), "protection records": _("protection records"),
            "refused under Art. 42": _("separations refused under Art. 42"),
            # §4.2 the ledger and §5.3 the daily links
            "duties": _("duties"), "work items": _("work items"), "post indicators": _("post-analysis indicators"),
            "leave_returned": _("leave reported back"), "leave_rejected": _("leave rejected"),
            "leave_approved": _("leave approved"), "leave_submitted": _("leave awaiting approval"),
            "leave_cancelled": _("leave cancelled"), "leave_overdue": _("leave not reported back"),
            "absence_entries": _("absence entries of overdue leave"), "duty areas": _("duty areas"),
            "geofence sites": _("geofence sites"), "duty rosters": _("duty rosters"),
            "roll-call marks": _("roll-call marks"), "points entries": _("roll-call points entries"),
            "patrol_logs": _("patrol logs"), "patrol_photos": _("patrol photos"), "handovers": _("handovers"),
            "handover_notes": _("handover correction notes"),
            "handovers_unacknowledged": _("handovers not acknowledged"), "meetings held": _("meetings held"),
            "absences recorded": _("unexcused meeting absences"), "minutes": _("meeting minutes"),
            "follow-ups": _("meeting follow-ups"), "meetings scheduled": _("meetings scheduled"),
            "excuses waiting": _("meeting excuses waiting"), "uniform inspections": _("uniform inspections"),
            "uniform inspections failed": _("uniform inspections with a failed item"),
        }
        parts = [f"{labels.get(k, k)} {n}" for k, n in result.created.items() if n]
        self.stdout.write(_("Demo district loaded in %(seconds).1f s: %(parts)s.") % {
            "seconds": seconds, "parts": pgettext("list separator", ", ").join(parts)})
        if result.created["logins"]:
            self.stdout.write(_("Demo logins (password %(password)s): %(users)s") % {
                "password": DEMO_PASSWORD,
                "users": ", ".join(d.username for d in DEMO_LOGINS)})
