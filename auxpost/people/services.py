"""§4.1 roster and §4.3 grade history: the one write path for members.

Every page, API endpoint and import goes through these functions. They validate every field and
raise ``django.core.exceptions.ValidationError`` keyed by field, with messages that name the field
and the reason (Chinese in the default language); a refused hire beyond quota raises
``auxpost.org.services.QuotaExceeded`` (a ValidationError without a field).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from auxpost.audit.services import audit_record, model_snapshot
from auxpost.duties.models import WorkLine
from auxpost.org.models import Unit
from auxpost.org.services import QuotaExceeded, headcount, quota_check
from auxpost.people.models import ON_ROSTER, Education, GradeHistory, Member, MemberStatus
from auxpost.people.roster_columns import (
    EDUCATION_LABELS,
    STATUS_LABELS,
    parse_grade,
)
from auxpost.people.rules import InvalidIdNumber, parse_id_number

# Fields a caller may set through member_create / member_update (besides the derived sex/birth_date).
DATA_FIELDS = (
    "name", "id_number", "phone", "education", "political_status", "work_start_date", "hire_date", "unit",
    "work_line", "status", "grade", "grade_effective_date", "cert_number", "cert_valid_until",
)
# Fields member_update writes directly (grade and status go through their own services).
_PLAIN_FIELDS = (
    "name", "id_number", "sex", "birth_date", "phone", "education", "political_status", "work_start_date",
    "hire_date", "unit", "work_line", "cert_number", "cert_valid_until",
)
_MIN_WORKING_AGE = 16  # 劳动法 Art. 15: no employment under 16
_PHONE_RE = re.compile(r"^1\d{10}$")

# §4.1 status moves (separated is final; a rehire is a new record, §4.3).
STATUS_TRANSITIONS: dict[str, set[str]] = {
    MemberStatus.PROBATION: {MemberStatus.ACTIVE, MemberStatus.SEPARATED},
    MemberStatus.ACTIVE: {MemberStatus.SUSPENDED, MemberStatus.SEPARATED},
    MemberStatus.SUSPENDED: {MemberStatus.ACTIVE, MemberStatus.SEPARATED},
    MemberStatus.SEPARATED: set(),
}


def _label(field: str) -> str:
    return str(capfirst(Member._meta.get_field(field).verbose_name))


class _Errors:
    """Collects every field error so the user sees all of them at once."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _text(value) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _date(value, field: str, errors: _Errors) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        errors.add(field, _("%(field)s: %(value)s is not a date (use YYYY-MM-DD).") % {
            "field": _label(field), "value": _text(value)})
        return None


def _required(field: str, errors: _Errors) -> None:
    errors.add(field, _("%(field)s: this field is required.") % {"field": _label(field)})


def member_clean(*, data: dict, member: Member | None = None, today: dt.date | None = None) -> dict:
    """§4.1 validate roster fields without writing anything (the import validates every row first).

    With ``member`` only the keys present in ``data`` are checked (an update); without it every
    required field must be there (a create). Returns the cleaned values, with ``sex`` and
    ``birth_date`` derived from the ID number. Raises ValidationError keyed by field.
    """
    today = today or timezone.localdate()
    creating = member is None
    errors = _Errors()
    unknown = set(data) - set(DATA_FIELDS) - {"unit_id", "work_line_id"}
    if unknown:
        raise ValueError(f"unknown member fields: {sorted(unknown)}")
    data = dict(data)
    if "unit_id" in data:
        data.setdefault("unit", data.pop("unit_id"))
    if "work_line_id" in data:
        data.setdefault("work_line", data.pop("work_line_id"))
    out: dict = {}

    def present(field: str) -> bool:
        return creating or field in data

    if present("name"):
        name = _text(data.get("name"))
        if not name:
            _required("name", errors)
        elif len(name) > 50:
            errors.add("name", _("%(field)s: at most %(n)s characters.") % {"field": _label("name"), "n": 50})
        else:
            out["name"] = name

    if present("id_number"):
        raw = _text(data.get("id_number"))
        if not raw:
            _required("id_number", errors)
        else:
            try:
                info = parse_id_number(raw, today=today)
            except InvalidIdNumber as exc:
                errors.add("id_number", str(exc))
            else:
                out.update(id_number=info.id_number, sex=info.sex, birth_date=info.birth_date)

    if present("phone"):
        phone = re.sub(r"[\s\-]", "", _text(data.get("phone")))
        if phone and not _PHONE_RE.match(phone):
            errors.add("phone", _("%(field)s: must be 11 digits starting with 1.") % {"field": _label("phone")})
        else:
            out["phone"] = phone

    if present("education"):
        edu = _text(data.get("education"))
        edu = EDUCATION_LABELS.get(edu, edu)
        if not edu:
            _required("education", errors)
        elif edu not in Education.values:
            errors.add("education", _("%(field)s: %(value)s is not one of %(choices)s.") % {
                "field": _label("education"), "value": _text(data.get("education")),
                "choices": "、".join(str(label) for label in Education.labels)})
        else:
            out["education"] = edu

    if present("political_status"):
        pol = _text(data.get("political_status"))
        if len(pol) > 30:
            errors.add("political_status", _("%(field)s: at most %(n)s characters.") % {
                "field": _label("political_status"), "n": 30})
        else:
            out["political_status"] = pol

    birth = out.get("birth_date") or (member.birth_date if member else None)
    for field, required in (("hire_date", True), ("work_start_date", False)):
        if not present(field):
            continue
        value = _date(data.get(field), field, errors)
        if value is None:
            if required and field not in errors.errors:
                _required(field, errors)
            elif not required and field not in errors.errors:
                out[field] = None
            continue
        if value > today:
            errors.add(field, _("%(field)s: %(value)s is in the future.") % {"field": _label(field), "value": value})
        elif birth is not None and value < _add_years(birth, _MIN_WORKING_AGE):
            errors.add(field, _("%(field)s: %(value)s is before the member turned %(age)s.") % {
                "field": _label(field), "value": value, "age": _MIN_WORKING_AGE})
        else:
            out[field] = value

    if present("unit"):
        unit = _lookup(Unit, data.get("unit"))
        if data.get("unit") in (None, ""):
            _required("unit", errors)
        elif unit is None:
            errors.add("unit", _("%(field)s: no such unit.") % {"field": _label("unit")})
        else:
            out["unit"] = unit

    if present("work_line"):
        if data.get("work_line") in (None, ""):
            out["work_line"] = None
        else:
            line = _lookup(WorkLine, data.get("work_line"))
            if line is None:
                errors.add("work_line", _("%(field)s: no such work line.") % {"field": _label("work_line")})
            else:
                out["work_line"] = line

    if present("status"):
        raw_status = _text(data.get("status"))
        status = STATUS_LABELS.get(raw_status, raw_status) or (MemberStatus.ACTIVE if creating else "")
        if status not in MemberStatus.values:
            errors.add("status", _("%(field)s: %(value)s is not a valid status.") % {
                "field": _label("status"), "value": raw_status})
        elif creating and status not in ON_ROSTER:
            errors.add("status", _("%(field)s: a new member must be on probation, active or suspended.") % {
                "field": _label("status")})
        else:
            out["status"] = status

    if present("grade"):
        raw_grade = data.get("grade")
        grade = parse_grade(raw_grade) if raw_grade not in (None, "") else None
        if raw_grade in (None, ""):
            _required("grade", errors)
        elif grade is None:
            errors.add("grade", _("%(field)s: must be one of 五级 (5) to 一级 (1).") % {"field": _label("grade")})
        else:
            out["grade"] = grade

    if present("grade_effective_date"):
        ged = _date(data.get("grade_effective_date"), "grade_effective_date", errors)
        hire = out.get("hire_date") or (member.hire_date if member else None)
        if "grade_effective_date" not in errors.errors:  # an unreadable date is reported once, above
            if ged is not None and hire is not None and ged < hire:
                errors.add("grade_effective_date", _("%(field)s: %(value)s is before the date hired (%(hire)s).") % {
                    "field": _label("grade_effective_date"), "value": ged, "hire": hire})
            else:
                out["grade_effective_date"] = ged

    if present("cert_number"):
        cert = _text(data.get("cert_number"))
        if len(cert) > 50:
            errors.add("cert_number", _("%(field)s: at most %(n)s characters.") % {
                "field": _label("cert_number"), "n": 50})
        else:
            out["cert_number"] = cert
    if present("cert_valid_until"):
        until = _date(data.get("cert_valid_until"), "cert_valid_until", errors)
        if "cert_valid_until" not in errors.errors:
            out["cert_valid_until"] = until

    # §4.1 one roster: an ID number appears once among the members on the roster.
    if "id_number" in out and (creating or member.status in ON_ROSTER):
        clash = Member.objects.filter(id_number=out["id_number"], status__in=ON_ROSTER)
        if member is not None:
            clash = clash.exclude(pk=member.pk)
        other = clash.select_related("unit").first()
        if other is not None:
            errors.add("id_number", _("%(field)s: %(number)s is already on the roster (%(name)s, %(unit)s).") % {
                "field": _label("id_number"), "number": out["id_number"], "name": other.name,
                "unit": other.unit.name})

    errors.raise_if_any()
    return out


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _lookup(model, value):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _save_guarding_id(member: Member, **kwargs) -> None:
    """Save; the partial unique index is the last line against two concurrent hires of one ID."""
    try:
        with transaction.atomic():
            member.save(**kwargs)
    except IntegrityError:
        if Member.objects.filter(id_number=member.id_number, status__in=ON_ROSTER).exclude(pk=member.pk).exists():
            raise ValidationError({"id_number": _("%(field)s: %(number)s is already on the roster.") % {
                "field": _label("id_number"), "number": member.id_number}}) from None
        raise


def member_create(*, actor, data: dict, today: dt.date | None = None,
                  grade_source: str = GradeHistory.Source.MANUAL) -> Member:
    """§4.1 put a member on the roster, within the unit's quota; §4.3 with a first dated grade.

    ``data`` holds the 花名册 fields (``unit``/``work_line`` as instance or id). The grade takes
    effect on ``grade_effective_date`` (default: the date hired).
    """
    today = today or timezone.localdate()
    cleaned = member_clean(data=data, today=today)
    grade = cleaned.pop("grade")
    effective = cleaned.pop("grade_effective_date", None) or cleaned["hire_date"]
    with transaction.atomic():
        quota_check(additions={cleaned["unit"].pk: 1})
        member = Member(**cleaned, grade=grade, grade_effective_date=effective)
        member.full_clean(exclude=["unit", "work_line", "user"], validate_unique=False, validate_constraints=False)
        _save_guarding_id(member)
        audit_record(actor=actor, action="create", obj=member, summary="roster: member added",
                     after=model_snapshot(member))
        _history_append(actor=actor, member=member, grade=grade, effective_date=effective, source=grade_source,
                        before={"grade": None, "grade_effective_date": None})
    return member


def member_update(*, actor, member: Member, changes: dict, today: dt.date | None = None,
                  grade_reason: str = "", status_on: dt.date | None = None) -> Member:
    """§4.1 change a member's roster fields; §4.3 a grade change appends to the grade history.

    Only fields that really change are written and audited (before/after of those fields); a
    no-op writes nothing. A move to another unit re-checks every quota the member newly counts
    against. A grade change is dated ``grade_effective_date`` (default today) with ``grade_reason``;
    a ``status`` change goes through ``member_set_status``, dated ``status_on`` (default today).
    """
    today = today or timezone.localdate()
    cleaned = member_clean(data=changes, member=member, today=today)
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("unit").get(pk=member.pk)
        if member.status == MemberStatus.SEPARATED:
            raise ValidationError(_("The record of a separated member is archived and cannot be changed; a rehire "
                                    "starts a new record."))
        plain = {f: v for f, v in cleaned.items() if f in _PLAIN_FIELDS and _differs(getattr(member, f), v)}
        if "unit" in plain and member.status in ON_ROSTER:
            _quota_check_move(member=member, target=plain["unit"])
        if plain:
            before = model_snapshot(member, list(plain))
            for f, v in plain.items():
                setattr(member, f, v)
            _save_guarding_id(member)
            audit_record(actor=actor, action="update", obj=member, summary="roster: " + ", ".join(sorted(plain)),
                         before=before, after=model_snapshot(member, list(plain)))
        new_grade = cleaned.get("grade", member.grade)
        new_date = cleaned.get("grade_effective_date")
        if new_grade != member.grade or (new_date is not None and new_date != member.grade_effective_date):
            member = grade_history_append(actor=actor, member=member, grade=new_grade,
                                          effective_date=new_date or today, source=GradeHistory.Source.MANUAL,
                                          reason=grade_reason)
        if "status" in cleaned and cleaned["status"] != member.status:
            member = member_set_status(actor=actor, member=member, status=cleaned["status"], on=status_on or today)
    return member


def _differs(current, new) -> bool:
    if isinstance(current, Unit | WorkLine) or isinstance(new, Unit | WorkLine):
        return getattr(current, "pk", None) != getattr(new, "pk", None)
    return current != new


def _quota_check_move(*, member: Member, target: Unit) -> None:
    """§4.1 a move counts against every quota-holding unit above the target that the member is not
    already counted in (a move between two teams of one full squadron is not a hire)."""
    old_path = member.unit.path
    gaining = [u for u in Unit.objects.filter(quota__isnull=False).only("id", "name", "path", "quota", "parent_id")
               if target.path.startswith(u.path) and not old_path.startswith(u.path)]
    if not gaining:
        return
    locked = Unit.objects.select_for_update().filter(pk__in=[u.pk for u in gaining]).order_by("path")
    for u in locked:
        current = headcount(u)
        if current + 1 > u.quota:
            raise QuotaExceeded(
                _("Over quota: %(unit)s has a headcount quota of %(quota)s, %(current)s on the roster now; "
                  "adding %(adding)s would make %(total)s.") % {
                    "unit": u.full_name(), "quota": u.quota, "current": current, "adding": 1, "total": current + 1},
                code="over_quota",
            )


def grade_history_append(*, actor, member: Member, grade: int | None, effective_date: dt.date, source: str,
                         reason: str = "", reference: str = "") -> Member:
    """§4.3/§8.5 append a dated grade to the member's history and keep ``Member.grade`` in step.

    The row with the newest effective date (then the newest row) gives the member's grade, so a
    back-dated correction is recorded without overturning a later decision. ``grade=None`` is a
    cancellation, allowed only with source ``separation`` (§4.3 leaving cancels the grade).
    """
    errors = _Errors()
    if grade is not None:
        parsed = parse_grade(grade)
        if parsed is None:
            errors.add("grade", _("%(field)s: must be one of 五级 (5) to 一级 (1).") % {"field": _label("grade")})
        grade = parsed
    elif source != GradeHistory.Source.SEPARATION:
        errors.add("grade", _("%(field)s: a member on the roster holds exactly one grade; it is cancelled only "
                              "on separation.") % {"field": _label("grade")})
    if source not in GradeHistory.Source.values:
        errors.add("source", f"unknown grade history source {source!r}")
    if not isinstance(effective_date, dt.date):
        errors.add("grade_effective_date", _("%(field)s: this field is required.") % {
            "field": _label("grade_effective_date")})
    errors.raise_if_any()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if grade is not None and member.status == MemberStatus.SEPARATED:
            raise ValidationError({"grade": _("%(field)s: a separated member holds no grade; a rehire starts a new "
                                              "record.") % {"field": _label("grade")}})
        if effective_date < member.hire_date:
            raise ValidationError({"grade_effective_date": _(
                "%(field)s: %(value)s is before the date hired (%(hire)s).") % {
                "field": _label("grade_effective_date"), "value": effective_date, "hire": member.hire_date}})
        before = {"grade": member.grade, "grade_effective_date": member.grade_effective_date}
        _history_append(actor=actor, member=member, grade=grade, effective_date=effective_date, source=source,
                        reason=reason, reference=reference, before=before)
    return member


def _history_append(*, actor, member: Member, grade, effective_date, source, before: dict, reason: str = "",
                    reference: str = "") -> GradeHistory:
    """Append the row, recompute the member's current grade from the newest row, audit both."""
    row = GradeHistory.objects.create(
        member=member, grade=grade, effective_date=effective_date, source=source, reason=(reason or "")[:300],
        reference=(reference or "")[:100], recorded_by=actor if actor is not None and actor.pk else None,
        recorded_at=timezone.now(),
    )
    if grade is None:
        # Leaving ends the grade, even one a round had scheduled for a later date (§4.3).
        current = (None, effective_date)
    else:
        newest = GradeHistory.objects.filter(member=member).order_by("-effective_date", "-id").first()
        current = (newest.grade, newest.effective_date)
    if (member.grade, member.grade_effective_date) != current:
        member.grade, member.grade_effective_date = current
        member.save(update_fields=["grade", "grade_effective_date", "updated_at"])
    audit_record(
        actor=actor, action="create", obj=row,
        summary=f"grade history of member {member.pk}: {grade or '-'} from {effective_date} ({source})",
        before=before,
        after={"grade": member.grade, "grade_effective_date": member.grade_effective_date,
               "entry": model_snapshot(row, ["member", "grade", "effective_date", "source", "reason", "reference"])},
    )
    return row


def member_set_status(*, actor, member: Member, status: str, on: dt.date | None = None) -> Member:
    """§4.1/§5.2.4 move a member's status: probation → active, active ↔ suspended, any → separated.

    Separation is final: it cancels the grade (§4.3, a dated history row) and records the date.
    Moving to the current status changes nothing. Any other move is refused.
    """
    on = on or timezone.localdate()
    if status not in MemberStatus.values:
        raise ValidationError({"status": _("%(field)s: %(value)s is not a valid status.") % {
            "field": _label("status"), "value": status}})
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        current = member.status
        if status == current:
            return member
        if status not in STATUS_TRANSITIONS[current]:
            raise ValidationError({"status": _("%(field)s: a member cannot go from %(from)s to %(to)s.") % {
                "field": _label("status"), "from": MemberStatus(current).label, "to": MemberStatus(status).label}})
        if on < member.hire_date:
            raise ValidationError({"status": _("%(field)s: the date %(value)s is before the date hired (%(hire)s).") % {
                "field": _label("status"), "value": on, "hire": member.hire_date}})
        before = model_snapshot(member, ["status", "separated_on", "grade"])
        if status == MemberStatus.SEPARATED:
            member = grade_history_append(actor=actor, member=member, grade=None, effective_date=on,
                                          source=GradeHistory.Source.SEPARATION)
            member.separated_on = on
        member.status = status
        member.save(update_fields=["status", "separated_on", "grade", "grade_effective_date", "updated_at"])
        audit_record(actor=actor, action="transition", obj=member, summary=f"status {current} → {status} on {on}",
                     before=before, after=model_snapshot(member, ["status", "separated_on", "grade"]))
    return member


__all__ = [
    "DATA_FIELDS", "STATUS_TRANSITIONS", "QuotaExceeded", "grade_history_append", "member_clean", "member_create",
    "member_set_status", "member_update",
]
