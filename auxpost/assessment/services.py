"""§7 Assessment services: monthly 日常考核 scorecards, 集中考核 rounds and scores, annual results.

Writes take keyword-only arguments, run in one transaction and are audited in it (§4.4, §11).
A service refuses bad input with a ``ValidationError`` keyed by the field (Chinese message) and a
caller without the right with ``PermissionDenied``; pages and the API check scope before calling.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
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
from auxpost.assessment.selectors import (
    BUREAU_ROLES,
    can_enter_scores,
    can_review,
    can_score,
    ledger_events,
    month_bounds,
)
from auxpost.audit.services import Change, audit_record, audit_record_many
from auxpost.core.bulk import insert_many, update_many
from auxpost.grading.models import BasicRecord
from auxpost.org.models import Organisation, OrganisationKind, Unit
from auxpost.org.selectors import unit_full_names
from auxpost.people.models import ON_ROSTER, Member, MemberStatus
from auxpost.points.models import AnnualPoints
from auxpost.points.selectors import ledger_year_aggregates
from auxpost.policy.rules import PolicyBundle
from auxpost.policy.selectors import PolicyNotFound, policy_by_version, policy_in_force

CENT = Decimal("0.01")
#: Results a recomputation may replace; confirmed and imported ones are frozen.
REPLACEABLE = (ResultStatus.COMPUTED, ResultStatus.REVIEWED)
FROZEN = (ResultStatus.CONFIRMED, ResultStatus.IMPORTED)
REASON_MAX = 300


def _policy(on: dt.date, field: str = "month") -> PolicyBundle:
    try:
        return policy_in_force(on)
    except PolicyNotFound as exc:
        raise ValidationError({field: exc.message}) from None


def _number(value, what: str) -> Decimal:
    """A score as an exact Decimal (int, float, Decimal or text); at most 2 decimals."""
    if isinstance(value, bool) or value is None:
        raise ValueError(_("%(what)s: enter a number.") % {"what": what})
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(_("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": value}) from None
    if not d.is_finite():
        raise ValueError(_("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": value})
    if d != d.quantize(CENT):
        raise ValueError(_("%(what)s: at most two decimal places.") % {"what": what})
    return d.quantize(CENT) if d.as_tuple().exponent < -2 else d


def _plain(d: Decimal) -> str:
    """Decimal as stored in JSON: "18", "17.5"."""
    return format(Decimal(d).normalize(), "f")


def year_locked(member_id: int, year: int) -> bool:
    """§7.3 a confirmed (or imported) annual result freezes the year's scorecards."""
    return AnnualResult.objects.filter(member_id=member_id, year=year, status__in=FROZEN).exists()


# --- §7.2 monthly scorecards ---------------------------------------------------------------------


@dataclass(frozen=True)
class Scorecard:
    """What the scorecard page shows: the policy, the pre-fill and the stored score (if any)."""

    policy: PolicyBundle
    prefill: rules.MonthlyPrefill
    score: MonthlyScore | None
    locked: bool


def monthly_scorecard(*, member: Member, month: dt.date) -> Scorecard:
    """§7.2 the month's pre-filled scorecard for a member, and the stored one when there is one."""
    month = month.replace(day=1)
    policy = _policy(month)
    prefill = rules.monthly_prefill(ledger_events(member, month), policy.assessment)
    score = MonthlyScore.objects.filter(member=member, month=month).select_related("scored_by").first()
    return Scorecard(policy=policy, prefill=prefill, score=score, locked=year_locked(member.pk, month.year))


@transaction.atomic
def monthly_score_save(*, member: Member, month: dt.date, scores: dict, reasons: dict, scorer, at: dt.datetime
                       ) -> MonthlyScore:
    """§7.1/§7.2 save a member's 日常考核 scorecard for ``month`` (its first day).

    The indicators are those of the policy in force in the month; each score is 0..its maximum.
    The pre-fill comes from the month's approved ledger entries (``rules.monthly_prefill``); every
    indicator that differs from it needs a reason. The scorer is a line manager whose unit subtree
    holds the member, or the bureau / administrator, never the member. Saving a month again
    replaces the scorecard (audited before/after) unless the year's annual result is confirmed.
    """
    if not isinstance(month, dt.date) or month.day != 1:
        raise ValidationError({"month": _("The month must be given as its first day.")})
    if not can_score(scorer, member):
        raise PermissionDenied(_("You may not score this member."))
    first, last = month_bounds(month)
    today = timezone.localdate(at) if isinstance(at, dt.datetime) else at
    if first > today:
        raise ValidationError({"month": _("%(month)s has not begun yet and cannot be scored.")
                               % {"month": f"{month:%Y-%m}"}})
    if member.hire_date > last or (member.separated_on is not None and member.separated_on < first):
        raise ValidationError({"month": _("%(name)s was not employed in %(month)s.")
                               % {"name": member.name, "month": f"{month:%Y-%m}"}})
    if year_locked(member.pk, month.year):
        raise ValidationError({"month": _("The annual result of %(year)s is confirmed: its monthly scores can no "
                                          "longer be changed.") % {"year": month.year}})
    policy = _policy(month)
    ap = policy.assessment
    prefill = rules.monthly_prefill(ledger_events(member, month), ap)
    scores = dict(scores or {})
    reasons = dict(reasons or {})
    errors: dict[str, list[str]] = {}
    known = {i.code for i in ap.monthly_indicators}
    for code in scores:
        if code not in known:
            errors.setdefault("scores", []).append(_("Unknown indicator “%(code)s”.") % {"code": code})
    values: dict[str, Decimal] = {}
    kept_reasons: dict[str, str] = {}
    for ind in ap.monthly_indicators:
        raw = scores.get(ind.code)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors.setdefault(f"score_{ind.code}", []).append(
                _("Enter a score for %(name)s.") % {"name": ind.name})
            continue
        try:
            value = _number(raw, ind.name)
        except ValueError as exc:
            errors.setdefault(f"score_{ind.code}", []).append(str(exc))
            continue
        if not Decimal(0) <= value <= ind.max_points:
            errors.setdefault(f"score_{ind.code}", []).append(
                _("%(name)s: the score must be between 0 and %(max)s, not %(value)s.")
                % {"name": ind.name, "max": ind.max_points, "value": value})
            continue
        values[ind.code] = value
        reason = str(reasons.get(ind.code) or "").strip()
        if value != prefill.scores[ind.code]:
            if not reason:
                errors.setdefault(f"reason_{ind.code}", []).append(
                    _("%(name)s differs from its pre-filled value %(prefill)s: give a reason.")
                    % {"name": ind.name, "prefill": prefill.scores[ind.code]})
            elif len(reason) > REASON_MAX:
                errors.setdefault(f"reason_{ind.code}", []).append(
                    _("%(name)s: the reason is too long (at most %(n)s characters).")
                    % {"name": ind.name, "n": REASON_MAX})
            else:
                kept_reasons[ind.code] = reason
    if errors:
        raise ValidationError(errors)
    try:
        total = rules.monthly_total(values, ap)
    except rules.AssessmentRuleError as exc:  # pragma: no cover - checked above
        raise ValidationError({f"score_{exc.field}" if exc.field in known else "scores": exc.message}) from None

    data = {
        "scores": {c: _plain(v) for c, v in values.items()},
        "prefill": {c: _plain(v) for c, v in prefill.scores.items()},
        "adjustments": kept_reasons,
        "total": total,
        "source": ScoreSource.ENTERED,
        "policy_version": policy.version,
        "scored_by": scorer,
        "scored_at": at,
    }
    existing = MonthlyScore.objects.select_for_update().filter(member=member, month=month).first()
    fields = ["scores", "prefill", "adjustments", "total", "source", "policy_version"]
    if existing is None:
        obj = MonthlyScore.objects.create(member=member, month=month, **data)
        before = None
        action = "create"
    else:
        before = {f: _snap(getattr(existing, f)) for f in fields}
        for k, v in data.items():
            setattr(existing, k, v)
        existing.save()
        obj = existing
        action = "update"
    audit_record(actor=scorer, action=action, obj=obj,
                 summary=_("Monthly score of %(name)s for %(month)s: %(total)s")
                 % {"name": member.name, "month": f"{month:%Y-%m}", "total": total},
                 before=before, after={f: _snap(getattr(obj, f)) for f in fields})
    return obj


def _snap(value):
    return str(value) if isinstance(value, Decimal) else value


# --- §7.1/§7.2 集中考核 rounds ----------------------------------------------------------------------


@transaction.atomic
def skills_round_create(*, year: int, batch: int, name: str, assessor: Organisation | None, unit: Unit | None = None,
                        by, at: dt.datetime) -> SkillsRound:
    """§7.1/§7.2 the bureau commissions a 集中考核 round from a third-party assessor.

    The candidates are the members on the roster in ``unit`` and below (or everyone); each gets a
    score row without scores. The round records the policy in force at its creation (its weights
    make the composite). Refused for a year/batch the assessor already has.
    """
    if not scope.has_role(by, *BUREAU_ROLES):
        raise PermissionDenied(_("Only the bureau creates assessment rounds."))
    errors: dict[str, str] = {}
    policy = _policy(timezone.localdate(at) if isinstance(at, dt.datetime) else at, "year")
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = _("The year must be a number between 2000 and 2100.")
    per_year = policy.assessment.skills_rounds_per_year
    try:
        batch = int(batch)
        if not 1 <= batch <= per_year:
            raise ValueError
    except (TypeError, ValueError):
        errors["batch"] = _("The batch must be between 1 and %(n)s (rounds per year in the policy).") % {"n": per_year}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Enter a name for the round.")
    elif len(name) > 100:
        errors["name"] = _("The name is too long (at most 100 characters).")
    if assessor is None or assessor.kind != OrganisationKind.ASSESSOR:
        errors["assessor"] = _("Choose a third-party assessor organisation.")
    if not errors and SkillsRound.objects.filter(year=year, batch=batch, assessor=assessor).exists():
        errors["batch"] = _("%(org)s already has batch %(batch)s of %(year)s.") % {
            "org": assessor.name, "batch": batch, "year": year}
    if errors:
        raise ValidationError(errors)
    rnd = SkillsRound.objects.create(year=year, batch=batch, name=name, assessor=assessor,
                                     status=RoundStatus.OPEN, policy_version=policy.version, created_by=by,
                                     created_at=at)
    members = Member.objects.filter(status__in=ON_ROSTER)
    if unit is not None:
        members = members.filter(unit__path__startswith=unit.path)
    ids = list(members.order_by().values_list("pk", flat=True))
    insert_many(SkillsScore, ({"round_id": rnd.pk, "member_id": pk, "year": year, "components": {},
                               "source": ScoreSource.ENTERED} for pk in ids), stamp=at)
    audit_record(actor=by, action="create", obj=rnd,
                 summary=_("集中考核 round %(name)s with %(n)s candidates") % {"name": name, "n": len(ids)},
                 after={"year": year, "batch": batch, "name": name, "assessor": assessor.pk,
                        "unit": unit.pk if unit else None, "candidates": len(ids),
                        "policy_version": policy.version})
    return rnd


def round_policy(rnd: SkillsRound) -> PolicyBundle:
    """The policy a round's composites use: the version it was created under."""
    if rnd.policy_version:
        # A round records a published version, which can never be removed; a round without one
        # (imported history) uses the version in force at the end of its year.
        with contextlib.suppress(PolicyNotFound):
            return policy_by_version(rnd.policy_version)
    return _policy(dt.date(rnd.year, 12, 31), "year")


@transaction.atomic
def skills_score_enter(*, score: SkillsScore, components: dict, by, at: dt.datetime) -> SkillsScore:
    """§7.2 enter a candidate's 集中考核 component scores (each 0–100); the composite is the
    policy's weighted sum (``rules.skills_composite``). Only while the round is open; an assessor
    only in the rounds commissioned from its organisation."""
    score = SkillsScore.objects.select_for_update().select_related("round", "member").get(pk=score.pk)
    rnd = score.round
    if not can_enter_scores(by, rnd):
        raise PermissionDenied(_("You may not enter scores in this round."))
    if rnd.status != RoundStatus.OPEN:
        raise ValidationError({"round": _("The round is closed: scores can no longer be entered.")})
    if year_locked(score.member_id, rnd.year):
        raise ValidationError({"round": _("The annual result of %(year)s is confirmed: its scores can no longer be "
                                          "changed.") % {"year": rnd.year}})
    policy = round_policy(rnd).assessment
    values: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    known = {c.code for c in policy.skills_components}
    for code in components or {}:
        if code not in known:
            errors["components"] = _("Unknown component “%(code)s”.") % {"code": code}
    for comp in policy.skills_components:
        raw = (components or {}).get(comp.code)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[comp.code] = _("Enter a score for %(name)s.") % {"name": comp.name}
            continue
        try:
            value = _number(raw, comp.name)
        except ValueError as exc:
            errors[comp.code] = str(exc)
            continue
        if not Decimal(0) <= value <= 100:
            errors[comp.code] = _("%(name)s: the score must be between 0 and %(max)s, not %(value)s.") % {
                "name": comp.name, "max": 100, "value": value}
            continue
        values[comp.code] = value
    if errors:
        raise ValidationError(errors)
    try:
        composite = rules.skills_composite(values, policy)
    except rules.AssessmentRuleError as exc:
        raise ValidationError({exc.field if exc.field in known else "components": exc.message}) from None
    before = {"components": score.components, "composite": _snap(score.composite)}
    score.components = {c: _plain(v) for c, v in values.items()}
    score.composite = composite
    score.source = ScoreSource.ENTERED
    score.entered_by = by
    score.entered_at = at
    score.save()
    audit_record(actor=by, action="update", obj=score,
                 summary=_("集中考核 score of %(name)s in %(round)s: %(composite)s")
                 % {"name": score.member.name, "round": rnd.name, "composite": composite},
                 before=before, after={"components": score.components, "composite": str(composite)})
    return score


@transaction.atomic
def skills_round_close(*, round: SkillsRound, by, at: dt.datetime) -> SkillsRound:  # noqa: A002
    """§7.2 close a 集中考核 round: its scores are final (bureau / administrator)."""
    if not scope.has_role(by, *BUREAU_ROLES):
        raise PermissionDenied(_("Only the bureau closes assessment rounds."))
    rnd = SkillsRound.objects.select_for_update().get(pk=round.pk)
    if rnd.status == RoundStatus.CLOSED:
        raise ValidationError({"round": _("The round is already closed.")})
    rnd.status = RoundStatus.CLOSED
    rnd.save(update_fields=["status"])
    audit_record(actor=by, action="transition", obj=rnd, summary=_("Round %(name)s closed") % {"name": rnd.name},
                 before={"status": RoundStatus.OPEN}, after={"status": RoundStatus.CLOSED, "at": at})
    return rnd


# --- §7.3 annual results ---------------------------------------------------------------------------


@dataclass(slots=True)
class ComputedResult:
    """§7.3 one member's computed annual result (nothing stored)."""

    member_id: int
    id_number: str
    name: str
    unit_id: int
    unit_name: str
    cap_unit_id: int
    cap_unit_name: str
    year: int
    composite: Decimal
    band: str
    band_label: str
    rank: int
    unit_size: int
    monthly_mean: Decimal | None
    skills_mean: Decimal | None
    annual_points: Decimal
    explanation: str
    reasons: tuple[str, ...]
    policy_version: str


def _cap_units(level: str) -> tuple[dict[int, int], dict[int, str]]:
    """unit id → the id of its ancestor-or-self of kind ``level`` (itself when it has none), and names."""
    rows = list(Unit.objects.values_list("id", "name", "path", "kind"))
    by_path = {path: (uid, kind) for uid, _name, path, kind in rows}
    cap = {}
    for uid, _name, path, _kind in rows:
        parts = path.rstrip("/").split("/")
        found = uid
        for i in range(len(parts)):
            hit = by_path.get("/".join(parts[: i + 1]) + "/")
            if hit is not None and hit[1] == level:
                found = hit[0]
                break
        cap[uid] = found
    return cap, unit_full_names([(uid, name, path) for uid, name, path, _kind in rows])


HUNDRED = Decimal(100)


def _raw_rows(qs, chunk: int = 10000):
    """The rows of a values_list queryset straight from the cursor: no per-value converters (they were
    a tenth of the computation at province scale). Only for integer and numeric columns."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


@contextmanager
def _client_side_cursors():
    """Run ``.iterator()`` reads on a client-side cursor. On PostgreSQL Django otherwise DECLAREs a
    server-side cursor, and PostgreSQL never plans a cursor's query in parallel: the year's ledger
    GROUP BY (one row per member, so memory still grows with members only) took twice as long as the
    same query fetched plainly (bench/province.py). Only this thread's connection object is given a
    changed copy of its settings; the original is put back after."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    original = wrapper.settings_dict
    wrapper.settings_dict = {**original, "DISABLE_SERVER_SIDE_CURSORS": True}
    try:
        yield
    finally:
        wrapper.settings_dict = original


def _cents(value) -> Decimal:
    """A SUM of 2-decimal scores as an exact Decimal (SQLite sums them as floats: 1157.9999999998)."""
    if value is None:
        return Decimal(0)
    return (value if isinstance(value, Decimal) else Decimal(repr(value))).quantize(CENT, ROUND_HALF_UP)


def _equivalent_scores(n: int, total) -> tuple:
    """``n`` scores of 0–100 summing to ``total`` (100, 100, …, the rest, 0, …): every mean the rule
    takes over them equals the mean over the real scores, which have the same count and sum."""
    if not n:
        return ()
    total = Decimal(total)
    full = min(int(total // HUNDRED), n)
    rest = total - HUNDRED * full
    out = [HUNDRED] * full
    if len(out) < n:
        out.append(rest)
        out.extend([Decimal(0)] * (n - len(out)))
    return tuple(out)


def _rule_part(n: int, total: Decimal, expected: int | None) -> tuple[tuple, int | None]:
    """(scores, expected) to hand the rule for a part with ``n`` scores summing to ``total``.

    When every expected score is there the rule's mean is ``total / n`` with no reason, so the mean
    itself is passed as the one score (computed exactly as the rule would: the same Decimal division);
    otherwise an equivalent tuple with the same count and sum, so the rule also writes its reason
    about the missing ones."""
    if n and (expected is None or n == expected):
        return (total / n,), None
    return _equivalent_scores(n, total), expected


def annual_results_compute(*, year: int, policy: PolicyBundle | None = None, as_of: dt.date | None = None
                           ) -> list[ComputedResult]:
    """§7.3 compute every roster member's annual result for ``year``; nothing is written.

    Members: hired by 31 December and not separated before 1 January. Parts: the mean of the
    year's monthly totals (each month employed is expected; a month not scored counts 0), the mean
    of the year's 集中考核 composites (each round the member was a candidate of is expected), the
    year's annual points (the settled / imported ``AnnualPoints`` row, else base + Σ approved
    ledger entries clamped by the points policy). Vetoes from the ledger (旷工 days, lates) and
    sanctions (BasicRecord kind "sanction" dated in the year); the 优秀 cap per the policy's cap
    unit (the member's ancestor unit of that kind). Policy: the one in force on 31 December unless
    given. ``as_of`` (a date inside the year) gives a provisional result of a year in progress: only
    the months that have ended by then are expected. A handful of set-based queries; memory grows
    with members, not with ledger rows.
    """
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    bundle = policy or policy_in_force(dec31)
    ap, pp = bundle.assessment, bundle.points

    cap_of, unit_names = _cap_units(ap.cap_unit_level)
    members = (Member.objects.filter(hire_date__lte=dec31)
               .filter(Q(separated_on__gte=jan1) | (Q(separated_on__isnull=True) & ~Q(status=MemberStatus.SEPARATED)))
               .order_by().values_list("id", "id_number", "name", "unit_id", "hire_date", "separated_on"))
    with _client_side_cursors():
        info: dict[int, tuple] = {m[0]: m for m in members.iterator(chunk_size=10000)}

    # The rule's means depend only on each member's sum and count of scores, so both parts are read
    # with one GROUP BY each (a row per member, as the benchmark's floor does) and handed to the rule
    # as the mean itself or an equivalent tuple of the same count and sum (see ``_rule_part``).
    monthly: dict[int, tuple[int, Decimal]] = {
        mid: (n, _cents(total)) for mid, n, total in _raw_rows(
            MonthlyScore.objects.filter(month__gte=jan1, month__lte=dec31).order_by().values("member_id")
            .annotate(n=Count("id"), s=Sum("total")).values_list("member_id", "n", "s"))}
    skills: dict[int, tuple[int, int, Decimal]] = {
        mid: (rows, n, _cents(total)) for mid, rows, n, total in _raw_rows(
            SkillsScore.objects.filter(year=year).order_by().values("member_id")
            .annotate(rows=Count("id"), n=Count("composite"), s=Sum("composite"))
            .values_list("member_id", "rows", "n", "s"))}
    settled = dict(AnnualPoints.objects.filter(year=year).order_by().values_list("member_id", "total")
                   .iterator(chunk_size=10000))
    with _client_side_cursors():
        ledger = ledger_year_aggregates(year)
    sanctioned = set(BasicRecord.objects.filter(kind="sanction", date__gte=jan1, date__lte=dec31).order_by()
                     .values_list("member_id", flat=True).distinct())

    inputs = []
    extra: dict[int, tuple] = {}
    zero = Decimal(0)
    no_skills = (0, 0, zero)
    # The last month expected: December, or for a year in progress the last month ended by ``as_of``.
    month_limit = 12 if as_of is None or as_of > dec31 else (as_of.month - 1 if as_of >= jan1 else 0)
    for mid, (_id, _idn, _name, unit_id, hire, separated) in info.items():
        first = hire.month if hire > jan1 else 1
        last = min(separated.month if separated is not None and separated < dec31 else 12, month_limit)
        n_months, m_sum = monthly.get(mid, (0, zero))
        months_expected = max(last - first + 1, n_months, 0)
        agg = ledger.get(mid)
        if mid in settled:
            points = max(Decimal(settled[mid]), zero)
            note = ""
        else:
            raw = pp.annual_base + (agg.points_sum if agg else 0)
            points = Decimal(max(min(raw, pp.ceiling), pp.floor, 0))
            note = f"（年度积分未结算，按积分台账暂计：基础分{pp.annual_base}，台账合计{raw - pp.annual_base:+d}）"
        n_rounds, n_skills, s_sum = skills.get(mid, no_skills)
        monthly_part, m_expected = _rule_part(n_months, m_sum, months_expected)
        skills_part, s_expected = _rule_part(n_skills, s_sum, n_rounds or None)
        inputs.append(rules.AnnualInput(
            member_id=mid, unit_id=cap_of.get(unit_id, unit_id), year=year,
            monthly=monthly_part, skills=skills_part,
            annual_points=points, years_of_service=(dec31 - hire).days,
            absence_days=max(agg.absence_days, zero) if agg else zero, lates=max(agg.lates, 0) if agg else 0,
            sanctioned=mid in sanctioned, months_expected=m_expected, rounds_expected=s_expected,
        ))
        m_mean = (m_sum / months_expected).quantize(CENT, ROUND_HALF_UP) if n_months else None
        s_mean = (s_sum / max(n_rounds, n_skills)).quantize(CENT, ROUND_HALF_UP) if n_skills else None
        extra[mid] = (m_mean, s_mean, points, note)

    results = rules.apply_excellent_cap(inputs, ap)
    out = []
    for mid, r in results.items():
        _id, idn, name, unit_id, _hire, _sep = info[mid]
        m_mean, s_mean, points, note = extra[mid]
        out.append(ComputedResult(
            member_id=mid, id_number=idn, name=name, unit_id=unit_id, unit_name=unit_names.get(unit_id, ""),
            cap_unit_id=r.unit_id, cap_unit_name=unit_names.get(r.unit_id, ""), year=year, composite=r.composite,
            band=r.band, band_label=r.band_name, rank=r.rank, unit_size=r.unit_size, monthly_mean=m_mean,
            skills_mean=s_mean, annual_points=points, explanation=r.explanation + note, reasons=r.reasons,
            policy_version=bundle.version,
        ))
    out.sort(key=lambda c: (c.cap_unit_name, c.cap_unit_id, c.rank))
    return out


_RESULT_FIELDS = ["cap_unit_id", "composite", "band", "rank", "unit_size", "monthly_mean", "skills_mean",
                  "annual_points", "explanation", "reasons", "status", "policy_version", "computed_at",
                  "reviewed_by_id", "reviewed_at"]


def _result_row(c: ComputedResult, at: dt.datetime) -> dict:
    return {"member_id": c.member_id, "year": c.year, "cap_unit_id": c.cap_unit_id, "composite": c.composite,
            "band": c.band, "rank": c.rank, "unit_size": c.unit_size, "monthly_mean": c.monthly_mean,
            "skills_mean": c.skills_mean, "annual_points": c.annual_points, "explanation": c.explanation,
            "reasons": list(c.reasons), "status": ResultStatus.COMPUTED, "policy_version": c.policy_version,
            "computed_at": at, "reviewed_by_id": None, "reviewed_at": None}


def _result_snap(d: dict) -> dict:
    return {k: _snap(d.get(k)) for k in ("composite", "band", "rank", "unit_size", "status", "policy_version")}


@transaction.atomic
def annual_results_record(*, year: int, by, at: dt.datetime) -> dict:
    """§7.3/§4.4 compute the year's results and store them with status "computed" (bulk). A year still
    in progress at ``at`` expects only the months ended by then (provisional results).

    A recomputation replaces computed and reviewed rows (a reviewed one needs reviewing again) and
    removes those of members no longer in the computation; confirmed and imported rows are never
    touched. Bureau / administrator. Returns counts.
    """
    if not scope.has_role(by, *BUREAU_ROLES):
        raise PermissionDenied(_("Only the bureau computes annual results."))
    try:
        computed = annual_results_compute(year=year, as_of=timezone.localdate(at))
    except PolicyNotFound as exc:
        raise ValidationError({"year": exc.message}) from None
    existing = {mid: (pk, status, composite, band, rank, unit_size, pv)
                for pk, mid, status, composite, band, rank, unit_size, pv in
                AnnualResult.objects.select_for_update().filter(year=year).order_by()
                .values_list("pk", "member_id", "status", "composite", "band", "rank", "unit_size", "policy_version")}
    creates, updates, changes = [], [], []
    kept = 0
    seen = set()
    for c in computed:
        seen.add(c.member_id)
        row = _result_row(c, at)
        old = existing.get(c.member_id)
        if old is None:
            creates.append(row)
            changes.append(Change("create", "assessment.annualresult", "", c.name,
                                  _("Annual result %(year)s computed") % {"year": year}, None,
                                  {"member": c.member_id, **_result_snap(row)}))
        elif old[1] in REPLACEABLE:
            updates.append({"id": old[0], **row})
            before = dict(zip(("composite", "band", "rank", "unit_size", "policy_version"),
                              (old[2], old[3], old[4], old[5], old[6]), strict=True))
            before["status"] = old[1]
            changes.append(Change("update", "assessment.annualresult", str(old[0]), c.name,
                                  _("Annual result %(year)s recomputed") % {"year": year},
                                  _result_snap(before), _result_snap(row)))
        else:
            kept += 1
    stale = [v[0] for mid, v in existing.items() if mid not in seen and v[1] in REPLACEABLE]
    if creates:
        insert_many(AnnualResult, creates, stamp=at)
    if updates:
        update_many(AnnualResult, updates, fields=_RESULT_FIELDS, stamp=at)
    if stale:
        AnnualResult.objects.filter(pk__in=stale).delete()
        changes.extend(Change("delete", "assessment.annualresult", str(pk), "", _(
            "Annual result %(year)s removed: the member is no longer on that year's roster") % {"year": year},
            None, None) for pk in stale)
    counts = {"created": len(creates), "updated": len(updates), "kept": kept, "removed": len(stale)}
    changes.append(Change("create", "assessment.annualresult", "", str(year),
                          _("Annual results %(year)s recorded") % {"year": year}, None, counts))
    audit_record_many(actor=by, changes=changes)
    return counts


@transaction.atomic
def annual_result_review(*, result: AnnualResult, by, at: dt.datetime) -> AnnualResult:
    """§7.3/§4.4 a line manager in scope (or the bureau) marks a computed result as reviewed."""
    result = AnnualResult.objects.select_for_update().select_related("member").get(pk=result.pk)
    if not can_review(by, result):
        raise PermissionDenied(_("You may not review this result."))
    if result.status != ResultStatus.COMPUTED:
        raise ValidationError({"status": _("Only a computed result can be reviewed (this one is %(status)s).")
                               % {"status": result.get_status_display()}})
    result.status = ResultStatus.REVIEWED
    result.reviewed_by = by
    result.reviewed_at = at
    result.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit_record(actor=by, action="transition", obj=result, summary=_("Annual result of %(name)s reviewed")
                 % {"name": result.member.name}, before={"status": ResultStatus.COMPUTED},
                 after={"status": ResultStatus.REVIEWED})
    return result


@transaction.atomic
def annual_results_confirm(*, year: int, unit: Unit | None = None, by, at: dt.datetime) -> int:
    """§7.3/§4.4 the bureau confirms the year's computed and reviewed results (of ``unit`` and below,
    or all); confirmed results are frozen. Returns how many were confirmed."""
    if not scope.has_role(by, *BUREAU_ROLES):
        raise PermissionDenied(_("Only the bureau confirms annual results."))
    qs = AnnualResult.objects.filter(year=year, status__in=REPLACEABLE)
    if unit is not None:
        qs = qs.filter(member__unit__path__startswith=unit.path)
    rows = list(qs.select_for_update().order_by().values_list("pk", "status", "member__name"))
    if not rows:
        raise ValidationError({"year": _("There are no computed results of %(year)s to confirm.") % {"year": year}})
    pks = [pk for pk, _s, _n in rows]
    for start in range(0, len(pks), 2000):
        AnnualResult.objects.filter(pk__in=pks[start:start + 2000]).update(
            status=ResultStatus.CONFIRMED, confirmed_by=by, confirmed_at=at)
    audit_record_many(actor=by, changes=[
        Change("transition", "assessment.annualresult", str(pk), name,
               _("Annual result %(year)s confirmed") % {"year": year}, {"status": status},
               {"status": ResultStatus.CONFIRMED}) for pk, status, name in rows])
    return len(rows)
