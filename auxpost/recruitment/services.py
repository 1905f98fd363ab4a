"""§5.2.1 招聘 writes: the hiring plan and its approval within quota, applications and their automatic
screening, scores and ranking, health and background checks, the 公示 and its objections, the hire (the
roster member and the dispatch contract, by the HR company) and the probation review (五级 confirmed
jointly by the bureau and the HR company, or a failed probation handed to the separation flow).

Every service takes keyword-only arguments, runs in one transaction, records the move as a
:class:`~auxpost.recruitment.models.Move` (who, in which role, when, why) and writes an audit link in the
same transaction. Refusals:

- :class:`~auxpost.recruitment.rules.MoveRefused` code ``out_of_order`` — not from this state, or a guard
  of the flow (quota, 公示 not over, no certificate) — the API answers 409;
- ``MoveRefused`` code ``forbidden`` — a party without authority for this step — 403;
- ``django.core.exceptions.ValidationError`` keyed by field, Chinese messages — bad input, 400.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.audit.services import audit_record, model_snapshot
from auxpost.duties.models import WorkLine
from auxpost.imports.normalise import NormaliseError, clean_compact, clean_name, parse_date, parse_decimal
from auxpost.org.models import OrganisationKind, Unit
from auxpost.org.services import QuotaExceeded, headcounts_by_unit
from auxpost.people.models import ON_ROSTER, GradeHistory, Member, MemberStatus
from auxpost.people.roster_columns import EDUCATION_LABELS
from auxpost.people.rules import InvalidIdNumber, parse_id_number
from auxpost.people.selectors import certificate_refusal
from auxpost.people.services import grade_history_append, member_create, member_set_status
from auxpost.policy.selectors import PolicyNotFound, policy_in_force
from auxpost.policy.workforce import DEFAULT as DEFAULT_WORKFORCE
from auxpost.recruitment import rules
from auxpost.recruitment.models import (
    Application,
    Contract,
    ContractSource,
    HiringPlan,
    Move,
    Objection,
    ObjectionStatus,
    ProbationReview,
)
from auxpost.workcal.selectors import CalendarYearMissing, add_working_days

#: §4.3 the entry grade (五级).
ENTRY_GRADE = 5
CONFIRM_REASON = "试用期满考核合格，局与人力资源公司共同确定为五级"
TEXT_MAX = 5000
NOTE_MAX = 300
BUREAU, STAFFING, HR = "bureau", "staffing_office", "hr_company"


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def _refused(message: str) -> rules.MoveRefused:
    return rules.MoveRefused(message, code="out_of_order")


def _forbidden(message: str) -> rules.MoveRefused:
    return rules.MoveRefused(message, code="forbidden")


def _require(actor, role: str, what: str) -> None:
    if not scope.has_role(actor, role):
        who = {BUREAU: _("the enforcement bureau"), STAFFING: _("the staffing office"),
               HR: _("the HR company")}[role]
        raise _forbidden(_("Only %(who)s may %(what)s.") % {"who": who, "what": what})


def recruitment_policy(on: dt.date):
    """The recruitment values (cfg) in force on ``on``; the SPEC defaults before any version exists."""
    try:
        return policy_in_force(on).workforce.recruitment
    except PolicyNotFound:
        return DEFAULT_WORKFORCE.recruitment


def _move(*, actor, action: str, acting_as: str, plan=None, application=None, review=None, from_status="",
          to_status="", reason: str = "") -> Move:
    return Move.objects.create(plan=plan, application=application, review=review, action=action,
                               from_status=from_status, to_status=to_status,
                               actor=actor if actor is not None and actor.pk else None, acting_as=acting_as,
                               reason=reason or "", at=timezone.now())


# --- the plan --------------------------------------------------------------------------------------

PLAN_FIELDS = ("unit", "year", "title", "positions", "work_line", "posting_text", "publish_date", "deadline")


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _plan_clean(data: dict, today: dt.date) -> dict:
    errors: dict[str, list[str]] = {}

    def err(field, message):
        errors.setdefault(field, []).append(message)

    out: dict = {}
    unit = data.get("unit")
    if not isinstance(unit, Unit):
        unit = Unit.objects.filter(pk=unit).first() if str(unit or "").isdigit() else None
    if unit is None:
        err("unit", _("%(field)s: choose a unit.") % {"field": _label(HiringPlan, "unit")})
    out["unit"] = unit
    for field, low, high in (("year", 2000, today.year + 1), ("positions", 1, 500)):
        raw = data.get(field)
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            err(field, _("%(field)s: enter a whole number.") % {"field": _label(HiringPlan, field)})
            continue
        if not low <= value <= high:
            err(field, _("%(field)s: must be from %(low)s to %(high)s.") % {
                "field": _label(HiringPlan, field), "low": low, "high": high})
        out[field] = value
    title = clean_name(data.get("title") or "")
    if not title:
        err("title", _("%(field)s: this field is required.") % {"field": _label(HiringPlan, "title")})
    elif len(title) > 100:
        err("title", _("%(field)s: at most %(n)s characters.") % {"field": _label(HiringPlan, "title"), "n": 100})
    out["title"] = title
    line = data.get("work_line")
    if line in (None, ""):
        out["work_line"] = None
    else:
        found = line if isinstance(line, WorkLine) else WorkLine.objects.filter(pk=line).first() \
            if str(line).isdigit() else None
        if found is None:
            err("work_line", _("%(field)s: no such work line.") % {"field": _label(HiringPlan, "work_line")})
        out["work_line"] = found
    text = (data.get("posting_text") or "").strip()
    if len(text) > TEXT_MAX:
        err("posting_text", _("%(field)s: at most %(n)s characters.") % {
            "field": _label(HiringPlan, "posting_text"), "n": TEXT_MAX})
    out["posting_text"] = text
    for field in ("publish_date", "deadline"):
        raw = data.get(field)
        if raw in (None, ""):
            out[field] = None
            continue
        try:
            out[field] = parse_date(raw)
        except NormaliseError as exc:
            err(field, f"{_label(HiringPlan, field)}：{exc}")
    if out.get("publish_date") and out.get("deadline") and out["deadline"] < out["publish_date"]:
        err("deadline", _("%(field)s: must not be before the publish date.") % {
            "field": _label(HiringPlan, "deadline")})
    if errors:
        raise ValidationError(errors)
    return out


def plan_create(*, actor, data: dict, today: dt.date | None = None) -> HiringPlan:
    """§5.2.1 the bureau drafts a hiring plan (招聘计划) for a unit and year: positions, work line, posting
    text and dates."""
    today = _today(today)
    _require(actor, BUREAU, _("draft a hiring plan"))
    cleaned = _plan_clean(data, today)
    with transaction.atomic():
        plan = HiringPlan.objects.create(**cleaned, created_by=actor)
        _move(actor=actor, action="create", acting_as=BUREAU, plan=plan, to_status=plan.status)
        audit_record(actor=actor, action="create", obj=plan, summary="recruitment: plan drafted",
                     after=model_snapshot(plan))
    return plan


def plan_update(*, actor, plan: HiringPlan, data: dict, today: dt.date | None = None) -> HiringPlan:
    """§5.2.1 the bureau changes a plan while it is a draft (after a return by the staffing office too)."""
    today = _today(today)
    _require(actor, BUREAU, _("change a hiring plan"))
    merged = {f: getattr(plan, f) for f in PLAN_FIELDS} | dict(data)
    cleaned = _plan_clean(merged, today)
    with transaction.atomic():
        plan = HiringPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != rules.DRAFT:
            raise _refused(_("Only a draft plan can be changed; this plan is %(status)s.") % {
                "status": plan.get_status_display()})
        before = model_snapshot(plan, list(PLAN_FIELDS))
        for f, v in cleaned.items():
            setattr(plan, f, v)
        plan.save()
        audit_record(actor=actor, action="update", obj=plan, summary="recruitment: plan changed", before=before,
                     after=model_snapshot(plan, list(PLAN_FIELDS)))
    return plan


def reserved_places(*, exclude: HiringPlan | None = None) -> dict[int, int]:
    """unit id → places reserved there by approved or posted plans (positions not yet filled by a hire)."""
    out: dict[int, int] = {}
    plans = HiringPlan.objects.filter(status__in=rules.RESERVING_STATES)
    if exclude is not None:
        plans = plans.exclude(pk=exclude.pk)
    from django.db.models import Count, Q

    for p in plans.annotate(hired=Count("applications", filter=Q(applications__status=rules.HIRED))):
        out[p.unit_id] = out.get(p.unit_id, 0) + max(p.positions - p.hired, 0)
    return out


def quota_lines(plan: HiringPlan) -> list[rules.QuotaLine]:
    """The quota of the plan's unit and every ancestor holding one, with roster and reservations."""
    units = {u.pk: u for u in Unit.objects.only("id", "name", "path", "quota", "parent_id")}
    own = headcounts_by_unit()
    reserved = reserved_places(exclude=plan)
    target = units[plan.unit_id].path
    lines = []
    for u in sorted((u for u in units.values() if u.quota is not None and target.startswith(u.path)),
                    key=lambda u: u.path):
        below = [uid for uid, x in units.items() if x.path.startswith(u.path)]
        lines.append(rules.QuotaLine(unit=u.full_name(), quota=u.quota,
                                     on_roster=sum(own.get(uid, 0) for uid in below),
                                     reserved=sum(reserved.get(uid, 0) for uid in below)))
    return lines


def plan_move(*, actor, plan: HiringPlan, action: str, reason: str = "", today: dt.date | None = None) -> HiringPlan:
    """§5.2.1 move a plan: the bureau submits it; the staffing office (区委编办) approves it — refused when
    its positions exceed the free places under a quota (quota − on the roster − places reserved by other
    approved plans) — or returns it with a reason; the bureau posts it (招聘公告: publish date and deadline
    needed) and closes it (its unfilled places are released)."""
    today = _today(today)
    if action not in rules.PLAN_MOVES:
        raise ValidationError({"action": _("Unknown action %(action)s.") % {"action": action}})
    party = rules.PLAN_MOVE_PARTY[action]
    _require(actor, party, {"submit": _("submit a plan for approval"), "approve": _("approve a hiring plan"),
                            "return": _("return a hiring plan"), "post": _("post a hiring plan"),
                            "close": _("close a hiring plan")}[action])
    reason = (reason or "").strip()
    if action == "return" and not reason:
        raise ValidationError({"reason": _("Reason: say why the plan is returned.")})
    with transaction.atomic():
        if action == "approve":
            # The quota-holding units are locked so two approvals cannot both take the last places.
            list(Unit.objects.select_for_update().filter(quota__isnull=False).values_list("pk"))
        plan = HiringPlan.objects.select_for_update().get(pk=plan.pk)
        sources, target = rules.PLAN_MOVES[action]
        if plan.status not in sources:
            raise _refused(_("This plan is %(status)s; it cannot be %(action)s now.") % {
                "status": plan.get_status_display(), "action": _action_label(action)})
        if action == "approve":
            refusal = rules.plan_quota_refusal(quota_lines(plan), plan.positions)
            if refusal:
                raise _refused(refusal)
        if action == "post":
            missing = [str(_label(HiringPlan, f)) for f in ("publish_date", "deadline") if getattr(plan, f) is None]
            if missing:
                raise _refused(_("The posting needs %(fields)s; change the plan first.") % {
                    "fields": "、".join(missing)})
        before = plan.status
        plan.status = target
        plan.save(update_fields=["status", "updated_at"])
        _move(actor=actor, action=action, acting_as=party, plan=plan, from_status=before, to_status=target,
              reason=reason)
        audit_record(actor=actor, action="transition", obj=plan, summary=f"recruitment: plan {action}",
                     before={"status": before}, after={"status": target, "reason": reason})
    return plan


def _action_label(action: str) -> str:
    return {"submit": _("submitted"), "approve": _("approved"), "return": _("returned"), "post": _("posted"),
            "close": _("closed")}.get(action, action)


# --- applications ----------------------------------------------------------------------------------

YES = {"是", "y", "yes", "true", "1", "有", "√", "✓"}
NO = {"否", "n", "no", "false", "0", "无", "×", ""}


def parse_yes_no(value) -> bool:
    """是/否 (also yes/no, true/false, 1/0, a real boolean); raises NormaliseError."""
    if isinstance(value, bool):
        return value
    text = clean_compact(value).lower() if value is not None else ""
    if text in YES:
        return True
    if text in NO:
        return False
    raise NormaliseError(f"“{value}”应填写“是”或“否”")


def parse_education(value) -> str:
    text = clean_compact(value) if value is not None else ""
    code = EDUCATION_LABELS.get(text, text)
    if code not in rules.EDUCATION_LEVEL:
        raise NormaliseError(f"无法识别的学历“{text}”，应为 初中、高中、中专、大专、本科、硕士研究生 或 博士研究生")
    return code


APPLICATION_FIELDS = ("name", "id_number", "phone", "education", "applied_on", "no_criminal_record",
                      "not_dismissed")


def application_clean(data: dict, *, today: dt.date) -> dict:
    """§5.2.1/§11 validate an application's fields (normalised as the imports do: dates in every form,
    full-width digits, the ID number per GB 11643 with sex and birth date derived). Raises ValidationError
    keyed by field with Chinese messages."""
    from auxpost.imports.normalise import parse_mobile

    errors: dict[str, list[str]] = {}
    out: dict = {}

    def err(field, message):
        errors.setdefault(field, [f"{_label(Application, field)}：{message}"])

    name = clean_name(data.get("name") or "")
    if not name:
        err("name", _("this field is required."))
    elif len(name) > 50:
        err("name", _("at most 50 characters."))
    out["name"] = name
    try:
        info = parse_id_number(clean_compact(data.get("id_number") or ""), today=today)
    except InvalidIdNumber as exc:
        err("id_number", str(exc))
    else:
        out.update(id_number=info.id_number, sex=info.sex, birth_date=info.birth_date)
    phone = data.get("phone")
    if phone in (None, ""):
        out["phone"] = ""
    else:
        try:
            out["phone"] = parse_mobile(phone)
        except NormaliseError as exc:
            err("phone", str(exc))
    try:
        out["education"] = parse_education(data.get("education"))
    except NormaliseError as exc:
        err("education", str(exc))
    try:
        applied = parse_date(data.get("applied_on"))
    except NormaliseError as exc:
        err("applied_on", str(exc))
    else:
        if applied > today:
            err("applied_on", _("%(value)s is in the future.") % {"value": applied.isoformat()})
        out["applied_on"] = applied
    for field in ("no_criminal_record", "not_dismissed"):
        try:
            out[field] = parse_yes_no(data.get(field))
        except NormaliseError as exc:
            err(field, str(exc))
    if errors:
        raise ValidationError(errors)
    return out


def _screen(plan: HiringPlan, cleaned: dict, *, earlier: dt.date | None, on_roster_as: str | None) -> list[str]:
    policy = recruitment_policy(cleaned["applied_on"])
    applicant = rules.Applicant(birth_date=cleaned["birth_date"], education=cleaned["education"],
                                applied_on=cleaned["applied_on"],
                                no_criminal_record=cleaned["no_criminal_record"],
                                not_dismissed=cleaned["not_dismissed"])
    ctx = rules.ScreeningContext(min_age=policy.min_age, max_age=policy.max_age,
                                 min_education=policy.min_education, opens=plan.publish_date,
                                 deadline=plan.deadline, earlier_application=earlier, on_roster_as=on_roster_as)
    return rules.screen(applicant, ctx)


def _check_plan_open(plan: HiringPlan) -> None:
    if plan.status != rules.POSTED:
        raise _refused(_("Applications are taken only while the plan is posted; this plan is %(status)s.") % {
            "status": plan.get_status_display()})


def applications_add(*, actor, plan: HiringPlan, rows: list[dict], today: dt.date | None = None,
                     source: str = "entered") -> list[Application]:
    """§5.2.1 record applications (报名) to a posted plan — entered on a page or imported — and screen each
    one automatically (rules.screen): every reason for a rejection is kept with the application. ``rows``
    are cleaned by :func:`application_clean`. A second application of one ID number to the plan, and an
    applicant already on the roster, are rejected with that reason."""
    today = _today(today)
    _require(actor, BUREAU, _("enter applications"))
    with transaction.atomic():
        plan = HiringPlan.objects.select_for_update().get(pk=plan.pk)
        _check_plan_open(plan)
        ids = [r["id_number"] for r in rows]
        earlier: dict[str, dt.date] = {}
        for id_number, applied in (Application.objects.filter(plan=plan, id_number__in=ids)
                                   .order_by("applied_on", "pk").values_list("id_number", "applied_on")):
            earlier.setdefault(id_number, applied)
        roster = {m.id_number: f"{m.name}，{m.unit.full_name()}" for m in
                  Member.objects.filter(id_number__in=ids, status__in=ON_ROSTER).select_related("unit")}
        created = []
        for r in rows:
            reasons = _screen(plan, r, earlier=earlier.get(r["id_number"]), on_roster_as=roster.get(r["id_number"]))
            earlier.setdefault(r["id_number"], r["applied_on"])
            app = Application.objects.create(plan=plan, **r, created_by=actor,
                                             status=rules.REJECTED if reasons else rules.QUALIFIED, reasons=reasons)
            _move(actor=actor, action="apply", acting_as=BUREAU, plan=plan, application=app, to_status=app.status,
                  reason="；".join(reasons))
            audit_record(actor=actor, action="import" if source == "import" else "create", obj=app,
                         summary=f"recruitment: application {source}, screened {app.status}",
                         after=model_snapshot(app, ["plan", "name", "id_number", "applied_on", "education",
                                                    "status", "reasons"]))
            created.append(app)
    return created


def application_create(*, actor, plan: HiringPlan, data: dict, today: dt.date | None = None) -> Application:
    """§5.2.1 the bureau enters one application on the page; it is screened at once (see applications_add)."""
    today = _today(today)
    _require(actor, BUREAU, _("enter applications"))
    _check_plan_open(plan)
    cleaned = application_clean(data, today=today)
    return applications_add(actor=actor, plan=plan, rows=[cleaned], today=today)[0]


# --- scores and ranking ----------------------------------------------------------------------------


def _score(value, field: str, errors: dict) -> Decimal | None:
    try:
        return parse_decimal(value, places=2, minimum=0, maximum=100, suffixes=("分",))
    except NormaliseError as exc:
        errors.setdefault(field, []).append(f"{_label(Application, field)}：{exc}")
        return None


#: Applications ranked: every one that passed its scores (also after being proposed, dropped or hired, so a
#: rank never changes meaning once shown).
RANKED_STATES = (rules.PASSED, *rules.HOLDING_STATES, rules.DROPPED)


def _rerank(plan: HiringPlan) -> None:
    """Number the plan's passed applicants 1…n by rules.rank (total, then written exam, then application
    time); the others hold no rank."""
    ranked = list(Application.objects.filter(plan=plan, status__in=RANKED_STATES, total_score__isnull=False)
                  .only("id", "total_score", "exam_score", "applied_on", "rank"))
    order = rules.rank([rules.Ranked(key=a.pk, total=a.total_score, exam=a.exam_score, applied_on=a.applied_on,
                                     order=a.pk) for a in ranked])
    current = {a.pk: a.rank for a in ranked}
    for n, key in enumerate(order, start=1):
        if current[key] != n:
            Application.objects.filter(pk=key).update(rank=n)
    Application.objects.filter(plan=plan).exclude(pk__in=order).exclude(rank__isnull=True).update(rank=None)


def scores_set(*, actor, application: Application, exam, interview, fitness,
               today: dt.date | None = None) -> Application:
    """§5.2.1 the bureau enters the written exam, interview and fitness scores (0–100, two decimals); the
    total is weighted with the policy's weights (rounded to 0.01 half-up); each score and the total must
    reach the pass mark, else the applicant is out with the reasons; the passed ones are ranked."""
    today = _today(today)
    _require(actor, BUREAU, _("enter scores"))
    errors: dict[str, list[str]] = {}
    values = [_score(exam, "exam_score", errors), _score(interview, "interview_score", errors),
              _score(fitness, "fitness_score", errors)]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("plan").get(pk=application.pk)
        if app.plan.status != rules.POSTED:
            raise _refused(_("Scores are entered only while the plan is posted; this plan is %(status)s.") % {
                "status": app.plan.get_status_display()})
        if app.status not in rules.SCORING_STATES:
            raise _refused(_("%(name)s is %(status)s; scores can no longer be entered.") % {
                "name": app.name, "status": app.get_status_display()})
        policy = recruitment_policy(app.applied_on)
        w = rules.Weights(policy.weight_exam, policy.weight_interview, policy.weight_fitness)
        total = rules.weighted_total(*values, w)
        failures = rules.score_failures(*values, total, policy.pass_score)
        before = model_snapshot(app, ["exam_score", "interview_score", "fitness_score", "total_score", "status"])
        app.exam_score, app.interview_score, app.fitness_score = values
        app.total_score = total
        old_status = app.status
        app.status = rules.FAILED if failures else rules.PASSED
        app.reasons = failures
        app.save(update_fields=["exam_score", "interview_score", "fitness_score", "total_score", "status",
                                "reasons"])
        _rerank(app.plan)
        _move(actor=actor, action="scores", acting_as=BUREAU, plan=app.plan, application=app,
              from_status=old_status, to_status=app.status,
              reason=f"笔试{values[0]} 面试{values[1]} 体能{values[2]} 总成绩{total}" + (
                  "；" + "；".join(failures) if failures else ""))
        audit_record(actor=actor, action="update", obj=app, summary="recruitment: scores", before=before,
                     after=model_snapshot(app, ["exam_score", "interview_score", "fitness_score", "total_score",
                                                "status"]))
        app.refresh_from_db()
    return app


def free_places(plan: HiringPlan) -> int:
    """Positions not held by an applicant proposed, on the 公示 or hired."""
    return plan.positions - Application.objects.filter(plan=plan, status__in=rules.HOLDING_STATES).count()


def plan_propose(*, actor, plan: HiringPlan, today: dt.date | None = None) -> list[Application]:
    """§5.2.1 the bureau proposes the top of the ranking for hire (拟录用): as many passed applicants, in rank
    order, as there are free places. After a failed check or an upheld objection the bureau may call the
    next in rank up the same way."""
    _require(actor, BUREAU, _("propose applicants for hire"))
    with transaction.atomic():
        plan = HiringPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != rules.POSTED:
            raise _refused(_("Only a posted plan has applicants to propose; this plan is %(status)s.") % {
                "status": plan.get_status_display()})
        free = free_places(plan)
        if free <= 0:
            raise _refused(_("All %(n)s positions of the plan are taken by applicants proposed, on public notice "
                             "or hired.") % {"n": plan.positions})
        nxt = list(Application.objects.filter(plan=plan, status=rules.PASSED).order_by("rank", "pk")[:free])
        if not nxt:
            raise _refused(_("No applicant has passed every score yet; enter the scores first."))
        for app in nxt:
            Application.objects.filter(pk=app.pk).update(status=rules.PROPOSED)
            _move(actor=actor, action="propose", acting_as=BUREAU, plan=plan, application=app,
                  from_status=rules.PASSED, to_status=rules.PROPOSED, reason=f"第{app.rank}名")
            audit_record(actor=actor, action="transition", obj=app, summary="recruitment: proposed for hire",
                         before={"status": rules.PASSED}, after={"status": rules.PROPOSED, "rank": app.rank})
            app.status = rules.PROPOSED
    return nxt


def checks_record(*, actor, application: Application, health: str, health_note: str = "", background: str,
                  background_note: str = "", today: dt.date | None = None) -> Application:
    """§5.2.1 the bureau records the health check (体检) and background check (政审) of a proposed applicant:
    pass/fail with a note each (either may be left open). A failure drops the applicant (the place is free
    for the next in rank) and needs a note."""
    _require(actor, BUREAU, _("record health and background checks"))
    errors: dict[str, list[str]] = {}
    for field, value, note in (("health_check", health, health_note), ("background_check", background,
                                                                         background_note)):
        if value not in ("", "pass", "fail"):
            errors.setdefault(field, []).append(_("%(field)s: choose passed or failed.") % {
                "field": _label(Application, field)})
        if value == "fail" and not (note or "").strip():
            errors.setdefault(field, []).append(_("%(field)s: a failure needs a note saying why.") % {
                "field": _label(Application, field)})
        if len(note or "") > NOTE_MAX:
            errors.setdefault(field, []).append(_("%(field)s: the note has at most %(n)s characters.") % {
                "field": _label(Application, field), "n": NOTE_MAX})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("plan").get(pk=application.pk)
        if app.status != rules.PROPOSED:
            raise _refused(_("Checks are recorded for applicants proposed for hire; %(name)s is %(status)s.") % {
                "name": app.name, "status": app.get_status_display()})
        before = model_snapshot(app, ["health_check", "health_note", "background_check", "background_note",
                                      "status"])
        app.health_check, app.health_note = health, (health_note or "").strip()
        app.background_check, app.background_note = background, (background_note or "").strip()
        failed = [f"{lbl}不合格：{note}" for lbl, value, note in (("体检", health, app.health_note),
                                                              ("政审", background, app.background_note))
                  if value == "fail"]
        if failed:
            app.status = rules.DROPPED
            app.reasons = failed
        app.save(update_fields=["health_check", "health_note", "background_check", "background_note", "status",
                                "reasons"])
        _move(actor=actor, action="checks", acting_as=BUREAU, plan=app.plan, application=app,
              from_status=rules.PROPOSED, to_status=app.status,
              reason="；".join(failed) or f"体检{health or '未定'} 政审{background or '未定'}")
        audit_record(actor=actor, action="update", obj=app, summary="recruitment: health and background checks",
                     before=before, after=model_snapshot(app, ["health_check", "health_note", "background_check",
                                                               "background_note", "status"]))
    return app


def publicity_start(*, actor, plan: HiringPlan, start: dt.date, today: dt.date | None = None) -> list[Application]:
    """§5.2.1 the bureau puts the proposed hires who passed both checks on the 公示 from ``start``; it ends
    after the policy's working days on the one calendar (§11; a year not entered is refused plainly)."""
    today = _today(today)
    _require(actor, BUREAU, _("start the public notice"))
    if not isinstance(start, dt.date):
        raise ValidationError({"start": _("Public notice from: enter a date.")})
    days = recruitment_policy(start).publicity_working_days
    try:
        end = add_working_days(start, days)
    except CalendarYearMissing as exc:
        raise _refused(exc.messages[0]) from None
    with transaction.atomic():
        plan = HiringPlan.objects.select_for_update().get(pk=plan.pk)
        ready = list(Application.objects.filter(plan=plan, status=rules.PROPOSED, health_check="pass",
                                                background_check="pass").order_by("rank", "pk"))
        if plan.status != rules.POSTED or not ready:
            raise _refused(_("No proposed applicant has passed both the health check and the background check; "
                             "nothing to put on the public notice."))
        for app in ready:
            Application.objects.filter(pk=app.pk).update(status=rules.PUBLICITY, publicity_start=start,
                                                         publicity_end=end)
            app.status, app.publicity_start, app.publicity_end = rules.PUBLICITY, start, end
            _move(actor=actor, action="publicity", acting_as=BUREAU, plan=plan, application=app,
                  from_status=rules.PROPOSED, to_status=rules.PUBLICITY, reason=f"{start}至{end}（{days}个工作日）")
            audit_record(actor=actor, action="transition", obj=app, summary="recruitment: public notice",
                         before={"status": rules.PROPOSED},
                         after={"status": rules.PUBLICITY, "publicity_start": start, "publicity_end": end})
    return ready


def objection_record(*, actor, application: Application, text: str, objector: str = "",
                     received_on: dt.date | None = None, today: dt.date | None = None) -> Objection:
    """§5.2.1 the bureau records an objection to a proposed hire received during the 公示."""
    today = _today(today)
    received_on = received_on or today
    _require(actor, BUREAU, _("record objections"))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Objection: say what the objection is.")})
    if len(text) > TEXT_MAX or len(objector or "") > 100:
        raise ValidationError({"text": _("Objection: too long.")})
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("plan").get(pk=application.pk)
        if app.status != rules.PUBLICITY or not (app.publicity_start <= received_on <= app.publicity_end):
            raise _refused(_("Objections are recorded when received during the public notice of a proposed hire."))
        obj = Objection.objects.create(application=app, objector=(objector or "").strip(), text=text,
                                       received_on=received_on, recorded_by=actor)
        _move(actor=actor, action="objection", acting_as=BUREAU, plan=app.plan, application=app,
              from_status=app.status, to_status=app.status, reason=text)
        audit_record(actor=actor, action="create", obj=obj, summary="recruitment: objection recorded",
                     after=model_snapshot(obj, ["application", "objector", "text", "received_on"]))
    return obj


def objection_decide(*, actor, objection: Objection, upheld: bool, note: str,
                     today: dt.date | None = None) -> Objection:
    """§5.2.1 the bureau decides an objection: upheld drops the applicant (the next in rank may be called
    up), dismissed leaves them on the 公示. A decision needs a note."""
    _require(actor, BUREAU, _("decide objections"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Decision: say why.")})
    with transaction.atomic():
        obj = Objection.objects.select_for_update().select_related("application", "application__plan") \
            .get(pk=objection.pk)
        if obj.status != ObjectionStatus.PENDING:
            raise _refused(_("This objection has already been decided."))
        obj.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        obj.decision_note, obj.decided_by, obj.decided_at = note, actor, timezone.now()
        obj.save()
        app = obj.application
        before = app.status
        if upheld and app.status == rules.PUBLICITY:
            app.status = rules.DROPPED
            app.reasons = [f"公示期间异议成立：{note}"]
            app.save(update_fields=["status", "reasons"])
        _move(actor=actor, action="objection_upheld" if upheld else "objection_dismissed", acting_as=BUREAU,
              plan=app.plan, application=app, from_status=before, to_status=app.status, reason=note)
        audit_record(actor=actor, action="transition", obj=obj, summary=f"recruitment: objection {obj.status}",
                     before={"status": ObjectionStatus.PENDING, "application": before},
                     after={"status": obj.status, "application": app.status, "note": note})
    return obj


# --- hire: the roster member and the dispatch contract ---------------------------------------------


def _contract_dates(data: dict) -> tuple[str, dt.date | None, dt.date | None, dt.date | None]:
    errors: dict[str, list[str]] = {}
    number = clean_compact(data.get("number") or "")
    if not number:
        errors["number"] = [_("%(field)s: this field is required.") % {"field": _label(Contract, "number")}]
    elif len(number) > 50:
        errors["number"] = [_("%(field)s: at most %(n)s characters.") % {"field": _label(Contract, "number"),
                                                                         "n": 50}]
    dates = {}
    for field, required in (("start_date", True), ("end_date", True), ("probation_end", False)):
        raw = data.get(field)
        if raw in (None, ""):
            dates[field] = None
            if required:
                errors[field] = [_("%(field)s: this field is required.") % {"field": _label(Contract, field)}]
            continue
        try:
            dates[field] = parse_date(raw)
        except NormaliseError as exc:
            errors[field] = [f"{_label(Contract, field)}：{exc}"]
    if errors:
        raise ValidationError(errors)
    return number, dates["start_date"], dates["end_date"], dates["probation_end"]


def probation_default(start: dt.date, end: dt.date | None, probation_end: dt.date | None) -> dt.date | None:
    """The probation end the HR company gave, or — left empty — the longest Art. 19 allows for the term."""
    return probation_end if probation_end is not None else rules.latest_probation_end(start, end)


def _check_contract(start, end, probation_end, *, on: dt.date) -> None:
    min_years = (policy_in_force_or_default(on)).min_contract_years
    problems = rules.contract_refusal(start, end, probation_end, min_years)
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


def policy_in_force_or_default(on: dt.date):
    return recruitment_policy(on)


def _hr_employer(actor):
    org = getattr(actor, "organisation", None)
    if org is None or org.kind != OrganisationKind.HR_COMPANY:
        raise _forbidden(_("Your login is not linked to an HR company, so it cannot sign a dispatch contract."))
    return org


def hire(*, actor, application: Application, data: dict, today: dt.date | None = None) -> Contract:
    """§5.2.1 the HR company hires a proposed applicant after the 公示 has ended with no objection pending:
    the roster member is created from the application without re-typing (people.services.member_create:
    the plan's unit and work line, on probation, 五级 with grade source "hire", hired on the contract start,
    within quota) and the dispatch contract is signed — at least the policy's minimum term (劳动合同法
    Art. 58), probation no longer than Art. 19 allows for the term (left empty: exactly that longest
    probation, computed by ``rules.latest_probation_end``). A probation review is opened."""
    today = _today(today)
    _require(actor, HR, _("sign the dispatch contract"))
    employer = _hr_employer(actor)
    number, start, end, probation_end = _contract_dates(data)
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("plan").get(pk=application.pk)
        if app.status != rules.PUBLICITY:
            raise _refused(_("%(name)s is %(status)s; only an applicant whose public notice has ended is hired.") % {
                "name": app.name, "status": app.get_status_display()})
        if today <= app.publicity_end:
            raise _refused(_("公示期尚未期满: the public notice runs until %(end)s; the hire is possible from the day "
                             "after.") % {"end": app.publicity_end.isoformat()})
        if app.objections.filter(status=ObjectionStatus.PENDING).exists():
            raise _refused(_("An objection to %(name)s is still pending; decide it first.") % {"name": app.name})
        if start <= app.publicity_end:
            raise ValidationError({"start_date": _("%(field)s: must be after the public notice (until %(end)s).") % {
                "field": _label(Contract, "start_date"), "end": app.publicity_end.isoformat()}})
        if start > today:
            raise ValidationError({"start_date": _("%(field)s: %(value)s is in the future; the member goes on the "
                                                   "roster on the day the contract starts.") % {
                "field": _label(Contract, "start_date"), "value": start.isoformat()}})
        _check_contract(start, end, probation_end, on=start)
        probation_end = probation_default(start, end, probation_end)
        try:
            member = member_create(actor=actor, today=today, grade_source=GradeHistory.Source.HIRE, data={
                "name": app.name, "id_number": app.id_number, "phone": app.phone, "education": app.education,
                "hire_date": start, "unit": app.plan.unit_id, "work_line": app.plan.work_line_id,
                "status": MemberStatus.PROBATION, "grade": ENTRY_GRADE, "grade_effective_date": start})
        except QuotaExceeded as exc:
            raise _refused(exc.messages[0]) from None
        contract = _contract_write(actor=actor, member=member, employer=employer, number=number, start=start,
                                   end=end, probation_end=probation_end, source=ContractSource.HIRE)
        app.status, app.member = rules.HIRED, member
        app.save(update_fields=["status", "member"])
        review = _review_open(contract)
        _move(actor=actor, action="hire", acting_as=HR, plan=app.plan, application=app,
              from_status=rules.PUBLICITY, to_status=rules.HIRED,
              reason=f"合同{number}：{start}至{end}，试用期至{probation_end or '无'}")
        _move(actor=actor, action="open", acting_as=HR, review=review, to_status=review.status)
        audit_record(actor=actor, action="transition", obj=app, summary="recruitment: hired",
                     before={"status": rules.PUBLICITY}, after={"status": rules.HIRED, "member": member.pk,
                                                                "contract": contract.pk})
    return contract


def _contract_write(*, actor, member, employer, number, start, end, probation_end, source) -> Contract:
    contract = Contract.objects.create(member=member, employer=employer, number=number, start_date=start,
                                       end_date=end, probation_end=probation_end, source=source,
                                       recorded_by=actor if actor is not None and actor.pk else None,
                                       recorded_at=timezone.now())
    audit_record(actor=actor, action="create", obj=contract, summary=f"recruitment: dispatch contract ({source})",
                 after=model_snapshot(contract))
    return contract


def _review_open(contract: Contract) -> ProbationReview:
    return ProbationReview.objects.create(member=contract.member, contract=contract,
                                          probation_end=contract.probation_end or contract.start_date)


def contract_record(*, actor, member: Member, data: dict, today: dt.date | None = None) -> Contract:
    """§5.2.1 the HR company records the dispatch contract of a member already on the roster on probation
    (hired before the system): the same Art. 58 / Art. 19 checks; a probation review is opened."""
    today = _today(today)
    _require(actor, HR, _("record a dispatch contract"))
    employer = _hr_employer(actor)
    number, start, end, probation_end = _contract_dates(data)
    _check_contract(start, end, probation_end, on=start)
    probation_end = probation_default(start, end, probation_end)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.status != MemberStatus.PROBATION:
            raise _refused(_("%(name)s is not on probation.") % {"name": member.name})
        if ProbationReview.objects.filter(member=member, status=rules.PENDING).exists():
            raise _refused(_("%(name)s already has a probation review open.") % {"name": member.name})
        contract = _contract_write(actor=actor, member=member, employer=employer, number=number, start=start,
                                   end=end, probation_end=probation_end, source=ContractSource.RECORDED)
        review = _review_open(contract)
        _move(actor=actor, action="open", acting_as=HR, review=review, to_status=review.status,
              reason=f"合同{number}")
    return contract


# --- probation -------------------------------------------------------------------------------------


def _party(actor) -> str:
    if scope.has_role(actor, Role.BUREAU):
        return BUREAU
    if scope.has_role(actor, Role.HR_COMPANY):
        return HR
    raise _forbidden(_("Only the enforcement bureau and the HR company decide on a probation."))


def review_sign(*, actor, review: ProbationReview, today: dt.date | None = None) -> ProbationReview:
    """§5.2.1 the bureau and the HR company confirm the member at 五级 once probation is passed — two
    signatures, either order, both needed. Refused before the probation end date and while the member has
    no valid 上岗证 (§5.2.3). The second signature makes the member active and appends 五级 to the grade
    history (source "hire"), effective the day after probation ends."""
    today = _today(today)
    party = _party(actor)
    with transaction.atomic():
        review = ProbationReview.objects.select_for_update().select_related("member").get(pk=review.pk)
        if review.status != rules.PENDING:
            raise _refused(_("This probation review is already decided (%(status)s).") % {
                "status": review.get_status_display()})
        signed_field = "bureau_signed_by_id" if party == BUREAU else "hr_signed_by_id"
        if getattr(review, signed_field):
            raise _refused(_("You have already signed; the other party's signature is awaited."))
        if today < review.probation_end:
            raise _refused(_("Probation runs until %(date)s; 五级 is confirmed on or after that day.") % {
                "date": review.probation_end.isoformat()})
        member = review.member
        why = certificate_refusal(member, today)
        if why:
            raise _refused(why)
        now = timezone.now()
        if party == BUREAU:
            review.bureau_signed_by, review.bureau_signed_at = actor, now
        else:
            review.hr_signed_by, review.hr_signed_at = actor, now
        before = review.status
        done = bool(review.bureau_signed_by_id and review.hr_signed_by_id)
        if done:
            review.status, review.decided_on = rules.CONFIRMED, today
            member_set_status(actor=actor, member=member, status=MemberStatus.ACTIVE, on=today)
            grade_history_append(actor=actor, member=member, grade=ENTRY_GRADE,
                                 effective_date=review.probation_end + dt.timedelta(days=1),
                                 source=GradeHistory.Source.HIRE, reason=CONFIRM_REASON,
                                 reference=f"probation-review:{review.pk}")
        review.save()
        _move(actor=actor, action="sign", acting_as=party, review=review, from_status=before,
              to_status=review.status)
        audit_record(actor=actor, action="transition", obj=review,
                     summary=f"recruitment: probation signed by {party}" + ("; 五级 confirmed" if done else ""),
                     before={"status": before}, after={"status": review.status, "signed_by": party})
    return review


def review_fail(*, actor, review: ProbationReview, reason: str, today: dt.date | None = None) -> ProbationReview:
    """§5.2.1/§5.2.4 the bureau records that the member did not pass probation (劳动合同法 Art. 39(1): 在试用期间
    被证明不符合录用条件), with the reason, during probation; the case goes to the separation flow as the
    bureau's proposal (ground art39_probation), where the HR company executes it (the separation flow lets
    only the bureau propose)."""
    today = _today(today)
    _require(actor, BUREAU, _("record a failed probation"))
    party = BUREAU
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: say how the member did not meet the hiring conditions.")})
    with transaction.atomic():
        review = ProbationReview.objects.select_for_update().select_related("member").get(pk=review.pk)
        if review.status != rules.PENDING:
            raise _refused(_("This probation review is already decided (%(status)s).") % {
                "status": review.get_status_display()})
        if today > review.probation_end:
            raise _refused(_("Probation ended on %(date)s; a failed probation (Art. 39(1)) can only be recorded "
                             "during probation.") % {"date": review.probation_end.isoformat()})
        review.status, review.failure_reason, review.decided_on = rules.PROBATION_FAILED, reason, today
        review.save()
        _move(actor=actor, action="fail", acting_as=party, review=review, from_status=rules.PENDING,
              to_status=rules.PROBATION_FAILED, reason=reason)
        audit_record(actor=actor, action="transition", obj=review, summary="recruitment: probation failed",
                     before={"status": rules.PENDING}, after={"status": rules.PROBATION_FAILED, "reason": reason})
        from auxpost.separation.services import proposal_create

        try:
            proposal_create(actor=actor, member=review.member, ground="art39_probation", reason=reason,
                            source="probation", source_ref=str(review.pk), today=today)
        except ValidationError:
            raise
        except Exception as exc:  # the separation flow's own MoveRefused: same message and code
            if hasattr(exc, "message") and getattr(exc, "code", None) in ("out_of_order", "forbidden"):
                raise rules.MoveRefused(exc.message, code=exc.code) from None
            raise
    return review
