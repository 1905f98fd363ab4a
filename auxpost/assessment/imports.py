"""§11/§12 import kinds of the assessment app: 集中考核成绩 (skills), 月度考核 (monthly),
年度考核结果 (results). Registered on import (see ``auxpost.imports.registry``).

Common to the three: a person is found by 身份证号 (the member on the roster with it, else the
latest separated member with it, for history) and 姓名 must match that member's name; a person
may appear once per (year, batch) / month / year in a file.

- skills: the round of (年度, 批次) without an assessor (imported history) is found or created; the
  four components, when given, make the composite with the weights of the policy in force on
  31 December of the year; a 综合得分 given too must agree within 0.5 or the row is refused
  naming both values; with no components the 综合得分 is taken as it is. A candidate's score of
  that round is replaced.
- monthly: the month's total only (source "imported"); a month already scored in the system, or
  of a year whose annual result is confirmed, is refused.
- results: 等次 优秀/合格/基本合格/不合格 (称职 = 合格, 基本称职 = 基本合格, 不称职 = 不合格); the
  row becomes the year's result with status "imported"; a confirmed result is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auxpost.assessment import rules
from auxpost.assessment.models import (
    AnnualResult,
    MonthlyScore,
    ResultStatus,
    RoundStatus,
    ScoreSource,
    SkillsRound,
    SkillsScore,
)
from auxpost.audit.services import Change, audit_record_many
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
    parse_decimal,
    parse_int,
    parse_year_month,
)
from auxpost.imports.registry import register
from auxpost.people.models import Member, MemberStatus
from auxpost.people.rules import InvalidIdNumber, parse_id_number
from auxpost.policy.selectors import PolicyNotFound, policy_in_force

TOLERANCE = Decimal("0.5")
BAND_WORDS = {
    "优秀": rules.EXCELLENT,
    "合格": rules.PASS,
    "称职": rules.PASS,
    "基本合格": rules.BASIC,
    "基本称职": rules.BASIC,
    "不合格": rules.FAIL,
    "不称职": rules.FAIL,
}
SKILLS_COMPONENT_HEADERS = {"法律法规": "law", "实操技能": "practical", "体能": "fitness", "民主测评": "peer_rating"}
_FROZEN = (ResultStatus.CONFIRMED, ResultStatus.IMPORTED)


def _members_by_id_number() -> dict[str, tuple[int, str]]:
    """ID number → (member id, name): the member on the roster, else the latest separated one."""
    out: dict[str, tuple[int, str, bool]] = {}
    for pk, idn, name, status in Member.objects.order_by("pk").values_list("pk", "id_number", "name", "status"):
        on = status != MemberStatus.SEPARATED
        cur = out.get(idn)
        if cur is None or on or not cur[2]:
            out[idn] = (pk, name, on)
    return {k: (v[0], v[1]) for k, v in out.items()}


class _PersonSpec(ImportSpec):
    """Shared: 身份证号 + 姓名 → member."""

    def prepare(self, ctx: ImportContext) -> None:
        ctx.data["members"] = _members_by_id_number()

    def _person(self, row: Row, ctx: ImportContext, errs: list) -> int | None:
        name = clean_name(row.get("姓名"))
        if not name:
            errs.append(("姓名", _("This column must be filled in.")))
        raw = row.get("身份证号")
        if is_blank(raw):
            errs.append(("身份证号", _("This column must be filled in.")))
            return None
        if isinstance(raw, float):
            errs.append(("身份证号", _("Excel stored the ID number as a number and dropped its last digits; format the "
                                    "column as text and type the number again.")))
            return None
        try:
            info = parse_id_number(clean_compact(raw), today=ctx.today)
        except InvalidIdNumber as exc:
            errs.append(("身份证号", str(exc)))
            return None
        found = ctx.data["members"].get(info.id_number)
        if found is None:
            errs.append(("身份证号", _("No member with this ID number is on the roster.")))
            return None
        if name and name != found[1]:
            errs.append(("姓名", _("The name “%(name)s” does not match the member with this ID number (%(actual)s).")
                         % {"name": name, "actual": found[1]}))
        return found[0]

    @staticmethod
    def _year(row: Row, errs: list, header: str = "年度") -> int | None:
        if row.blank(header):
            errs.append((header, _("This column must be filled in.")))
            return None
        try:
            return parse_int(row.get(header), minimum=2000, maximum=2100)
        except NormaliseError as exc:
            errs.append((header, str(exc)))
            return None

    @staticmethod
    def _score(row: Row, header: str, errs: list, *, required: bool) -> Decimal | None:
        if row.blank(header):
            if required:
                errs.append((header, _("This column must be filled in.")))
            return None
        try:
            return parse_decimal(row.get(header), places=2, minimum=0, maximum=100, suffixes=("分",))
        except NormaliseError as exc:
            errs.append((header, str(exc)))
            return None

    @staticmethod
    def _duplicates(rows: list[Row], cleaned: dict, key) -> list[RowError]:
        seen: dict[tuple, list[int]] = defaultdict(list)
        for number, c in cleaned.items():
            if c is not None:
                seen[key(c)].append(number)
        errors = []
        for numbers in seen.values():
            if len(numbers) > 1:
                for n in numbers:
                    errors.append(RowError(n, "身份证号", _(
                        "The same person and period is also in row %(rows)s of this file.")
                        % {"rows": "、".join(str(o) for o in numbers if o != n)}))
        return errors


#: The two columns every template of this app opens with (§12): who the row is about.
IDENTITY_COLUMNS = (
    Column("身份证号", True, gettext_lazy("18-character resident ID number of a member."), "510115199005171230", 22,
           text=True),
    Column("姓名", True, gettext_lazy("Must match the member's name."), "张三", 10),
)


# --- 集中考核成绩 ----------------------------------------------------------------------------------


class SkillsSpec(_PersonSpec):
    kind = "skills"
    title = gettext_lazy("Skills assessment scores (集中考核成绩)")
    sheet_title = "集中考核成绩"
    filename = "集中考核成绩导入模板.xlsx"
    columns = (
        *IDENTITY_COLUMNS,
        Column("年度", True, gettext_lazy("Year of the assessment, e.g. 2025."), "2025", 8),
        Column("批次", True, gettext_lazy("Batch within the year: 1, 2, …"), "1", 8),
        Column("法律法规", False, gettext_lazy("Law and regulations score, 0–100."), "85", 10),
        Column("实操技能", False, gettext_lazy("Practical skills score, 0–100."), "80", 10),
        Column("体能", False, gettext_lazy("Fitness score, 0–100."), "90", 10),
        Column("民主测评", False, gettext_lazy("Peer rating score, 0–100."), "88", 10),
        Column("综合得分", False, gettext_lazy(
            "Composite score, 0–100. With the four components it must agree with their weighted sum within 0.5; "
            "without components it is taken as it is."), "85.1", 10),
    )
    notes = (gettext_lazy("One row per person and batch. The round of the year and batch (imported, without an "
                          "assessor) is created when it does not exist; a person's score in it is replaced."),)

    def prepare(self, ctx: ImportContext) -> None:
        super().prepare(ctx)
        ctx.data["policies"] = {}

    def _policy(self, year: int, ctx: ImportContext):
        cache = ctx.data["policies"]
        if year not in cache:
            try:
                cache[year] = policy_in_force(dt.date(year, 12, 31))
            except PolicyNotFound:
                cache[year] = None
        return cache[year]

    def validate_row(self, row: Row, ctx: ImportContext):
        errs: list = []
        member_id = self._person(row, ctx, errs)
        year = self._year(row, errs)
        batch = None
        if row.blank("批次"):
            errs.append(("批次", _("This column must be filled in.")))
        else:
            try:
                batch = parse_int(row.get("批次"), minimum=1, maximum=9)
            except NormaliseError as exc:
                errs.append(("批次", str(exc)))
        components = {}
        missing = []
        for header, code in SKILLS_COMPONENT_HEADERS.items():
            if row.blank(header):
                missing.append(header)
                continue
            value = self._score(row, header, errs, required=False)
            if value is not None:
                components[code] = value
        given = self._score(row, "综合得分", errs, required=False)
        if errs:
            return errs
        policy = self._policy(year, ctx)
        if policy is None:
            return [("年度", _("No published policy version is in force in %(year)s.") % {"year": year})]
        if len(missing) == len(SKILLS_COMPONENT_HEADERS):
            if given is None:
                return [("综合得分", _("Give the four component scores or the composite score."))]
            return (member_id, year, batch, {}, given)
        if missing:
            return [(h, _("This column must be filled in when other component scores are given.")) for h in missing]
        try:
            composite = rules.skills_composite(components, policy.assessment)
        except rules.AssessmentRuleError as exc:
            return [("综合得分", exc.message)]
        if given is not None and abs(given - composite) > TOLERANCE:
            return [("综合得分", _("The composite score %(given)s does not agree with the weighted components "
                               "(%(computed)s); they may differ by at most 0.5.")
                     % {"given": given, "computed": composite})]
        return (member_id, year, batch, {c: format(v.normalize(), "f") for c, v in components.items()}, composite)

    def check_rows(self, rows, cleaned, ctx) -> CrossCheck:
        return CrossCheck(row_errors=self._duplicates(rows, cleaned, lambda c: (c[0], c[1], c[2])))

    def write(self, items, ctx: ImportContext, tick) -> dict:
        at, actor = ctx.at, ctx.actor
        rounds: dict[tuple[int, int], SkillsRound] = {}
        changes: list[Change] = []
        created = updated = new_rounds = 0
        for _row, (member_id, year, batch, components, composite) in items:
            key = (year, batch)
            if key not in rounds:
                rnd = SkillsRound.objects.filter(year=year, batch=batch, assessor__isnull=True).first()
                if rnd is None:
                    policy = self._policy(year, ctx)
                    rnd = SkillsRound.objects.create(
                        year=year, batch=batch, name=_("%(year)s batch %(batch)s (imported)")
                        % {"year": year, "batch": batch}, assessor=None, status=RoundStatus.CLOSED,
                        policy_version=policy.version if policy else "", created_by=actor, created_at=at)
                    new_rounds += 1
                    changes.append(Change("create", "assessment.skillsround", str(rnd.pk), rnd.name,
                                          _("Imported round"), None, {"year": year, "batch": batch}))
                rounds[key] = rnd
            rnd = rounds[key]
            obj, was_created = SkillsScore.objects.update_or_create(
                round=rnd, member_id=member_id,
                defaults={"year": year, "components": components, "composite": composite,
                          "source": ScoreSource.IMPORTED, "entered_by": actor, "entered_at": at})
            created += was_created
            updated += not was_created
            changes.append(Change("create" if was_created else "update", "assessment.skillsscore", str(obj.pk),
                                  str(member_id), _("Skills score import of %(file)s") % {"file": ctx.source_name},
                                  None, {"components": components, "composite": str(composite)}))
        changes.append(Change("import", "imports.skills", "", ctx.source_name[:200],
                              _("Skills score import of %(file)s") % {"file": ctx.source_name}, None,
                              {"kind": self.kind, "created": created, "updated": updated, "rounds": new_rounds}))
        audit_record_many(actor=actor, changes=changes)
        tick(len(items))
        return {"created": created, "updated": updated, "rounds": new_rounds}

    def summary(self, counts: dict) -> str:
        return _("%(created)s scores added, %(updated)s replaced, %(rounds)s rounds created.") % {
            "created": counts.get("created", 0), "updated": counts.get("updated", 0),
            "rounds": counts.get("rounds", 0)}


# --- 月度考核 ------------------------------------------------------------------------------------


class MonthlySpec(_PersonSpec):
    kind = "monthly"
    title = gettext_lazy("Monthly assessment totals (月度考核)")
    sheet_title = "月度考核"
    filename = "月度考核导入模板.xlsx"
    columns = (
        *IDENTITY_COLUMNS,
        Column("年月", True, gettext_lazy("The month, e.g. 2026-03 or 2026年3月."), "2026-03", 10),
        Column("得分", True, gettext_lazy("The month's total, 0–100."), "95", 8),
    )
    notes = (gettext_lazy("For months scored outside the system. A month already scored in the system is not "
                          "overwritten."),)

    def prepare(self, ctx: ImportContext) -> None:
        super().prepare(ctx)
        ctx.data["entered"] = set(MonthlyScore.objects.filter(source=ScoreSource.ENTERED).order_by()
                                  .values_list("member_id", "month"))
        ctx.data["locked"] = set(AnnualResult.objects.filter(status__in=_FROZEN).order_by()
                                 .values_list("member_id", "year"))

    def validate_row(self, row: Row, ctx: ImportContext):
        errs: list = []
        member_id = self._person(row, ctx, errs)
        month = None
        if row.blank("年月"):
            errs.append(("年月", _("This column must be filled in.")))
        else:
            try:
                y, m = parse_year_month(row.get("年月"), epoch1904=ctx.epoch1904)
                month = dt.date(y, m, 1)
                if ctx.today and month > ctx.today:
                    errs.append(("年月", _("This month has not begun yet.")))
            except NormaliseError as exc:
                errs.append(("年月", str(exc)))
        total = self._score(row, "得分", errs, required=True)
        if errs:
            return errs
        if (member_id, month) in ctx.data["entered"]:
            return [("年月", _("This month was already scored in the system; it is not overwritten by an import."))]
        if (member_id, month.year) in ctx.data["locked"]:
            return [("年月", _("The annual result of %(year)s is confirmed: its monthly scores can no longer be "
                             "changed.") % {"year": month.year})]
        return (member_id, month, total)

    def check_rows(self, rows, cleaned, ctx) -> CrossCheck:
        return CrossCheck(row_errors=self._duplicates(rows, cleaned, lambda c: (c[0], c[1])))

    def write(self, items, ctx: ImportContext, tick) -> dict:
        at, actor = ctx.at, ctx.actor
        changes: list[Change] = []
        created = updated = 0
        for _row, (member_id, month, total) in items:
            obj, was_created = MonthlyScore.objects.update_or_create(
                member_id=member_id, month=month,
                defaults={"scores": {}, "prefill": {}, "adjustments": {}, "total": total,
                          "source": ScoreSource.IMPORTED, "policy_version": "", "scored_by": actor, "scored_at": at})
            created += was_created
            updated += not was_created
            changes.append(Change("create" if was_created else "update", "assessment.monthlyscore", str(obj.pk),
                                  f"{member_id} {month:%Y-%m}", _("Monthly score import of %(file)s")
                                  % {"file": ctx.source_name}, None, {"total": str(total)}))
        changes.append(Change("import", "imports.monthly", "", ctx.source_name[:200],
                              _("Monthly score import of %(file)s") % {"file": ctx.source_name}, None,
                              {"kind": self.kind, "created": created, "updated": updated}))
        audit_record_many(actor=actor, changes=changes)
        tick(len(items))
        return {"created": created, "updated": updated}

    def summary(self, counts: dict) -> str:
        return _("%(created)s monthly scores added, %(updated)s replaced.") % {
            "created": counts.get("created", 0), "updated": counts.get("updated", 0)}


# --- 年度考核结果 -----------------------------------------------------------------------------------


class ResultsSpec(_PersonSpec):
    kind = "results"
    title = gettext_lazy("Annual assessment results (年度考核结果)")
    sheet_title = "年度考核结果"
    filename = "年度考核结果导入模板.xlsx"
    columns = (
        *IDENTITY_COLUMNS,
        Column("年度", True, gettext_lazy("Year of the result, e.g. 2024."), "2024", 8),
        Column("综合得分", True, gettext_lazy("Composite score, 0–100."), "86.5", 10),
        Column("考核等次", True, gettext_lazy(
            "优秀, 合格, 基本合格 or 不合格 (称职 is read as 合格, 基本称职 as 基本合格, 不称职 as 不合格)."), "合格", 10,
            choices=("优秀", "合格", "基本合格", "不合格")),
    )
    notes = (gettext_lazy("Past years' results. A confirmed result is never overwritten; any other result of the "
                          "year is replaced by the imported one."),)

    def prepare(self, ctx: ImportContext) -> None:
        super().prepare(ctx)
        ctx.data["confirmed"] = set(AnnualResult.objects.filter(status=ResultStatus.CONFIRMED).order_by()
                                    .values_list("member_id", "year"))

    def validate_row(self, row: Row, ctx: ImportContext):
        errs: list = []
        member_id = self._person(row, ctx, errs)
        year = self._year(row, errs)
        composite = self._score(row, "综合得分", errs, required=True)
        band = None
        word = clean_compact(row.get("考核等次"))
        if not word:
            errs.append(("考核等次", _("This column must be filled in.")))
        else:
            band = BAND_WORDS.get(word)
            if band is None:
                errs.append(("考核等次", _("“%(value)s” is not a band; write 优秀, 合格, 基本合格 or 不合格.")
                             % {"value": clean_text(row.get("考核等次"))}))
        if errs:
            return errs
        if (member_id, year) in ctx.data["confirmed"]:
            return [("年度", _("The annual result of %(year)s of this member is confirmed and is not overwritten.")
                     % {"year": year})]
        return (member_id, year, composite, band)

    def check_rows(self, rows, cleaned, ctx) -> CrossCheck:
        return CrossCheck(row_errors=self._duplicates(rows, cleaned, lambda c: (c[0], c[1])))

    def write(self, items, ctx: ImportContext, tick) -> dict:
        at, actor = ctx.at, ctx.actor
        changes: list[Change] = []
        created = updated = 0
        # Re-check under the write transaction: a result confirmed meanwhile stays as it is.
        keys = {(c[0], c[1]) for _r, c in items}
        years = {y for _m, y in keys}
        frozen = keys & set(AnnualResult.objects.filter(status=ResultStatus.CONFIRMED, year__in=years).order_by()
                            .values_list("member_id", "year"))
        if frozen:
            raise ImportAborted(_("A result in the file was confirmed while the file was being imported. Nothing "
                                  "was written; please import the file again."))
        for _row, (member_id, year, composite, band) in items:
            obj, was_created = AnnualResult.objects.update_or_create(
                member_id=member_id, year=year,
                defaults={"cap_unit": None, "composite": composite, "band": band, "rank": None, "unit_size": None,
                          "monthly_mean": None, "skills_mean": None, "annual_points": None,
                          "explanation": _("Imported from %(file)s") % {"file": ctx.source_name}, "reasons": [],
                          "status": ResultStatus.IMPORTED, "policy_version": "", "computed_at": at,
                          "reviewed_by": None, "reviewed_at": None, "confirmed_by": None, "confirmed_at": None})
            created += was_created
            updated += not was_created
            changes.append(Change("create" if was_created else "update", "assessment.annualresult", str(obj.pk),
                                  f"{member_id} {year}", _("Annual result import of %(file)s")
                                  % {"file": ctx.source_name}, None,
                                  {"composite": str(composite), "band": band, "status": ResultStatus.IMPORTED}))
        changes.append(Change("import", "imports.results", "", ctx.source_name[:200],
                              _("Annual result import of %(file)s") % {"file": ctx.source_name}, None,
                              {"kind": self.kind, "created": created, "updated": updated}))
        audit_record_many(actor=actor, changes=changes)
        tick(len(items))
        return {"created": created, "updated": updated}

    def summary(self, counts: dict) -> str:
        return _("%(created)s annual results added, %(updated)s replaced.") % {
            "created": counts.get("created", 0), "updated": counts.get("updated", 0)}


SKILLS = register(SkillsSpec())
MONTHLY = register(MonthlySpec())
RESULTS = register(ResultsSpec())
