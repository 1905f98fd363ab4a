"""§8 Grade evaluation rounds (职级评定): rounds, candidates, approvals, objections, the transition
log and the separation proposals a round produces.

State lives in ``status`` fields moved only by ``auxpost.evaluation.services`` through the tables of
``auxpost.evaluation.rules``; every move appends a :class:`Transition` (who, when, why) and an audit
record. Transitions, approvals, materials and objections are append-only (an objection's decision is
recorded once, on the row, by the services).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auxpost.evaluation import rules


class RoundKind(models.TextChoices):
    ANNUAL = rules.ANNUAL, _("Annual grade evaluation")
    INITIAL = rules.INITIAL_ROUND, _("Initial grading")


class RoundStatus(models.TextChoices):
    OPEN = rules.OPEN, _("Opened")
    APPLICATIONS = rules.APPLICATIONS, _("Applications")
    RECOMMENDATION = rules.RECOMMENDATION, _("Unit recommendation")
    REVIEW = rules.REVIEW, _("Qualification review")
    APPROVAL = rules.APPROVAL, _("Approval")
    PUBLICITY = rules.PUBLICITY, _("Public notice")
    DECIDED = rules.DECIDED, _("Decision issued")
    EFFECTIVE = rules.EFFECTIVE, _("In effect")
    ARCHIVED = rules.ARCHIVED, _("Archived")
    CANCELLED = rules.CANCELLED, _("Cancelled")


class CandidateStatus(models.TextChoices):
    COMPUTED = rules.COMPUTED, _("Outcome computed")
    APPLIED = rules.APPLIED, _("Applied")
    NOT_APPLIED = rules.NOT_APPLIED, _("Did not apply")
    RECOMMENDED = rules.RECOMMENDED, _("Recommended by unit")
    NOT_RECOMMENDED = rules.NOT_RECOMMENDED, _("Not recommended by unit")
    QUALIFIED = rules.QUALIFIED, _("Qualified on review")
    DISQUALIFIED = rules.DISQUALIFIED, _("Not qualified on review")
    PENDING_APPROVAL = rules.PENDING_APPROVAL, _("Awaiting approval")
    APPROVED = rules.APPROVED, _("Approved")
    REJECTED = rules.REJECTED, _("Not approved")
    WITHDRAWN = rules.WITHDRAWN, _("Withdrawn on objection")
    FINAL = rules.FINAL, _("Decided")
    EFFECTIVE = rules.CANDIDATE_EFFECTIVE, _("In effect")


class Outcome(models.TextChoices):
    PROMOTE = rules.PROMOTE, _("Promote")
    KEEP = rules.KEEP, _("Keep")
    DEMOTE = rules.DEMOTE, _("Demote")
    SEPARATION = rules.SEPARATION, _("Separation proposal")
    INITIAL = rules.INITIAL, _("Initial grade")


class Body(models.TextChoices):
    BUREAU = rules.BUREAU, _("Enforcement bureau")
    HR_COMPANY = rules.HR_COMPANY, _("HR dispatch company")
    STAFFING_OFFICE = rules.STAFFING_OFFICE, _("Staffing office")


class AppendOnly(models.Model):
    """A record that is written once and never changed or deleted (§4.4 every trace kept)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.verbose_name_plural} are append-only")


class EvaluationRound(models.Model):
    """§8.3/§8.4 One evaluation round: opened by the bureau for an as-of date, effective on a stated date."""

    name = models.CharField(_("round name"), max_length=100)
    kind = models.CharField(_("round kind"), max_length=10, choices=RoundKind.choices, default=RoundKind.ANNUAL)
    as_of = models.DateField(_("evaluation date"))
    effective_date = models.DateField(_("effective date"))
    status = models.CharField(_("round status"), max_length=16, choices=RoundStatus.choices,
                              default=RoundStatus.OPEN, db_index=True)
    #: Set when outcomes are computed: the policy version the rule core used.
    policy_version = models.CharField(_("policy version"), max_length=20, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("public notice working days"), null=True, blank=True)
    publicity_start = models.DateField(_("public notice from"), null=True, blank=True)
    publicity_end = models.DateField(_("public notice until"), null=True, blank=True)
    #: Where objections go (shown on the notice).
    objection_contact = models.CharField(_("objection contact"), max_length=200, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-as_of", "-pk"]
        verbose_name = _("evaluation round")
        constraints = [
            # §8.4 one active round at a time, held by the database too (two openings at the same moment).
            models.UniqueConstraint(models.Value(1), condition=~models.Q(status__in=[rules.ARCHIVED, rules.CANCELLED]),
                                    name="evaluation_one_active_round"),
        ]

    def __str__(self):
        return self.name


class Candidate(models.Model):
    """§8.3 One member in one round: the computed outcome, its explanation and the case's state."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="candidates")
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="evaluation_candidacies")
    #: The member's unit when the outcomes were computed (line managers recommend within their units).
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("candidate status"), max_length=20, choices=CandidateStatus.choices,
                              default=CandidateStatus.COMPUTED, db_index=True)
    #: Grade held when computed (null: not yet graded, in a 首次定级 round).
    from_grade = models.PositiveSmallIntegerField(_("current grade"), null=True, blank=True)
    outcome = models.CharField(_("computed outcome"), max_length=20, choices=Outcome.choices)
    target_grade = models.PositiveSmallIntegerField(_("target grade"))
    quota_rank = models.PositiveIntegerField(_("quota rank"), null=True, blank=True)
    #: The §12 reasons list: [{"requirement", "required", "actual", "met"}].
    reasons = models.JSONField(_("outcome reasons"), default=list)
    #: What goes to approval and, once final, into the grade history (set when the review closes).
    decision = models.CharField(_("decided outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decision_grade = models.PositiveSmallIntegerField(_("decided grade"), null=True, blank=True)
    #: Why the decision differs from the computed outcome (not applied, not recommended, …).
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["round", "unit", "member"]
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="evaluation_candidate_once")]
        indexes = [models.Index(fields=["round", "status"], name="evaluation_cand_round_status")]
        verbose_name = _("candidate")

    def __str__(self):
        return f"{self.round_id}:{self.member_id}"


class Transition(AppendOnly):
    """§4.4/§8.4 One recorded move of a round or a candidate (append-only): who, when, why."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="transitions")
    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="transitions")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    #: The role the actor acted in (bureau, hr_company, staffing_office, line_manager, member, system).
    acting_as = models.CharField(_("acting as"), max_length=20, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["round", "candidate"], name="evaluation_transition_idx")]



class Approval(AppendOnly):
    """§8.1 One body's signature on a candidate's decision (approve or reject), append-only."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="approvals")
    body = models.CharField(_("approving body"), max_length=20, choices=Body.choices)
    approved = models.BooleanField(_("approved"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["candidate", "body"], name="evaluation_approval_once")]



class Material(AppendOnly):
    """§8.3 What a member supplies with an application or against an outcome (statement, evidence list)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="materials")
    text = models.TextField(_("statement"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    UPHELD = "upheld", _("Objection upheld")
    DISMISSED = "dismissed", _("Objection dismissed")


class Objection(models.Model):
    """§8.4 An objection raised during the 公示 against one candidate's decision, and its decision."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField(_("received on"))
    #: Who objected, as recorded (a name, "匿名" or the member filing it); the recording user is ``recorded_by``.
    objector = models.CharField(_("objector"), max_length=100, blank=True)
    text = models.TextField(_("objection"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    status = models.CharField(_("objection status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING)
    decision_note = models.TextField(_("decision reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]


class SeparationProposal(models.Model):
    """§7.4 A separation (退回) proposal produced by a round's final decision, for the separation flow
    (§5.2.4) to pick up. ``taken_up_at`` is set by that flow."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="separation_proposals")
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="separation_proposal")
    reason = models.TextField(_("reason"))
    proposed_on = models.DateField(_("proposed on"))
    taken_up_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-proposed_on", "pk"]
