"""§6 / §8.3 Reads for grade evaluation: candidates gathered set-based, outcomes computed, scoped lists.

Candidate gathering (``candidate_records``) reads each table once with a GROUP BY that pivots the
years needed into columns, so the database returns one row per member and table whatever the
number of years (memory grows with members, never with ledger rows, and no query is per member):

1. members on the roster with a grade (``values_list``, ordered by id, ``iterator``) — and those
   without one for the §8.4a initial grading (``include_ungraded``);
2. annual points of the policy's largest window (+ demotion years), one column per year;
3. annual results of the same years: band and composite per year (every status counts —
   imported, computed, reviewed, confirmed: see docs/DECISIONS.md "Grade outcomes");
4. the mean 集中考核 composite of the last complete year (non-null composites);
5. §6.1 attestations (health, politics, conduct): per member and kind, the date of the latest
   negative and the latest positive record;
6. §6.1 sanctions in the look-back window and commendations since 1 January of the last
   complete year (few rows).

Decimals are cast to floats in SQL: the rules compare floats, and a per-row Decimal conversion in
Python was the largest cost of the read.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Avg, Case, CharField, Count, FloatField, Max, Q, QuerySet, When
from django.db.models.functions import Cast

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.assessment.models import AnnualResult, SkillsScore
from auxpost.grading import rules
from auxpost.grading.models import BasicRecord, RecordKind
from auxpost.org.selectors import unit_full_names
from auxpost.people.models import ON_ROSTER, Member
from auxpost.points.models import AnnualPoints
from auxpost.policy.rules import PolicyBundle
from auxpost.policy.selectors import policy_in_force

CHUNK = 5000
#: Above this many ids a ``member_ids`` filter is applied in Python instead of an SQL IN list.
IN_LIST_LIMIT = 500
#: Seconds a cached district-wide outcome summary lives at most (its key also changes with the data).
SUMMARY_TTL = 600

#: Who sees grade outcomes of others (§8.3): all for the bureau, staffing office, administrator and
#: HR company; their subtree for line managers. A member sees only their own (``grading:path``).
OUTCOME_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.HR_COMPANY, Role.LINE_MANAGER)
#: Who may add §6.1 basic-requirement records (within their scope).
RECORD_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)
#: Who may read a member's basic-requirement records (a member reads their own).
RECORD_READ_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.HR_COMPANY, Role.LINE_MANAGER,
                     Role.MEMBER)


def _grade_policy(policy) -> rules.GradePolicy:
    return policy.grade if isinstance(policy, PolicyBundle) else policy


def years_needed(as_of: dt.date, policy) -> range:
    """The complete calendar years any requirement of ``policy`` may look at on ``as_of``."""
    gp = _grade_policy(policy)
    span = max([r.years_in_grade for r in gp.requirements]
               + [gp.demote_consecutive_basic, gp.separation_consecutive_fail, 1])
    return range(as_of.year - span, as_of.year)


@dataclass(frozen=True)
class MemberInfo:
    id_number: str
    name: str
    unit_id: int


def _ids_filter(qs: QuerySet, member_ids, field: str = "member_id") -> QuerySet:
    if member_ids is None or len(member_ids) > IN_LIST_LIMIT:
        return qs
    return qs.filter(**{f"{field}__in": member_ids})


@contextmanager
def no_gc():
    """Building 100,000 records allocates millions of small objects, none of them in a reference
    cycle; the cyclic collector would walk all of them again and again (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _raw(qs: QuerySet):
    """The rows of ``qs`` straight from the database cursor, a chunk (list of tuples) at a time: Django's per-value converters
    (dates parsed from text on SQLite, floats re-wrapped) were most of the time at 100,000 members,
    so the few conversions needed are done by the caller (``_day``)."""
    try:
        sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:
        return
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(CHUNK)
            if not rows:
                return
            yield rows


def _day(value):
    """A date column as read by ``_raw``: a date on PostgreSQL, ISO text on SQLite."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def gather(*, as_of: dt.date, policy, member_ids: Iterable[int] | None = None, with_identity: bool = True,
           include_ungraded: bool = False) -> tuple[dict[int, MemberInfo], dict[int, rules.CandidateRecord]]:
    """§6 the members on the roster with a grade and their ``CandidateRecord`` — six queries
    (``with_identity`` also reads ID number, name and unit for the outcome objects).

    ``include_ungraded`` (§8.4a initial grading only) also takes the members on the roster without a
    grade; their record's ``grade`` is ``rules.UNGRADED`` (0, which ``rules.evaluate`` refuses) and
    its ``grade_effective_date`` the hire date."""
    gp = _grade_policy(policy)
    ids = None if member_ids is None else set(member_ids)
    if ids is not None and not ids:
        return {}, {}
    years = years_needed(as_of, gp)
    last = as_of.year - 1

    infos: dict[int, MemberInfo] = {}
    records: dict[int, rules.CandidateRecord] = {}
    members = Member.objects.filter(status__in=ON_ROSTER)
    if not include_ungraded:
        members = members.filter(grade__isnull=False)
    members = _ids_filter(members, ids, "pk")
    if connections[members.db].vendor == "sqlite":
        # Dates as plain text: the driver's per-column converters cost more than ``date.fromisoformat``.
        members = members.annotate(d1=Cast("grade_effective_date", CharField()), d2=Cast("birth_date", CharField()),
                                   d3=Cast("hire_date", CharField()))
        dates = ("d1", "d2", "d3")
    else:
        dates = ("grade_effective_date", "birth_date", "hire_date")
    identity = ("id_number", "name", "unit_id") if with_identity else ()
    Record = rules.CandidateRecord
    day = _day
    ungraded = rules.UNGRADED  # a grade is never 0 in the database (1..5 or null)
    for row in chain.from_iterable(
            _raw(members.order_by("pk").values_list("pk", "grade", "education", "sex", *dates, *identity))):
        pk = row[0]
        if ids is not None and pk not in ids:
            continue
        hired = day(row[6])
        records[pk] = Record(grade=row[1] or ungraded, grade_effective_date=day(row[4]) or hired, education=row[2],
                             birth_date=day(row[5]), sex=row[3], hire_date=hired)
        if with_identity:
            infos[pk] = MemberInfo(row[7], row[8], row[9])
    if not records:
        return infos, records

    # Annual points, one column per year.
    cols = {f"y{y}": Max(Case(When(year=y, then=Cast("total", FloatField())), output_field=FloatField()))
            for y in years}
    qs = _ids_filter(AnnualPoints.objects.filter(year__gte=years.start, year__lt=years.stop), ids)
    for row in chain.from_iterable(
            _raw(qs.order_by().values("member_id").annotate(**cols).values_list("member_id", *cols))):
        rec = records.get(row[0])
        if rec is not None:
            rec.annual_points = {y: v for y, v in zip(years, row[1:], strict=True) if v is not None}

    # Annual results: band and composite per year.
    cols = {}
    for y in years:
        cols[f"b{y}"] = Max(Case(When(year=y, then="band"), output_field=CharField()))
        cols[f"c{y}"] = Max(Case(When(year=y, then=Cast("composite", FloatField())), output_field=FloatField()))
    qs = _ids_filter(AnnualResult.objects.filter(year__gte=years.start, year__lt=years.stop), ids)
    for row in chain.from_iterable(
            _raw(qs.order_by().values("member_id").annotate(**cols).values_list("member_id", *cols))):
        rec = records.get(row[0])
        if rec is not None:
            rec.annual_results = {y: (band, composite) for y, band, composite
                                  in zip(years, row[1::2], row[2::2], strict=True) if band is not None}

    # 集中考核: the mean composite of the last complete year's batches.
    qs = _ids_filter(SkillsScore.objects.filter(year=last, composite__isnull=False), ids)
    for member_id, mean in chain.from_iterable(_raw(
            qs.order_by().values("member_id").annotate(m=Cast(Avg("composite"), FloatField()))
            .values_list("member_id", "m"))):
        rec = records.get(member_id)
        if rec is not None and mean is not None:
            rec.skills_scores = {last: [mean]}

    # §6.1 attestations: the latest record of each kind decides (a later record counters an earlier one).
    qs = _ids_filter(BasicRecord.objects.filter(
        kind__in=[RecordKind.HEALTH, RecordKind.POLITICS, RecordKind.CONDUCT], date__lte=as_of), ids)
    attr = {RecordKind.HEALTH: "health_check_failed", RecordKind.POLITICS: "politics_failed",
            RecordKind.CONDUCT: "conduct_failed"}
    # Both dates come back in the same form (date objects or ISO text), so they compare as they are.
    for member_id, kind, bad, good in chain.from_iterable(_raw(
            qs.order_by().values("member_id", "kind")
            .annotate(bad=Max(Case(When(passed=False, then="date"))), good=Max(Case(When(passed=True, then="date"))))
            .filter(bad__isnull=False)  # HAVING: only members with a negative record come back
            .values_list("member_id", "kind", "bad", "good"))):
        rec = records.get(member_id)
        if rec is not None and bad is not None and (good is None or bad > good):
            setattr(rec, attr[kind], True)

    # §6.1 sanctions in the look-back window; commendations that may allow early promotion.
    since = rules.add_months(as_of, -gp.sanction_lookback_months)
    qs = _ids_filter(BasicRecord.objects.filter(
        Q(kind=RecordKind.SANCTION, date__gt=since, date__lte=as_of)
        | Q(kind=RecordKind.COMMENDATION, date__gte=dt.date(as_of.year - 1, 1, 1), date__lte=as_of)), ids)
    for member_id, kind, day, level in (qs.order_by("member_id", "date", "pk")
                                        .values_list("member_id", "kind", "date", "level").iterator(chunk_size=CHUNK)):
        # Few rows (the look-back windows): the ORM's conversions are fine here.
        rec = records.get(member_id)
        if rec is None:
            continue
        if kind == RecordKind.SANCTION:
            rec.sanctions.append(day)
        else:
            rec.commendation_levels.append((day, level))
    return infos, records


def candidate_records(*, as_of: dt.date, policy, member_ids: Iterable[int] | None = None
                      ) -> dict[int, rules.CandidateRecord]:
    """§6 member id → ``CandidateRecord`` for every member on the roster with a grade (or those of
    ``member_ids``), read with six set-based queries (see the module docstring)."""
    with no_gc():
        return gather(as_of=as_of, policy=policy, member_ids=member_ids, with_identity=False)[1]


# ---------------------------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------------------------


class ExplainedOutcome:
    """A ``rules.Outcome`` decided without its explanation (``evaluate(..., explain=False)``, then the
    quota); the reasons are built on first access by the full ``rules.evaluate`` — the same outcome
    (property-tested) — followed by the quota's own reason, if any. Deciding 100,000 members is then
    cheap, and a page or the API explains only what it shows."""

    __slots__ = ("decision", "_record", "_as_of", "_policy", "_reasons")

    def __init__(self, decision: rules.Outcome, record: rules.CandidateRecord, as_of: dt.date,
                 policy: rules.GradePolicy):
        self.decision, self._record, self._as_of, self._policy = decision, record, as_of, policy
        self._reasons = None

    outcome = property(lambda self: self.decision.outcome)
    grade = property(lambda self: self.decision.grade)
    target_grade = property(lambda self: self.decision.target_grade)
    policy_version = property(lambda self: self.decision.policy_version)
    decided_by = property(lambda self: self.decision.decided_by)
    quota_rank = property(lambda self: self.decision.quota_rank)
    promotion_eligible = property(lambda self: self.decision.outcome == rules.PROMOTE)

    @property
    def reasons(self) -> tuple[rules.Reason, ...]:
        if self._reasons is None:
            explained = rules.evaluate(self._record, self._as_of, self._policy)
            self._reasons = explained.reasons + self.decision.reasons  # + the quota's reason
        return self._reasons

    def forget(self) -> None:
        """Drop the built explanation (a streaming writer keeps memory flat); it is rebuilt if read again."""
        self._reasons = None

    def _key(self):
        return (self.outcome, self.grade, self.target_grade, self.reasons, self.policy_version, self.decided_by,
                self.quota_rank)

    def __eq__(self, other) -> bool:
        if not hasattr(other, "reasons") or not hasattr(other, "decided_by"):
            return NotImplemented
        return self._key() == (other.outcome, other.grade, other.target_grade, tuple(other.reasons),
                               other.policy_version, other.decided_by, other.quota_rank)

    __hash__ = None

    def __repr__(self) -> str:
        return f"ExplainedOutcome({self.decision!r})"


@dataclass(slots=True)
class MemberOutcome:
    """§8.3 one member's computed outcome with who they are (the `evaluate` JSON object, §12)."""

    member_id: int
    id_number: str
    name: str
    unit: str
    unit_id: int
    #: The current grade; None only for a member without one in the §8.4a initial grading.
    grade: int | None
    grade_effective_date: dt.date | None
    #: A ``rules.Outcome`` or an ``ExplainedOutcome`` (same attributes; reasons built when read).
    outcome: rules.Outcome | ExplainedOutcome

    def as_json(self, *, id_number: str | None = None) -> dict:
        """The SPEC §12 object: grades as integers 5 (五级) … 1 (一级), quota_rank null when not ranked."""
        o = self.outcome
        return {
            "id_number": self.id_number if id_number is None else id_number,
            "name": self.name,
            "unit": self.unit,
            "grade": o.grade,
            "outcome": o.outcome,
            "target_grade": o.target_grade,
            "quota_rank": o.quota_rank,
            "reasons": [{"requirement": r.requirement, "required": r.required, "actual": r.actual, "met": r.met}
                        for r in o.reasons],
        }

    @property
    def failed_reasons(self) -> list[rules.Reason]:
        return [r for r in self.outcome.reasons if not r.met]


def headcount() -> int:
    """§6.2 the quota base: members on the roster."""
    return Member.objects.filter(status__in=ON_ROSTER).count()


def _needs_quota(outcome: rules.Outcome) -> bool:
    return outcome.outcome == rules.PROMOTE and outcome.target_grade <= 2


def _assemble(infos, records, outcomes, names) -> list[MemberOutcome]:
    return [MemberOutcome(member_id=pk, id_number=info.id_number, name=info.name,
                          unit=names.get(info.unit_id, ""), unit_id=info.unit_id, grade=records[pk].grade,
                          grade_effective_date=records[pk].grade_effective_date, outcome=outcomes[pk])
            for pk, info in infos.items()]


def _resolve(as_of: dt.date, policy: PolicyBundle | None) -> PolicyBundle:
    return policy if policy is not None else policy_in_force(as_of)


def outcomes_compute(*, as_of: dt.date, policy: PolicyBundle | None = None,
                     member_ids: Iterable[int] | None = None) -> list[MemberOutcome]:
    """§6 / §8.3 every on-roster member's outcome on ``as_of`` (promote / keep / demote / separation
    proposal) with its explanation and the §6.2 quota ranking; reads only, writes nothing.

    Without ``member_ids``: all members are evaluated and ``rules.rank_for_quota`` runs over them with
    the headcount of the roster. With ``member_ids``: only those are evaluated; a promotion into
    二级/一级 among them takes its quota rank from the district-wide ranking (``outcome_summary``,
    cached per as-of date, policy version and data freshness), since the quota depends on everyone.
    The number of queries does not depend on the number of members.
    """
    policy = _resolve(as_of, policy)
    with no_gc():
        return _outcomes(as_of=as_of, policy=policy, member_ids=member_ids)


def _outcomes(*, as_of: dt.date, policy: PolicyBundle, member_ids) -> list[MemberOutcome]:
    gp = policy.grade
    infos, records = gather(as_of=as_of, policy=gp, member_ids=member_ids)
    # Decided without explanation; an outcome without reasons is the same object for everyone with
    # the same (outcome, grade, target), so one instance of each is shared (they are immutable).
    decide, shared = rules.decide, {}
    decisions = {}
    for pk, rec in records.items():
        if rec.grade not in rules.GRADE_LABEL:
            raise ValueError(f"grade must be 1..5, not {rec.grade!r}")
        outcome, target = decide(rec, as_of, gp)
        key = (outcome, rec.grade, target)
        decision = shared.get(key)
        if decision is None:
            decision = shared[key] = rules.Outcome(outcome=outcome, grade=rec.grade, target_grade=target,
                                                   reasons=(), policy_version=gp.version,
                                                   decided_by=gp.decided_by(target))
        decisions[pk] = decision
    if member_ids is None:
        decisions = rules.rank_for_quota({pk: (records[pk], decisions[pk]) for pk in records},
                                         headcount=headcount(), as_of=as_of, policy=gp)
    elif any(_needs_quota(o) for o in decisions.values()):
        ranked = outcome_summary(as_of=as_of, policy=policy).ranked
        decisions = {pk: ranked.get(pk, o) if _needs_quota(o) else o for pk, o in decisions.items()}
    outcomes = {pk: ExplainedOutcome(d, records[pk], as_of, gp) for pk, d in decisions.items()}
    names = unit_full_names() if infos else {}
    return _assemble(infos, records, outcomes, names)


@dataclass
class OutcomeSummary:
    """§8.3 the district-wide outcome of every member, compact (for filters, counts and quota ranks)."""

    as_of: dt.date
    policy_version: str
    #: member id → (outcome, current grade, target grade, quota rank)
    rows: dict[int, tuple[str, int, int, int | None]]
    #: member id → the full outcome of every promotee into 二级/一级 after the quota (small)
    ranked: dict[int, rules.Outcome]


def data_freshness() -> str:
    """A fingerprint of everything an outcome reads: counts, newest ids and newest change times."""
    parts = [
        Member.objects.aggregate(n=Count("id"), i=Max("id"), t=Max("updated_at")),
        AnnualPoints.objects.aggregate(n=Count("id"), i=Max("id"), t=Max("recorded_at")),
        AnnualResult.objects.aggregate(n=Count("id"), i=Max("id"), t=Max("computed_at"), r=Max("reviewed_at"),
                                       c=Max("confirmed_at")),
        SkillsScore.objects.aggregate(n=Count("id"), i=Max("id"), t=Max("entered_at")),
        BasicRecord.objects.aggregate(n=Count("id"), i=Max("id")),
    ]
    return "|".join(",".join(str(v) for v in p.values()) for p in parts)


def outcome_summary(*, as_of: dt.date, policy: PolicyBundle | None = None) -> OutcomeSummary:
    """§8.3 every member's outcome on ``as_of``, computed once per (as-of date, policy version, data
    freshness) and cached: a page of a 100,000-member district filters and counts from it and
    computes the full explanation only for the members it shows."""
    policy = _resolve(as_of, policy)
    raw = f"{as_of.isoformat()}:{policy.version}:{data_freshness()}"
    key = "grading:summary:" + hashlib.sha1(raw.encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return found
    everyone = outcomes_compute(as_of=as_of, policy=policy)
    summary = OutcomeSummary(
        as_of=as_of, policy_version=policy.version,
        rows={m.member_id: (m.outcome.outcome, m.grade, m.outcome.target_grade, m.outcome.quota_rank)
              for m in everyone},
        ranked={m.member_id: m.outcome.decision for m in everyone if m.outcome.quota_rank is not None},
    )
    cache.set(key, summary, SUMMARY_TTL)
    return summary


# ---------------------------------------------------------------------------------------------
# §8.4a 首次定级 (initial grading)
# ---------------------------------------------------------------------------------------------


class InitialExplainedOutcome(ExplainedOutcome):
    """§8.4a An initial grade decided without its explanation (``rules.initial_grade(...,
    explain=False)``, then the quota); the reasons are built on first access by the full
    ``rules.initial_grade`` — the same grade (property-tested) — followed by the quota's reasons, if
    any. A district's explanations would take gigabytes at once; a writer reads and ``forget``s them
    one member at a time."""

    __slots__ = ()

    @property
    def reasons(self) -> tuple[rules.Reason, ...]:
        if self._reasons is None:
            explained = rules.initial_grade(self._record, self._as_of, self._policy)
            self._reasons = explained.reasons + self.decision.reasons  # + the quota's reasons
        return self._reasons

    def __repr__(self) -> str:
        return f"InitialExplainedOutcome({self.decision!r})"


def initial_outcomes_compute(*, as_of: dt.date, policy: PolicyBundle | rules.GradePolicy | None = None,
                             member_ids: Iterable[int] | None = None) -> list[MemberOutcome]:
    """§8.4a 首次定级: every on-roster member's initial grade on ``as_of`` — members WITHOUT a grade
    included — with its explanation and the §6.2 quota; reads only, writes nothing.

    ``outcome.outcome`` is ``rules.INITIAL``, ``outcome.target_grade`` the highest grade the whole
    record supports (``rules.initial_grade``) after the quota (``rules.rank_initial_for_quota``, over
    the whole roster: the headcount and the ranking depend on everyone, so with ``member_ids`` the
    district is read a second time when one of them is a candidate for 二级/一级). ``grade`` (of the
    outcome and of the ``MemberOutcome``) is the grade held before, or None; ``grade_effective_date``
    is None for a member without a grade. ``outcome`` is an ``InitialExplainedOutcome``: decided
    without the explanation, explained when ``reasons`` is first read (``forget()`` drops it again).
    The number of queries does not depend on the number of members: six for the records, one for
    the unit names, six more for the district-wide quota with ``member_ids``.
    """
    gp = _grade_policy(_resolve(as_of, policy))
    with no_gc():
        infos, records = gather(as_of=as_of, policy=gp, member_ids=member_ids, include_ungraded=True)
        shared: dict = {}

        def decide(rec):
            # Decided without explanation; one immutable instance per (grade, target) is shared.
            o = rules.initial_grade(rec, as_of, gp, explain=False)
            return shared.setdefault((o.grade, o.target_grade), o)

        decisions = {pk: decide(rec) for pk, rec in records.items()}
        if any(o.target_grade <= 2 for o in decisions.values()):
            if member_ids is None:
                everyone, all_decisions = records, decisions
            else:
                everyone = gather(as_of=as_of, policy=gp, with_identity=False, include_ungraded=True)[1]
                all_decisions = {pk: decisions[pk] if pk in decisions else decide(rec)
                                 for pk, rec in everyone.items()}
            ranked = rules.rank_initial_for_quota({pk: (rec, all_decisions[pk]) for pk, rec in everyone.items()},
                                                  headcount=len(everyone), as_of=as_of, policy=gp)
            decisions = {pk: ranked.get(pk, o) for pk, o in decisions.items()}
        names = unit_full_names() if infos else {}
        out = []
        for pk, info in infos.items():
            rec, decision = records[pk], decisions[pk]
            out.append(MemberOutcome(
                member_id=pk, id_number=info.id_number, name=info.name, unit=names.get(info.unit_id, ""),
                unit_id=info.unit_id, grade=decision.grade,
                grade_effective_date=rec.grade_effective_date if decision.grade is not None else None,
                outcome=InitialExplainedOutcome(decision, rec, as_of, gp)))
        return out


# ---------------------------------------------------------------------------------------------
# Scoped lists (pages and API)
# ---------------------------------------------------------------------------------------------


OUTCOME_CHOICES = (rules.PROMOTE, rules.KEEP, rules.DEMOTE, rules.SEPARATION)


@dataclass(frozen=True)
class OutcomeParams:
    """The outcome list's filters, cleaned (unknown values are dropped, never an error)."""

    unit: int | None = None
    outcome: str = ""
    grade: int | None = None
    target: int | None = None
    q: str = ""

    @classmethod
    def parse(cls, params) -> OutcomeParams:
        params = params or {}

        def get(key):
            value = params.get(key, "")
            return (value if isinstance(value, str) else str(value)).strip()

        def as_int(key, lo, hi):
            try:
                n = int(get(key))
            except ValueError:
                return None
            return n if lo <= n <= hi else None

        outcome = get("outcome")
        return cls(unit=as_int("unit", 1, 2**62), outcome=outcome if outcome in OUTCOME_CHOICES else "",
                   grade=as_int("grade", 1, 5), target=as_int("target", 1, 5), q=get("q")[:50])


def can_see_outcomes(user) -> bool:
    return scope.has_role(user, *OUTCOME_ROLES) and scope.member_q(user, roles_allowed=OUTCOME_ROLES) is not None


def visible_member_ids(user, params: OutcomeParams, *, roles_allowed=OUTCOME_ROLES, personal_data: bool = True
                       ) -> list[int]:
    """The ids (in roster order: unit, name) of on-roster graded members the user may see, narrowed
    by unit, current grade and name / ID search — one query."""
    q = scope.member_q(user, roles_allowed=roles_allowed)
    if q is None:
        return []
    qs = Member.objects.filter(q).filter(status__in=ON_ROSTER, grade__isnull=False)
    if params.unit is not None:
        from auxpost.org.models import Unit

        qs = qs.filter(unit__in=Unit.objects.filter(path__startswith=Unit.objects.filter(pk=params.unit)
                                                    .values("path")[:1]).values("pk"))
    if params.grade is not None:
        qs = qs.filter(grade=params.grade)
    if params.q:
        text = params.q
        if personal_data and text.replace("X", "").replace("x", "").isdigit():
            qs = qs.filter(Q(id_number__endswith=text.upper()) | Q(name__contains=text))
        else:
            qs = qs.filter(name__contains=text)
    return list(qs.order_by("unit__path", "name", "pk").values_list("pk", flat=True))


@dataclass
class OutcomeListing:
    ids: list[int]
    counts: dict[str, int]
    total: int
    summary: OutcomeSummary


def outcome_listing(user, *, as_of: dt.date, policy: PolicyBundle, params: OutcomeParams,
                    personal_data: bool = True) -> OutcomeListing:
    """§8.3 the members this user may see, filtered, with the count per outcome (before the outcome
    filter); outcomes come from the cached district-wide summary."""
    ids = visible_member_ids(user, params, personal_data=personal_data)
    summary = outcome_summary(as_of=as_of, policy=policy)
    rows = summary.rows
    ids = [pk for pk in ids if pk in rows]
    if params.target is not None:
        ids = [pk for pk in ids if rows[pk][2] == params.target]
    counts = dict.fromkeys(OUTCOME_CHOICES, 0)
    for pk in ids:
        counts[rows[pk][0]] += 1
    total = len(ids)
    if params.outcome:
        ids = [pk for pk in ids if rows[pk][0] == params.outcome]
    return OutcomeListing(ids=ids, counts=counts, total=total, summary=summary)


def outcomes_for_ids(*, as_of: dt.date, policy: PolicyBundle, ids: list[int]) -> list[MemberOutcome]:
    """The full outcomes of ``ids`` (a page), in the order given."""
    by_id = {m.member_id: m for m in outcomes_compute(as_of=as_of, policy=policy, member_ids=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def records_of(member) -> QuerySet[BasicRecord]:
    """§6.1 a member's basic-requirement records, newest first."""
    return BasicRecord.objects.filter(member=member).select_related("recorded_by").order_by("-date", "-pk")
