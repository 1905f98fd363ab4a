"""§11/§12 the import kinds of the training app: 培训记录 (training) and 上岗证 (certificates).

Registered from ``TrainingConfig.ready()`` (and listed in ``auxpost.imports.registry.BUILTIN``).
Common to both: 身份证号 must belong to a member on the roster and 姓名 must be that member's name.

training — 身份证号 · 姓名 · 课程 · 类别 · 日期 · 学时 · 成绩:
- 类别 is 岗前, 年度, 晋级 or 专题 (岗前培训 … accepted);
- the course is found by name and category; a course not yet in the catalogue is created with the
  row's 学时 and "exam held" when the row has a 成绩 (the bureau can change it afterwards);
- 日期 from 2000-01-01 to today; 学时 above 0 up to 1000, one decimal; 成绩 optional, 0–100;
- each row appends a training record (source "imported", attended). The same member, course and
  date already on record with the same 学时 and 成绩 is left alone; with other values the old record
  is reversed and the new one appended (a correction). The same member, course and date twice in one
  file is refused.

certificates — 身份证号 · 姓名 · 证号 · 发证日期 · 有效期至:
- 有效期至 after 发证日期; a 证号 used twice in the file, or held by another member (or by the same
  member with other dates) is refused; the same certificate already recorded is left alone;
- per member, in issue-date order, a certificate newer than the current one becomes current (the
  older is superseded) and is mirrored in the roster's 上岗证号/上岗证有效期至; an older one is kept as
  history (superseded).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auxpost.audit.services import Change, audit_record_many, model_snapshot
from auxpost.imports.framework import (
    Column,
    CrossCheck,
    ImportAborted,
    ImportContext,
    ImportSpec,
    Row,
    RowError,
)
from auxpost.imports.normalise import (
    NormaliseError,
    clean_compact,
    clean_name,
    clean_text,
    is_blank,
    parse_date,
    parse_decimal,
)
from auxpost.imports.registry import register
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.rules import InvalidIdNumber, parse_id_number
from auxpost.training import rules
from auxpost.training.models import Certificate, Course, RecordSource, TrainingRecord
from auxpost.training.selectors import effective_records, workforce
from auxpost.training.services import RECORD_FIELDS, certificate_import_one

H_ID, H_NAME = "身份证号", "姓名"
H_COURSE, H_CATEGORY, H_DATE, H_HOURS, H_SCORE = "课程", "类别", "日期", "学时", "成绩"
H_NUMBER, H_ISSUED, H_UNTIL = "证号", "发证日期", "有效期至"
FIRST_DATE = dt.date(2000, 1, 1)
CHUNK = 500

_ID_HELP = gettext_lazy("18-character resident ID number of a member on the roster. Keep this column formatted as "
                        "text so that Excel does not drop digits.")
_NAME_HELP = gettext_lazy("Full name; must be the name on the roster for that ID number.")
_ALL_OR_NOTHING = gettext_lazy(
    "Every row is checked first. If any row is wrong nothing is imported, unless you choose to import only the "
    "good rows; the wrong rows then come back as a workbook with a column 错误原因.")


def _members() -> dict[str, tuple[int, str]]:
    return {idn: (pk, name) for idn, pk, name in Member.objects.filter(status__in=ON_ROSTER).order_by()
            .values_list("id_number", "id", "name").iterator(chunk_size=10000)}


def _member_of(row: Row, ctx: ImportContext, errs: list, today: dt.date):
    """(member id, name) of the row's 身份证号 and 姓名, or None with the errors appended."""
    required = _("This column must be filled in.")
    member = None
    raw_id = row.get(H_ID)
    if is_blank(raw_id):
        errs.append((H_ID, required))
    elif isinstance(raw_id, float):
        errs.append((H_ID, _("Excel stored the ID number as a number and dropped its last digits; format the "
                             "column as text and type the number again.")))
    else:
        try:
            info = parse_id_number(clean_compact(raw_id), today=today)
        except InvalidIdNumber as exc:
            errs.append((H_ID, str(exc)))
        else:
            member = ctx.data["members"].get(info.id_number)
            if member is None:
                errs.append((H_ID, _("No member on the roster has this ID number.")))
    name = clean_name(row.get(H_NAME))
    if not name:
        errs.append((H_NAME, required))
    elif member is not None and name != member[1]:
        errs.append((H_NAME, _("The name does not match the roster: the member with this ID number is "
                               "%(name)s.") % {"name": member[1]}))
        return None
    return member


def _date(row: Row, header: str, ctx: ImportContext, errs: list, *, last: dt.date | None) -> dt.date | None:
    if row.blank(header):
        errs.append((header, _("This column must be filled in.")))
        return None
    try:
        day = parse_date(row.get(header), epoch1904=ctx.epoch1904)
    except NormaliseError as exc:
        errs.append((header, str(exc)))
        return None
    if day < FIRST_DATE or (last is not None and day > last):
        errs.append((header, _("The date must be from %(first)s to %(last)s.") % {
            "first": FIRST_DATE.isoformat(), "last": (last or dt.date(2100, 12, 31)).isoformat()}))
        return None
    return day


# ------------------------------------------------------------------------------------------ training

@dataclass
class TrainingRow:
    number: int
    member_id: int
    name: str
    course: str
    category: str
    date: dt.date
    hours: Decimal
    score: Decimal | None


class TrainingImportSpec(ImportSpec):
    kind = "training"
    title = gettext_lazy("Training records (培训记录)")
    sheet_title = "培训记录"
    filename = "培训记录导入模板.xlsx"
    columns = (
        Column(H_ID, True, _ID_HELP, "510115199005171230", 22, text=True),
        Column(H_NAME, True, _NAME_HELP, "张三", 10),
        Column(H_COURSE, True, gettext_lazy("The course name. A course not yet in the catalogue (same name and "
                                            "category) is created."), "城管执法岗前培训", 24),
        Column(H_CATEGORY, True, gettext_lazy("岗前, 年度, 晋级 or 专题 (岗前培训 … accepted)."), "岗前", 10,
               choices=("岗前", "年度", "晋级", "专题")),
        Column(H_DATE, True, gettext_lazy("The training date (the last day of the course), e.g. 2026-03-15; not "
                                          "in the future."), "2026-03-15", 12, date=True),
        Column(H_HOURS, True, gettext_lazy("学时 credited, above 0 up to 1000, at most one decimal."), "40", 8),
        Column(H_SCORE, False, gettext_lazy("Exam score 0–100, at most one decimal; empty when there was no "
                                            "exam."), "85", 8),
    )
    notes = (
        gettext_lazy("Row 1 holds the headers; one member and course per row from row 2. Column order is free and "
                     "extra columns are ignored."),
        gettext_lazy("A record already imported for the same member, course and date is left alone when 学时 and "
                     "成绩 are the same, and corrected (the old record reversed) when they differ."),
        _ALL_OR_NOTHING,
    )

    def prepare(self, ctx: ImportContext) -> None:
        ctx.data["members"] = _members()

    def validate_row(self, row: Row, ctx: ImportContext):
        errs: list[tuple[str, str]] = []
        today = ctx.today or timezone.localdate()
        required = _("This column must be filled in.")
        member = _member_of(row, ctx, errs, today)
        course = clean_text(row.get(H_COURSE))
        if not course:
            errs.append((H_COURSE, required))
        elif len(course) > 100:
            errs.append((H_COURSE, _("At most 100 characters.")))
        category = None
        if row.blank(H_CATEGORY):
            errs.append((H_CATEGORY, required))
        else:
            category = rules.parse_category(clean_compact(row.get(H_CATEGORY)))
            if category is None:
                errs.append((H_CATEGORY, _("“%(value)s” is not a category: write 岗前, 年度, 晋级 or 专题.") % {
                    "value": clean_text(row.get(H_CATEGORY))}))
        day = _date(row, H_DATE, ctx, errs, last=today)
        hours = None
        if row.blank(H_HOURS):
            errs.append((H_HOURS, required))
        else:
            try:
                hours = parse_decimal(row.get(H_HOURS), places=1, minimum=0, maximum=1000, suffixes=("学时",))
                if hours <= 0:
                    raise NormaliseError("应大于0")
            except NormaliseError as exc:
                errs.append((H_HOURS, _("学时 must be a number above 0 and up to 1000: %(reason)s.") % {
                    "reason": exc}))
        score = None
        if not row.blank(H_SCORE):
            try:
                score = parse_decimal(row.get(H_SCORE), places=1, minimum=0, maximum=100, suffixes=("分",))
            except NormaliseError as exc:
                errs.append((H_SCORE, _("成绩 must be a number from 0 to 100: %(reason)s.") % {"reason": exc}))
        if errs:
            return errs
        return TrainingRow(row.number, member[0], member[1], course, category, day, hours, score)

    def check_rows(self, rows, cleaned, ctx: ImportContext) -> CrossCheck:
        result = CrossCheck()
        good = [c for c in cleaned.values() if isinstance(c, TrainingRow)]
        seen: dict[tuple, list[int]] = defaultdict(list)
        for c in good:
            seen[(c.member_id, c.course, c.category, c.date)].append(c.number)
        for numbers in seen.values():
            if len(numbers) > 1:
                for n in numbers:
                    others = "、".join(str(o) for o in numbers if o != n)
                    result.row_errors.append(RowError(n, H_DATE, _(
                        "The same member, course and date are also in row %(rows)s of this file.") % {"rows": others}))
        return result

    def write(self, items, ctx: ImportContext, tick) -> dict:
        at = ctx.at or timezone.now()
        actor = ctx.actor
        rows = [c for _row, c in items]
        courses = {(c.name, c.category): c for c in Course.objects.filter(
            name__in={r.course for r in rows})}
        changes: list[Change] = []
        created_courses = 0
        for r in rows:
            key = (r.course, r.category)
            if key not in courses:
                course = Course.objects.create(name=r.course, category=r.category, hours=r.hours,
                                               has_exam=r.score is not None, created_by=actor, created_at=at)
                courses[key] = course
                created_courses += 1
                changes.append(Change("import", Course._meta.label_lower, str(course.pk), str(course),
                                      "§5.2.2 course created by the training import",
                                      after=model_snapshot(course, ["name", "category", "hours", "has_exam"])))
        member_ids = sorted({r.member_id for r in rows})
        existing: dict[tuple, TrainingRecord] = {}
        for start in range(0, len(member_ids), CHUNK):
            for rec in effective_records().filter(member_id__in=member_ids[start:start + CHUNK],
                                                  session__isnull=True,
                                                  course_id__in=[c.pk for c in courses.values()]):
                existing[(rec.member_id, rec.course_id, rec.date)] = rec
        pass_scores: dict[dt.date, Decimal] = {}
        new_rows, reversals = [], []
        unchanged = 0
        note = (_("Imported from %(file)s") % {"file": ctx.source_name or "xlsx"})[:300]
        for r in rows:
            course = courses[(r.course, r.category)]
            old = existing.get((r.member_id, course.pk, r.date))
            if old is not None and old.hours == r.hours and old.score == r.score:
                unchanged += 1
                continue
            if old is not None:
                reversals.append(TrainingRecord(
                    member_id=old.member_id, course_id=old.course_id, session_id=None, category=old.category,
                    date=old.date, attendance=old.attendance, hours=-old.hours, score=old.score, passed=old.passed,
                    source=RecordSource.CORRECTION, reverses=old, note=note, recorded_by=actor, recorded_at=at))
            if r.date not in pass_scores:
                pass_scores[r.date] = workforce(r.date).training.pass_score
            new_rows.append(TrainingRecord(
                member_id=r.member_id, course=course, category=r.category, date=r.date, attendance=rules.ATTENDED,
                hours=r.hours, score=r.score, passed=rules.exam_passed(r.score, pass_scores[r.date]),
                source=RecordSource.IMPORT, note=note, recorded_by=actor, recorded_at=at))
        created = TrainingRecord.objects.bulk_create(reversals + new_rows, batch_size=1000)
        label = TrainingRecord._meta.label_lower
        for rec in created:
            changes.append(Change("import", label, str(rec.pk), str(rec),
                                  "§5.2.2 training record reversed by import" if rec.reverses_id
                                  else "§5.2.2 training record imported", after=model_snapshot(rec, RECORD_FIELDS)))
        audit_record_many(actor=actor, changes=changes, returning=False)
        tick(len(items))
        return {"created": len(new_rows), "corrected": len(reversals), "unchanged": unchanged,
                "courses": created_courses}

    def summary(self, counts: dict) -> str:
        return _("%(created)s records added (%(corrected)s of them corrections), %(unchanged)s unchanged, "
                 "%(courses)s new courses") % {k: counts.get(k, 0) for k in ("created", "corrected", "unchanged",
                                                                            "courses")}


# -------------------------------------------------------------------------------------- certificates

@dataclass
class CertRow:
    number_row: int
    member_id: int
    name: str
    number: str
    issued_on: dt.date
    valid_until: dt.date


class CertificateImportSpec(ImportSpec):
    kind = "certificates"
    title = gettext_lazy("Duty certificates (上岗证)")
    sheet_title = "上岗证"
    filename = "上岗证导入模板.xlsx"
    columns = (
        Column(H_ID, True, _ID_HELP, "510115199005171230", 22, text=True),
        Column(H_NAME, True, _NAME_HELP, "张三", 10),
        Column(H_NUMBER, True, gettext_lazy("The certificate number, unique; at most 50 characters."),
               "WJ-2024-000123", 18, text=True),
        Column(H_ISSUED, True, gettext_lazy("Date of issue, e.g. 2024-03-15; not in the future."), "2024-03-15", 12,
               date=True),
        Column(H_UNTIL, True, gettext_lazy("Last day of validity, after the date of issue."), "2027-03-15", 12,
               date=True),
    )
    notes = (
        gettext_lazy("Row 1 holds the headers; one certificate per row from row 2. Column order is free and extra "
                     "columns are ignored."),
        gettext_lazy("A member's newest certificate becomes their current one (上岗证号 and 上岗证有效期至 on the "
                     "roster); older ones are kept as history. A certificate already recorded is left alone."),
        _ALL_OR_NOTHING,
    )

    def prepare(self, ctx: ImportContext) -> None:
        ctx.data["members"] = _members()

    def validate_row(self, row: Row, ctx: ImportContext):
        errs: list[tuple[str, str]] = []
        today = ctx.today or timezone.localdate()
        member = _member_of(row, ctx, errs, today)
        number = clean_compact(row.get(H_NUMBER)) if not row.blank(H_NUMBER) else ""
        if not number:
            errs.append((H_NUMBER, _("This column must be filled in.")))
        elif len(number) > 50:
            errs.append((H_NUMBER, _("At most 50 characters.")))
        issued = _date(row, H_ISSUED, ctx, errs, last=today)
        until = _date(row, H_UNTIL, ctx, errs, last=None)
        if issued is not None and until is not None and until <= issued:
            errs.append((H_UNTIL, _("The expiry date must be after the date of issue (%(date)s).") % {
                "date": issued.isoformat()}))
        if errs:
            return errs
        return CertRow(row.number, member[0], member[1], number, issued, until)

    def check_rows(self, rows, cleaned, ctx: ImportContext) -> CrossCheck:
        result = CrossCheck()
        good = [c for c in cleaned.values() if isinstance(c, CertRow)]
        seen: dict[str, list[int]] = defaultdict(list)
        for c in good:
            seen[c.number].append(c.number_row)
        for numbers in seen.values():
            if len(numbers) > 1:
                for n in numbers:
                    others = "、".join(str(o) for o in numbers if o != n)
                    result.row_errors.append(RowError(n, H_NUMBER, _(
                        "The same certificate number is also in row %(rows)s of this file.") % {"rows": others}))
        stored = {}
        all_numbers = sorted(seen)
        for start in range(0, len(all_numbers), CHUNK):
            for number, member_id, issued, until in Certificate.objects.filter(
                    number__in=all_numbers[start:start + CHUNK]).values_list("number", "member_id", "issued_on",
                                                                             "valid_until"):
                stored[number] = (member_id, issued, until)
        # A number on the roster of another member (mirror fields without a certificate row) is taken too.
        mirrors = dict(Member.objects.filter(cert_number__in=all_numbers).filter(~Q(cert_number=""))
                       .values_list("cert_number", "id")) if all_numbers else {}
        unchanged = set()
        for c in good:
            old = stored.get(c.number)
            if old is not None:
                if old == (c.member_id, c.issued_on, c.valid_until):
                    unchanged.add(c.number_row)
                else:
                    result.row_errors.append(RowError(c.number_row, H_NUMBER, _(
                        "Certificate number %(number)s is already recorded for another member or with other "
                        "dates.") % {"number": c.number}))
            elif mirrors.get(c.number, c.member_id) != c.member_id:
                result.row_errors.append(RowError(c.number_row, H_NUMBER, _(
                    "Certificate number %(number)s is on the roster for another member.") % {"number": c.number}))
        ctx.data["unchanged"] = unchanged
        return result

    def write(self, items, ctx: ImportContext, tick) -> dict:
        unchanged_rows = ctx.data.get("unchanged", set())
        todo = sorted((c for _row, c in items if c.number_row not in unchanged_rows),
                      key=lambda c: (c.member_id, c.issued_on, c.valid_until))
        members = Member.objects.in_bulk({c.member_id for c in todo})
        note = (_("Imported from %(file)s") % {"file": ctx.source_name or "xlsx"})[:300]
        current = history = 0
        for done, c in enumerate(todo, start=1):
            try:
                _cert, became_current = certificate_import_one(
                    actor=ctx.actor, member=members[c.member_id], number=c.number, issued_on=c.issued_on,
                    valid_until=c.valid_until, note=note)
            except ValidationError as exc:
                raise ImportAborted(_("Row %(row)s: %(reason)s") % {
                    "row": c.number_row, "reason": "；".join(exc.messages)}) from None
            if became_current:
                current += 1
            else:
                history += 1
            tick(done)
        return {"current": current, "history": history, "unchanged": len(items) - len(todo)}

    def summary(self, counts: dict) -> str:
        return _("%(current)s certificates recorded as current, %(history)s as history, %(unchanged)s unchanged") % {
            k: counts.get(k, 0) for k in ("current", "history", "unchanged")}


register(TrainingImportSpec())
register(CertificateImportSpec())
