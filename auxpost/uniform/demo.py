"""§5.3.5 demo data for uniform inspections, run once on a fresh demo district.

For the squadrons of the demo logins ``squadron1`` and ``squadron2`` (the 中队长 inspects): every team
inspected at once each Monday of the last four weeks (the members at work on that day), through the
service. A fixed pattern fails an item for about one inspection in twelve (sometimes two items), with a
note, so the month's pass rate is around 90 % and the ledger holds pending ``uniform_fail`` entries.
Members' status and roster are not touched.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone

from auxpost.accounts.models import User
from auxpost.org.models import Unit
from auxpost.uniform import selectors
from auxpost.uniform.models import Inspection
from auxpost.uniform.services import Entry, inspection_record

LOGINS = ("squadron1", "squadron2")
NOTES = {"complete": "制服有污渍、纽扣缺失", "no_mixing": "制服内穿便装外套", "insignia": "未佩戴工作证",
         "grooming": "头发过长、胡须未剃"}


def _failed(member_id: int, salt: int, codes: list[str]) -> list[str]:
    r = (member_id * 13 + salt * 7) % 24
    if r == 0:
        return [codes[(member_id + salt) % len(codes)], codes[(member_id + salt + 1) % len(codes)]]
    if r == 1:
        return [codes[(member_id + salt) % len(codes)]]
    return []


@transaction.atomic
def load(*, today: dt.date) -> Counter:
    """Load the uniform demo (see the module docstring); returns what was created."""
    counts: Counter = Counter()
    if Inspection.objects.exists():
        return counts
    monday = today - dt.timedelta(days=today.weekday())
    tz = timezone.get_current_timezone()
    for username in LOGINS:
        inspector = User.objects.filter(username=username).first()
        ra = inspector.role_assignments.filter(unit__isnull=False).select_related("unit").first() if inspector else None
        if ra is None:
            continue
        teams = list(Unit.objects.filter(parent=ra.unit).order_by("path"))
        for week in range(4, 0, -1):
            day = monday - dt.timedelta(weeks=week)
            codes = [c for c, _n in selectors.checklist(day)]
            for i, team in enumerate(teams):
                members = list(selectors.inspectable_members(inspector).filter(unit=team, hire_date__lte=day)
                               .select_related("unit").order_by("pk"))
                if not members:
                    continue
                salt = week * 10 + i
                entries = []
                for m in members:
                    failed = _failed(m.pk, salt, codes)
                    entries.append(Entry(m, failed=failed, notes={c: NOTES.get(c, "") for c in failed}))
                rows = inspection_record(actor=inspector, date=day, entries=entries,
                                         at=dt.datetime.combine(day, dt.time(8, 10 + i * 5), tz))
                counts["uniform inspections"] += len(rows)
                counts["uniform inspections failed"] += sum(1 for r in rows if r.failed_count)
    return counts
