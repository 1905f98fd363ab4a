"""§5.2.2/§5.2.3 demo data for training and certificates.

- Courses: 辅岗人员岗前培训 (induction, 40 学时, exam), 年度执法业务培训 (annual, 24 学时, exam) and
  扬尘治理专题培训 (topical, 16 学时).
- Sessions, all units invited: last year's annual and topical sessions, this year's annual session, and
  this year's induction session for the members on probation without a certificate.
- Attendance through the service as the demo login ``bureau``: most members attend; a member is absent
  or excused by a fixed rule on their id, so last year some units have members short of the 40 hours and
  this year (only 24 hours offered so far) everyone not exempt is still short. Half the induction
  trainees pass the exam (the bureau can issue their certificate from their page), the others fail or
  are still short of hours.
- Certificates: every member with a 上岗证号 on the roster gets the matching certificate row (source
  import, issue date counted back from the expiry by the policy's validity years), so the expiring /
  expired / missing lists and renewals work.

Idempotent: does nothing once the induction course exists.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from auxpost.accounts.models import User
from auxpost.audit.services import Change, audit_record_many
from auxpost.org.models import Unit
from auxpost.people.models import ON_ROSTER, Member, MemberStatus
from auxpost.training import rules
from auxpost.training.models import Certificate, CertSource, Course
from auxpost.training.selectors import workforce
from auxpost.training.services import AttendanceEntry, attendance_record, course_create, session_create

INDUCTION = "辅岗人员岗前培训"
ANNUAL = "年度执法业务培训"
TOPICAL = "扬尘治理专题培训"
PLACE = "区综合行政执法局培训中心"


def _attendance(pk: int, salt: int) -> str:
    r = (pk * 7 + salt * 13) % 10
    return rules.ABSENT if r == 0 else rules.EXCUSED if r == 1 else rules.ATTENDED


def _score(pk: int, salt: int) -> Decimal:
    return Decimal(62 + (pk * 11 + salt * 5) % 37)


@transaction.atomic
def load(*, today: dt.date, root: Unit | None = None) -> Counter:
    """Load the training demo (see the module docstring) for the unit tree under ``root`` (default: the
    first top-level unit); returns what was created."""
    counts: Counter = Counter()
    if Course.objects.filter(name=INDUCTION, category=rules.INDUCTION).exists():
        return counts
    bureau = User.objects.filter(username="bureau").first()
    root = root or Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if bureau is None or root is None:
        return counts
    induction = course_create(actor=bureau, name=INDUCTION, category=rules.INDUCTION, hours=40, has_exam=True,
                              description="政策法规、执法辅助规范、文明执法、安全防护")
    annual = course_create(actor=bureau, name=ANNUAL, category=rules.ANNUAL, hours=24, has_exam=True,
                           description="法律法规更新、执法辅助实务、案例研讨")
    topical = course_create(actor=bureau, name=TOPICAL, category=rules.TOPICAL, hours=16, has_exam=False,
                            description="工地扬尘、渣土运输巡查要点")
    counts["courses"] += 3
    in_tree = Member.objects.filter(unit__path__startswith=root.path)
    on_roster = list(in_tree.filter(status__in=ON_ROSTER).order_by("pk").values_list("pk", "hire_date"))
    last = today.year - 1

    def run(course, start: dt.date, days: int, hours, members: list[int], salt: int, exam: bool) -> None:
        session = session_create(actor=bureau, course=course, start_date=start,
                                 end_date=start + dt.timedelta(days=days - 1), hours=hours, place=PLACE,
                                 trainer="区执法局法制科", units=[root])
        counts["sessions"] += 1
        entries = []
        for pk in members:
            att = _attendance(pk, salt)
            entries.append(AttendanceEntry(pk, att, _score(pk, salt) if exam and att == rules.ATTENDED else None))
        counts["records"] += attendance_record(actor=bureau, session=session, entries=entries)["recorded"]

    before_last = [pk for pk, hire in on_roster if hire < dt.date(last, 4, 1)]
    run(annual, dt.date(last, 4, 13), 3, 24, before_last, 1, True)
    before_sept = [pk for pk, hire in on_roster if hire < dt.date(last, 9, 14)]
    run(topical, dt.date(last, 9, 14), 2, 16, before_sept, 2, False)
    start = min(dt.date(today.year, 3, 9), today - dt.timedelta(days=3))
    this_year = [pk for pk, hire in on_roster if hire < start]
    run(annual, start, 3, 24, this_year, 3, True)

    trainees = list(in_tree.filter(status=MemberStatus.PROBATION, cert_number="").order_by("pk")
                    .values_list("pk", flat=True))
    if trainees:
        start = max(today - dt.timedelta(days=12), min(Member.objects.filter(pk__in=trainees)
                                                        .values_list("hire_date", flat=True)))
        start = min(start, today - dt.timedelta(days=5))
        session = session_create(actor=bureau, course=induction, start_date=start,
                                 end_date=start + dt.timedelta(days=4), hours=40, place=PLACE, trainer="区执法局法制科",
                                 units=[root])
        counts["sessions"] += 1
        entries = []
        for i, pk in enumerate(trainees):
            if i % 4 == 3:
                entries.append(AttendanceEntry(pk, rules.EXCUSED, None))  # still to do
            else:
                entries.append(AttendanceEntry(pk, rules.ATTENDED, Decimal(55) if i % 4 == 2 else Decimal(80 + i % 15)))
        counts["records"] += attendance_record(actor=bureau, session=session, entries=entries)["recorded"]

    _certificates(today, bureau, counts)
    return counts


def _certificates(today: dt.date, actor, counts: Counter) -> None:
    """A certificate row (source import) for every member whose 上岗证号 is on the roster."""
    taken = set(Certificate.objects.values_list("number", flat=True))
    rows = []
    at = timezone.now()
    for pk, number, until in (Member.objects.exclude(cert_number="").filter(cert_valid_until__isnull=False)
                              .order_by("pk").values_list("pk", "cert_number", "cert_valid_until")):
        if number in taken:
            continue
        taken.add(number)
        years = workforce(until).certificates.validity_years
        rows.append(Certificate(member_id=pk, number=number, issued_on=rules.add_years(until, -years),
                                valid_until=until, source=CertSource.IMPORT, note="演示数据：依花名册登记",
                                recorded_by=actor, recorded_at=at))
    created = Certificate.objects.bulk_create(rows, batch_size=1000)
    label = Certificate._meta.label_lower
    audit_record_many(actor=actor, changes=[
        Change("import", label, str(c.pk), c.number, "§5.2.3 demo certificate recorded from the roster",
               after={"member_id": c.member_id, "number": c.number, "issued_on": c.issued_on,
                      "valid_until": c.valid_until}) for c in created], returning=False)
    counts["certificates"] += len(created)
