"""§11/§12 The 年度积分 (points) import: a year's settled total for years before the ledger was kept.

Columns exactly as SPEC §12: 身份证号 · 姓名 · 年度 · 年度积分. Each good row becomes (or updates) an
AnnualPoints row with source "imported" for the member on the roster with that ID number.

Decisions (also in the template's 填写说明 sheet and docs/DECISIONS.md):

- The ID number must belong to a member on the roster and the name must be that member's name.
- 年度 is a whole year from 2000 up to the current year, not before the year the member was hired.
- 年度积分 is a number from 0 to 1000 with at most two decimals (a past scheme may have used a
  different scale than today's 0–120).
- A year already settled from the ledger for that member, or in which the ledger already holds
  entries for that member, is refused (the ledger is the record from then on).
- Re-importing a year that was imported before updates the value (audited before/after); an
  identical value is left alone. The same member and year twice in one file is refused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auxpost.audit.services import Change, audit_record_many
from auxpost.core.bulk import insert_many, update_many
from auxpost.imports.framework import Column, CrossCheck, ImportContext, ImportSpec, Row, RowError
from auxpost.imports.normalise import (
    NormaliseError,
    clean_compact,
    clean_name,
    is_blank,
    parse_decimal,
    parse_int,
)
from auxpost.imports.registry import register
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.rules import InvalidIdNumber, parse_id_number
from auxpost.points.models import AnnualPoints, AnnualSource, EntryStatus, PointsEntry

H_ID, H_NAME, H_YEAR, H_POINTS = "身份证号", "姓名", "年度", "年度积分"
FIRST_YEAR = 2000
MAX_POINTS = 1000
CHUNK = 500


@dataclass
class PointsRow:
    number: int
    member_id: int
    name: str
    year: int
    total: Decimal


class PointsImportSpec(ImportSpec):
    kind = "points"
    title = gettext_lazy("Annual points (年度积分)")
    sheet_title = "年度积分"
    filename = "年度积分导入模板.xlsx"
    columns = (
        Column(H_ID, True, gettext_lazy(
            "18-character resident ID number of a member on the roster. Keep this column formatted as text so "
            "that Excel does not drop digits."), "510115199005171230", 22, text=True),
        Column(H_NAME, True, gettext_lazy("Full name; must be the name on the roster for that ID number."), "张三", 10),
        Column(H_YEAR, True, gettext_lazy(
            "The year, e.g. 2024: from 2000 to the current year, not before the member was hired. Only years "
            "before the points ledger was kept for the member."), "2024", 8),
        Column(H_POINTS, True, gettext_lazy("The year's settled points, 0 to 1000, at most two decimals."), "105", 10),
    )
    notes = (
        gettext_lazy("Row 1 holds the headers; one member and year per row from row 2. Column order is free and extra "
                     "columns are ignored."),
        gettext_lazy("A year already settled from the points ledger, or in which the ledger holds entries for the "
                     "member, is refused. Importing a year again updates the imported value."),
        gettext_lazy("Every row is checked first. If any row is wrong nothing is imported, unless you choose to import "
                     "only the good rows; the wrong rows then come back as a workbook with a column 错误原因."),
    )

    def prepare(self, ctx: ImportContext) -> None:
        ctx.data["members"] = {
            id_number: (pk, name, hire)
            for id_number, pk, name, hire in Member.objects.filter(status__in=ON_ROSTER).order_by()
            .values_list("id_number", "id", "name", "hire_date").iterator(chunk_size=10000)
        }
        ctx.data["required"] = _("This column must be filled in.")

    def validate_row(self, row: Row, ctx: ImportContext):
        errs: list[tuple[str, str]] = []
        today = ctx.today or timezone.localdate()
        required = ctx.data["required"]

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

        year = None
        if row.blank(H_YEAR):
            errs.append((H_YEAR, required))
        else:
            raw_year = row.get(H_YEAR)
            text = clean_compact(raw_year).removesuffix("年度").removesuffix("年") if isinstance(raw_year, str) \
                else raw_year
            try:
                year = parse_int(text, minimum=FIRST_YEAR, maximum=today.year)
            except NormaliseError as exc:
                errs.append((H_YEAR, _("Not a year from %(first)s to %(last)s: %(reason)s.") % {
                    "first": FIRST_YEAR, "last": today.year, "reason": exc}))
            else:
                hire = member[2] if member is not None else None
                if hire is not None and year < hire.year:
                    errs.append((H_YEAR, _("The member was hired on %(hire)s, after this year.") % {
                        "hire": hire.isoformat()}))

        total = None
        if row.blank(H_POINTS):
            errs.append((H_POINTS, required))
        else:
            try:
                total = parse_decimal(row.get(H_POINTS), places=2, minimum=0, maximum=MAX_POINTS, suffixes=("分",))
            except NormaliseError as exc:
                errs.append((H_POINTS, _("Annual points must be a number from 0 to %(max)s: %(reason)s.") % {
                    "max": MAX_POINTS, "reason": exc}))

        if errs:
            return errs
        return PointsRow(number=row.number, member_id=member[0], name=member[1], year=year, total=total)

    def check_rows(self, rows: list[Row], cleaned: dict, ctx: ImportContext) -> CrossCheck:
        result = CrossCheck()
        good = [c for c in cleaned.values() if isinstance(c, PointsRow)]
        seen: dict[tuple[int, int], list[int]] = defaultdict(list)
        for c in good:
            seen[(c.member_id, c.year)].append(c.number)
        for numbers in seen.values():
            if len(numbers) > 1:
                for n in numbers:
                    others = "、".join(str(o) for o in numbers if o != n)
                    result.row_errors.append(RowError(n, H_YEAR, _(
                        "The same member and year are also in row %(rows)s of this file.") % {"rows": others}))
        if not good:
            return result
        years = {c.year for c in good}
        member_ids = sorted({c.member_id for c in good})
        stored: dict[tuple[int, int], tuple[int, str, Decimal]] = {}
        ledger: set[tuple[int, int]] = set()
        first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
        for start in range(0, len(member_ids), CHUNK):
            chunk = member_ids[start:start + CHUNK]
            for pk, m, y, source, total in (AnnualPoints.objects.filter(member_id__in=chunk, year__in=years)
                                            .order_by().values_list("id", "member_id", "year", "source", "total")):
                stored[(m, y)] = (pk, source, total)
            ledger.update(PointsEntry.objects.filter(member_id__in=chunk, date__gte=first, date__lte=last)
                          .exclude(status=EntryStatus.REJECTED).order_by()
                          .values_list("member_id", ExtractYear("date")).distinct())
        ctx.data["stored"] = stored
        for c in good:
            old = stored.get((c.member_id, c.year))
            if old is not None and old[1] == AnnualSource.SETTLED:
                result.row_errors.append(RowError(c.number, H_YEAR, _(
                    "%(year)s was already settled from the points ledger for %(name)s (%(total)s); it cannot be "
                    "replaced by an imported value.") % {"year": c.year, "name": c.name, "total": old[2]}))
            elif (c.member_id, c.year) in ledger:
                result.row_errors.append(RowError(c.number, H_YEAR, _(
                    "The points ledger already holds entries of %(year)s for %(name)s; that year is settled from "
                    "the ledger, not imported.") % {"year": c.year, "name": c.name}))
        return result

    def write(self, items, ctx: ImportContext, tick) -> dict:
        at = ctx.at or timezone.now()
        actor = ctx.actor
        actor_id = actor.pk if actor is not None else None
        stored = ctx.data.get("stored", {})
        label = AnnualPoints._meta.label_lower
        new_rows, changed, changes = [], [], []
        unchanged = 0
        for _row, c in items:
            explanation = _("%(year)s: %(total)s points, imported from %(file)s") % {
                "year": c.year, "total": c.total, "file": ctx.source_name or "xlsx"}
            old = stored.get((c.member_id, c.year))
            if old is None:
                new_rows.append({"member_id": c.member_id, "year": c.year, "total": c.total,
                                 "source": AnnualSource.IMPORTED, "explanation": explanation[:300],
                                 "policy_version": "", "recorded_by_id": actor_id, "recorded_at": at})
            elif Decimal(old[2]) == c.total:
                unchanged += 1
            else:
                changed.append({"id": old[0], "total": c.total, "explanation": explanation[:300],
                                "recorded_by_id": actor_id, "recorded_at": at})
                changes.append(Change("import", label, str(old[0]), f"{c.name} {c.year}",
                                      _("Imported annual points of %(year)s updated") % {"year": c.year},
                                      before={"total": old[2]}, after={"total": c.total}))
        if new_rows:
            insert_many(AnnualPoints, new_rows, stamp=at)
            keys = {(r["member_id"], r["year"]) for r in new_rows}
            member_ids = sorted({r["member_id"] for r in new_rows})
            years = {r["year"] for r in new_rows}
            pks = {}
            for start in range(0, len(member_ids), CHUNK):
                for pk, m, y in (AnnualPoints.objects.filter(member_id__in=member_ids[start:start + CHUNK],
                                                             year__in=years)
                                 .order_by().values_list("id", "member_id", "year")):
                    if (m, y) in keys:
                        pks[(m, y)] = pk
            names = {c.member_id: c.name for _row, c in items}
            for r in new_rows:
                changes.append(Change("import", label, str(pks[(r["member_id"], r["year"])]),
                                      f"{names[r['member_id']]} {r['year']}",
                                      _("Annual points of %(year)s imported") % {"year": r["year"]},
                                      after={"member_id": r["member_id"], "year": r["year"], "total": r["total"],
                                             "source": AnnualSource.IMPORTED}))
        if changed:
            update_many(AnnualPoints, changed, fields=["total", "explanation", "recorded_by_id", "recorded_at"],
                        stamp=at)
        audit_record_many(actor=actor, changes=changes)
        tick(len(items))
        return {"created": len(new_rows), "updated": len(changed), "unchanged": unchanged}

    def summary(self, counts: dict) -> str:
        return _("%(created)s added, %(updated)s updated, %(unchanged)s unchanged") % {
            "created": counts.get("created", 0), "updated": counts.get("updated", 0),
            "unchanged": counts.get("unchanged", 0)}


register(PointsImportSpec())
