"""§5.2.2 培训 and §5.2.3 持证上岗: the writes. Keyword-only, one transaction each, audited (§11).

The training record is a ledger: rows are appended, a correction reverses the old row (a new row with
the hours negated) and appends the right one. Certificates are never deleted; the member's current
certificate is mirrored in ``Member.cert_number``/``cert_valid_until`` in the same transaction, with
the before/after in the audit chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.audit.services import Change, audit_record, audit_record_many, model_snapshot
from auxpost.people.models import ON_ROSTER, Member
from auxpost.training import rules
from auxpost.training.models import (
    Attendance,
    Category,
    Certificate,
    CertSource,
    CertStatus,
    Course,
    RecordSource,
    Session,
    TrainingRecord,
)
from auxpost.training.selectors import (
    can_issue_certificates,
    can_manage_courses,
    entry_members_for,
    hours_in_window,
    induction_status,
    session_current,
    units_below,
    workforce,
)

COURSE_FIELDS = ["name", "category", "hours", "has_exam", "description"]
SESSION_FIELDS = ["course", "start_date", "end_date", "place", "trainer", "hours"]
RECORD_FIELDS = ["member", "course", "session", "category", "date", "attendance", "hours", "score", "passed",
                 "source", "reverses", "note"]
CERT_FIELDS = ["member", "number", "issued_on", "valid_until", "status", "source", "replaces", "closed_on",
               "close_reason"]
MAX_HOURS = Decimal(1000)


def _refuse(field: str, message: str):
    raise ValidationError({field: [message]})


def _hours(value, field: str = "hours") -> Decimal:
    try:
        h = Decimal(str(value))
    except Exception:
        _refuse(field, _("Training hours: not a number."))
    if not h.is_finite() or h <= 0 or h > MAX_HOURS or h != h.quantize(Decimal("0.1")):
        _refuse(field, _("Training hours: a number above 0 and up to 1000, at most one decimal."))
    return h


def _score(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        s = Decimal(str(value))
    except Exception:
        _refuse("score", _("Exam score: not a number."))
    if not s.is_finite() or s < 0 or s > 100 or s != s.quantize(Decimal("0.1")):
        _refuse("score", _("Exam score: a number from 0 to 100, at most one decimal."))
    return s


# ------------------------------------------------------------------------------------------ courses

@transaction.atomic
def course_create(*, actor, name: str, category: str, hours, has_exam: bool = False, description: str = "") -> Course:
    """§5.2.2 a course of one category (岗前/年度/晋级/专题) with its 学时; the bureau manages courses."""
    if actor is not None and not can_manage_courses(actor):
        raise PermissionError("only the bureau manages courses")
    name = (name or "").strip()
    if not name:
        _refuse("name", _("Course name: this field is required."))
    if category not in Category.values:
        _refuse("category", _("Course category: choose induction, annual, promotion or topical."))
    if Course.objects.filter(name=name, category=category).exists():
        _refuse("name", _("Course name: a course of this name and category already exists."))
    course = Course.objects.create(name=name[:100], category=category, hours=_hours(hours), has_exam=bool(has_exam),
                                   description=(description or "")[:300], created_by=actor,
                                   created_at=timezone.now())
    audit_record(actor=actor, action="create", obj=course, summary="§5.2.2 course created",
                 after=model_snapshot(course, COURSE_FIELDS))
    return course


@transaction.atomic
def course_update(*, actor, course: Course, name: str, hours, has_exam: bool, description: str = "") -> Course:
    """§5.2.2 change a course's name, 学时, exam flag or description (its category is fixed)."""
    if actor is not None and not can_manage_courses(actor):
        raise PermissionError("only the bureau manages courses")
    course = Course.objects.select_for_update().get(pk=course.pk)
    before = model_snapshot(course, COURSE_FIELDS)
    name = (name or "").strip()
    if not name:
        _refuse("name", _("Course name: this field is required."))
    if Course.objects.filter(name=name, category=course.category).exclude(pk=course.pk).exists():
        _refuse("name", _("Course name: a course of this name and category already exists."))
    course.name, course.hours, course.has_exam = name[:100], _hours(hours), bool(has_exam)
    course.description = (description or "")[:300]
    course.save()
    audit_record(actor=actor, action="update", obj=course, summary="§5.2.2 course changed", before=before,
                 after=model_snapshot(course, COURSE_FIELDS))
    return course


@transaction.atomic
def session_create(*, actor, course: Course, start_date: dt.date, end_date: dt.date, hours=None, place: str = "",
                   trainer: str = "", units: Iterable = ()) -> Session:
    """§5.2.2 a session (培训班次) of a course: dates, place, trainer, 学时 (default the course's) and the
    units invited (at least one; their subtrees are invited)."""
    if actor is not None and not can_manage_courses(actor):
        raise PermissionError("only the bureau manages sessions")
    units = list(units)
    if end_date < start_date:
        _refuse("end_date", _("Session end: must not be before the start."))
    if not units:
        _refuse("units", _("Units invited: choose at least one unit."))
    session = Session.objects.create(course=course, start_date=start_date, end_date=end_date,
                                     hours=_hours(course.hours if hours in (None, "") else hours),
                                     place=(place or "")[:100], trainer=(trainer or "")[:100], created_by=actor,
                                     created_at=timezone.now())
    session.units.set(units)
    after = model_snapshot(session, SESSION_FIELDS) | {"units": sorted(u.pk for u in units)}
    audit_record(actor=actor, action="create", obj=session, summary="§5.2.2 session created", after=after)
    return session


# ------------------------------------------------------------------------------------------- ledger

@dataclass(frozen=True)
class AttendanceEntry:
    member_id: int
    attendance: str
    score: Decimal | None = None


def _reversal(old: TrainingRecord, *, actor, at, note: str) -> TrainingRecord:
    return TrainingRecord(member_id=old.member_id, course_id=old.course_id, session_id=old.session_id,
                          category=old.category, date=old.date, attendance=old.attendance, hours=-old.hours,
                          score=old.score, passed=old.passed, source=RecordSource.CORRECTION, reverses=old,
                          note=note[:300], recorded_by=actor, recorded_at=at)


@transaction.atomic
def attendance_record(*, actor, session: Session, entries: Iterable[AttendanceEntry]) -> dict:
    """§5.2.2 attendance and exam scores of a whole session at once, by the bureau or a line manager for
    the members in their scope invited to the session. An unchanged entry writes nothing; a changed one
    reverses the member's earlier row and appends the new one. Returns counts."""
    entries = list(entries)
    allowed = set(entry_members_for(actor).filter(unit__in=units_below(session.units.all()).values("pk"),
                                                  status__in=ON_ROSTER).values_list("pk", flat=True))
    policy = workforce(session.start_date)
    course = session.course
    current = session_current(session, [e.member_id for e in entries])
    at = timezone.now()
    new_rows, reversals = [], []
    seen = set()
    for e in entries:
        if e.member_id not in allowed:
            _refuse("member", _("Member: not invited to this session or not in your scope."))
        if e.member_id in seen:
            _refuse("member", _("Member: entered twice."))
        seen.add(e.member_id)
        if e.attendance not in Attendance.values:
            _refuse("attendance", _("Attendance: choose attended, absent or excused."))
        score = _score(e.score)
        if score is not None and e.attendance != rules.ATTENDED:
            _refuse("score", _("Exam score: only for a member who attended."))
        if score is not None and not course.has_exam:
            _refuse("score", _("Exam score: this course has no exam."))
        hours = rules.credited_hours(e.attendance, session.hours)
        passed = rules.exam_passed(score, policy.training.pass_score)
        old = current.get(e.member_id)
        if old is not None and (old.attendance, old.score) == (e.attendance, score) and old.hours == hours:
            continue
        if old is not None:
            reversals.append(_reversal(old, actor=actor, at=at, note=_("Corrected attendance or score")))
        new_rows.append(TrainingRecord(member_id=e.member_id, course=course, session=session,
                                       category=course.category, date=session.end_date, attendance=e.attendance,
                                       hours=hours, score=score, passed=passed, source=RecordSource.SESSION,
                                       recorded_by=actor, recorded_at=at))
    created = TrainingRecord.objects.bulk_create(reversals + new_rows)
    label = TrainingRecord._meta.label_lower
    changes = [Change("create", label, str(r.pk), str(r),
                      "§5.2.2 training record reversed" if r.reverses_id else "§5.2.2 attendance recorded",
                      after=model_snapshot(r, RECORD_FIELDS)) for r in created]
    audit_record_many(actor=actor, changes=changes)
    return {"recorded": len(new_rows), "corrected": len(reversals)}


@transaction.atomic
def record_reverse(*, actor, record: TrainingRecord, reason: str) -> TrainingRecord:
    """§5.2.2 cancel a training record (entered by mistake): a reversing row, audited; by the bureau or
    the member's line manager."""
    if not entry_members_for(actor).filter(pk=record.member_id).exists():
        raise PermissionError("not in scope")
    record = TrainingRecord.objects.select_for_update().get(pk=record.pk)
    if record.reverses_id or TrainingRecord.objects.filter(reverses=record).exists():
        _refuse("record", _("Training record: already reversed, or itself a reversal."))
    if not (reason or "").strip():
        _refuse("reason", _("Reason: this field is required."))
    rev = _reversal(record, actor=actor, at=timezone.now(), note=reason.strip())
    rev.save()
    audit_record(actor=actor, action="create", obj=rev, summary="§5.2.2 training record reversed",
                 after=model_snapshot(rev, RECORD_FIELDS))
    return rev


# ------------------------------------------------------------------------------------- certificates

def _mirror(*, actor, member: Member, cert: Certificate | None, why: str) -> None:
    """Copy the current certificate (None: none) into the member's mirror fields, audited before/after."""
    before = {"cert_number": member.cert_number, "cert_valid_until": member.cert_valid_until}
    number = cert.number if cert is not None else ""
    until = cert.valid_until if cert is not None else None
    if (member.cert_number, member.cert_valid_until) == (number, until):
        return
    Member.objects.filter(pk=member.pk).update(cert_number=number, cert_valid_until=until, updated_at=timezone.now())
    member.cert_number, member.cert_valid_until = number, until
    caller = getattr(member, "_training_caller", None)
    if caller is not None:
        caller.cert_number, caller.cert_valid_until = number, until
    audit_record(actor=actor, action="update", obj=member, summary=f"§5.2.3 current certificate: {why}",
                 before=before, after={"cert_number": number, "cert_valid_until": until})


def _next_number(year: int) -> str:
    prefix = rules.certificate_number(year, 0)[:-6]
    taken = set(Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    seq = len(taken) + 1
    while rules.certificate_number(year, seq) in taken:
        seq += 1
    return rules.certificate_number(year, seq)


def _check_number(number: str | None, year: int) -> str:
    if number in (None, ""):
        return _next_number(year)
    number = str(number).strip()
    if len(number) > 50:
        _refuse("number", _("Certificate number: at most 50 characters."))
    if Certificate.objects.filter(number=number).exists():
        _refuse("number", _("Certificate number: %(number)s is already taken.") % {"number": number})
    return number


def _lock(member: Member) -> Member:
    """The member row, locked for the transaction; the caller's instance gets the mirror fields too."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    locked._training_caller = member
    return locked


def _current(member: Member, *, actor) -> Certificate | None:
    """The member's current certificate row; a certificate known only from the roster (the mirror fields,
    e.g. from the 花名册 import) is first recorded as a row (source import, issue date counted back from
    the expiry), so that it can be superseded or closed like any other."""
    cert = Certificate.objects.select_for_update().filter(member=member, status=CertStatus.VALID).first()
    if cert is not None or not member.cert_number or member.cert_valid_until is None:
        return cert
    other = Certificate.objects.filter(number=member.cert_number).first()
    if other is not None:
        if other.member_id != member.pk:
            _refuse("number", _("Certificate number %(number)s on the roster belongs to another member.") % {
                "number": member.cert_number})
        return None  # already recorded and closed; the mirror is stale
    years = workforce(member.cert_valid_until).certificates.validity_years
    cert = Certificate.objects.create(member=member, number=member.cert_number,
                                      issued_on=rules.add_years(member.cert_valid_until, -years),
                                      valid_until=member.cert_valid_until, source=CertSource.IMPORT,
                                      note="recorded from the roster (issue date counted back from the expiry)",
                                      recorded_by=actor, recorded_at=timezone.now())
    audit_record(actor=actor, action="create", obj=cert, summary="§5.2.3 certificate recorded from the roster",
                 after=model_snapshot(cert, CERT_FIELDS))
    return cert


def _new_certificate(*, actor, member: Member, on: dt.date, number, source: str, replaces=None) -> Certificate:
    years = workforce(on).certificates.validity_years
    cert = Certificate.objects.create(member=member, number=_check_number(number, on.year), issued_on=on,
                                      valid_until=rules.valid_until(on, years), source=source, replaces=replaces,
                                      recorded_by=actor, recorded_at=timezone.now())
    audit_record(actor=actor, action="create", obj=cert, summary=f"§5.2.3 certificate issued ({source})",
                 after=model_snapshot(cert, CERT_FIELDS))
    return cert


def induction_refusal(member: Member, on: dt.date) -> list[str]:
    """§5.2.3 what the member still lacks for a first certificate (empty: they qualify)."""
    policy = workforce(on)
    status = induction_status([member.pk]).get(member.pk)
    return rules.induction_missing(hours=status.hours if status else Decimal(0),
                                   required_hours=policy.training.induction_hours,
                                   best_score=status.best_score if status else None,
                                   pass_score=policy.training.pass_score)


def renewal_refusal(member: Member, on: dt.date) -> list[str]:
    """§5.2.3 what the member lacks for a renewal (annual hours in the 365 days up to ``on``)."""
    first, last = rules.renewal_window(on)
    return rules.renewal_missing(hours_last_year=hours_in_window(member, first, last),
                                 required_hours=workforce(on).training.annual_hours)


def _check_issuer(actor) -> None:
    if actor is not None and not can_issue_certificates(actor):
        raise PermissionError("only the bureau issues certificates")


@transaction.atomic
def certificate_issue(*, actor, member: Member, on: dt.date, number: str | None = None) -> Certificate:
    """§5.2.3 issue a first 上岗证 to a member who passed induction training and its exam (induction hours ≥
    the policy's induction_hours and a passing score), by the bureau. Refused with what is missing.
    ``valid_until`` = ``on`` + validity_years (cfg). The number is generated (WJ-YYYY-NNNNNN) unless given."""
    _check_issuer(actor)
    member = _lock(member)
    if member.status not in ON_ROSTER:
        _refuse("member", _("%(name)s is not on the roster.") % {"name": member.name})
    current = _current(member, actor=actor)
    if current is not None:
        _refuse("member", _("%(name)s already holds certificate %(number)s (valid until %(date)s); renew it "
                            "instead.") % {"name": member.name, "number": current.number,
                                           "date": current.valid_until.isoformat()})
    missing = induction_refusal(member, on)
    if missing:
        _refuse("member", _("%(name)s cannot be issued a certificate: %(missing)s.") % {
            "name": member.name, "missing": "；".join(missing)})
    cert = _new_certificate(actor=actor, member=member, on=on, number=number, source=CertSource.INDUCTION)
    _mirror(actor=actor, member=member, cert=cert, why=f"issued {cert.number}")
    return cert


@transaction.atomic
def certificate_renew(*, actor, member: Member, on: dt.date, number: str | None = None) -> Certificate:
    """§5.2.3 renew the member's certificate: a new certificate from ``on``, the old one superseded. Needs
    a current certificate (valid or expired) and the annual training requirement met in the 365 days up
    to ``on``; by the bureau."""
    _check_issuer(actor)
    member = _lock(member)
    if member.status not in ON_ROSTER:
        _refuse("member", _("%(name)s is not on the roster.") % {"name": member.name})
    old = _current(member, actor=actor)
    if old is None:
        _refuse("member", _("%(name)s has no certificate to renew; issue one after induction training.") % {
            "name": member.name})
    if on < old.issued_on:
        _refuse("on", _("Renewal date: before the current certificate was issued (%(date)s).") % {
            "date": old.issued_on.isoformat()})
    missing = renewal_refusal(member, on)
    if missing:
        _refuse("member", _("%(name)s's certificate cannot be renewed: %(missing)s.") % {
            "name": member.name, "missing": "；".join(missing)})
    before = model_snapshot(old, ["status", "closed_on", "close_reason"])
    old.status, old.closed_on, old.close_reason = CertStatus.SUPERSEDED, on, "renewed"
    old.save(update_fields=["status", "closed_on", "close_reason"])
    cert = _new_certificate(actor=actor, member=member, on=on, number=number, source=CertSource.RENEWAL,
                            replaces=old)
    audit_record(actor=actor, action="transition", obj=old, summary=f"§5.2.3 superseded by {cert.number}",
                 before=before, after=model_snapshot(old, ["status", "closed_on", "close_reason"]))
    _mirror(actor=actor, member=member, cert=cert, why=f"renewed as {cert.number}")
    return cert


@transaction.atomic
def certificate_close(*, actor, member: Member, on: dt.date, reason: str,
                      status: str = CertStatus.RETURNED) -> Certificate | None:
    """§5.2.3/§5.2.4 the member's current certificate is handed back (returned) or withdrawn (revoked) on
    ``on``: the row is closed (never deleted) and the member's mirror fields are cleared, so the member
    can no longer be put on duty. Returns the closed certificate, None when the member held none."""
    if status not in (CertStatus.RETURNED, CertStatus.REVOKED):
        raise ValueError(f"a certificate closes as returned or revoked, not {status!r}")
    member = _lock(member)
    cert = _current(member, actor=actor)
    if cert is None:
        _mirror(actor=actor, member=member, cert=None, why=f"closed ({status})")
        return None
    before = model_snapshot(cert, ["status", "closed_on", "close_reason"])
    cert.status, cert.closed_on, cert.close_reason = status, on, (reason or "")[:300]
    cert.save(update_fields=["status", "closed_on", "close_reason"])
    audit_record(actor=actor, action="transition", obj=cert, summary=f"§5.2.3 certificate {status}",
                 before=before, after=model_snapshot(cert, ["status", "closed_on", "close_reason"]))
    _mirror(actor=actor, member=member, cert=None, why=f"{cert.number} {status}")
    return cert


def certificate_import_one(*, actor, member: Member, number: str, issued_on: dt.date, valid_until: dt.date,
                           note: str = "") -> tuple[Certificate, bool]:
    """§5.2.3/§12 record an existing certificate (import). It becomes the current one when it is newer than
    the member's current certificate (that one is superseded); otherwise it is kept as history
    (superseded). Returns (certificate, became current). Call inside a transaction."""
    member = _lock(member)
    current = Certificate.objects.select_for_update().filter(member=member, status=CertStatus.VALID).first()
    mirror_until = member.cert_valid_until if current is None and member.cert_number else None
    newer = (current is None and (mirror_until is None or valid_until >= mirror_until)) or \
        (current is not None and (issued_on, valid_until) > (current.issued_on, current.valid_until))
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError({"number": [_("Certificate number: %(number)s is already taken.") % {
            "number": number}]})
    if newer and current is not None:
        before = model_snapshot(current, ["status", "closed_on", "close_reason"])
        current.status, current.closed_on, current.close_reason = CertStatus.SUPERSEDED, issued_on, "imported newer"
        current.save(update_fields=["status", "closed_on", "close_reason"])
        audit_record(actor=actor, action="transition", obj=current, summary=f"§5.2.3 superseded by {number}",
                     before=before, after=model_snapshot(current, ["status", "closed_on", "close_reason"]))
    cert = Certificate.objects.create(
        member=member, number=number, issued_on=issued_on, valid_until=valid_until,
        status=CertStatus.VALID if newer else CertStatus.SUPERSEDED, source=CertSource.IMPORT,
        note=note[:300], recorded_by=actor, recorded_at=timezone.now(), replaces=current if newer else None)
    audit_record(actor=actor, action="import", obj=cert, summary="§5.2.3 certificate imported",
                 after=model_snapshot(cert, CERT_FIELDS))
    if newer:
        _mirror(actor=actor, member=member, cert=cert, why=f"imported {number}")
    return cert, newer
