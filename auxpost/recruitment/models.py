"""§5.2.1 Recruitment (招聘) and the dispatch contract (劳务派遣合同)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractSource(models.TextChoices):
    HIRE = "hire", _("Hired through recruitment")
    RECORDED = "recorded", _("Recorded for a member already on the roster")
    RENEWAL = "renewal", _("Renewal")


class Contract(models.Model):
    """§5.2.1 the dispatch contract between a member and the HR company (≥2 years, 劳动合同法 Art. 58),
    with its probation end (Art. 19). A renewal is a new row; the rows are never deleted. Only
    ``ended_on``/``end_reason`` change after creation, set by the separation flow (§5.2.4), audited."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="contracts",
                               verbose_name=_("member"))
    employer = models.ForeignKey("org.Organisation", on_delete=models.PROTECT, related_name="contracts",
                                 verbose_name=_("employer (HR company)"))
    number = models.CharField(_("contract number"), max_length=50)
    start_date = models.DateField(_("contract start"))
    end_date = models.DateField(_("contract end"))
    #: Last day of probation (None: no probation).
    probation_end = models.DateField(_("probation ends"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ContractSource.choices)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["member", "-start_date", "-pk"]
        verbose_name = _("dispatch contract")
        indexes = [models.Index(fields=["member", "start_date"], name="contract_member_start_idx"),
                   models.Index(fields=["end_date"], name="contract_end_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")),
                                   name="contract_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.number

    def delete(self, *args, **kwargs):
        raise ValueError("contracts are kept, never deleted (§5.2.4)")


# --- §5.2.1 the hiring campaign -------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting the staffing office's approval")
    APPROVED = "approved", _("Approved")
    POSTED = "posted", _("Posted, taking applications")
    CLOSED = "closed", _("Closed")


class HiringPlan(models.Model):
    """§5.2.1 招聘计划 of one unit and year: drafted by the bureau, approved by the staffing office within the
    free places of every quota above the unit, then posted (招聘公告)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="hiring_plans",
                             verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    positions = models.PositiveSmallIntegerField(_("positions"))
    work_line = models.ForeignKey("duties.WorkLine", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("work line"))
    posting_text = models.TextField(_("posting text"), blank=True)
    publish_date = models.DateField(_("publish date"), null=True, blank=True)
    deadline = models.DateField(_("application deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("hiring plan")
        indexes = [models.Index(fields=["status", "unit"], name="plan_status_unit_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(positions__gte=1), name="plan_positions_positive")]

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    REJECTED = "rejected", _("Not qualified")
    QUALIFIED = "qualified", _("Qualified, awaiting scores")
    FAILED = "failed", _("Below the pass mark")
    PASSED = "passed", _("Passed, ranked")
    PROPOSED = "proposed", _("Proposed for hire")
    DROPPED = "dropped", _("Dropped")
    PUBLICITY = "publicity", _("On public notice")
    HIRED = "hired", _("Hired")


class CheckResult(models.TextChoices):
    PASS = "pass", _("Check passed")
    FAIL = "fail", _("Check failed")


class Application(models.Model):
    """§5.2.1 报名: one applicant to one plan, with the screening result and every reason, the scores, the
    rank, the health and background checks, the 公示 and, once hired, the roster member."""

    plan = models.ForeignKey(HiringPlan, on_delete=models.PROTECT, related_name="applications")
    name = models.CharField(_("full name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    sex = models.CharField(_("sex"), max_length=1)
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    education = models.CharField(_("education"), max_length=20)
    applied_on = models.DateField(_("application date"))
    no_criminal_record = models.BooleanField(_("declares no criminal record"), default=False)
    not_dismissed = models.BooleanField(_("declares never dismissed from public service"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=ApplicationStatus.choices)
    reasons = models.JSONField(_("reasons given"), default=list, blank=True)
    exam_score = models.DecimalField(_("written exam"), max_digits=5, decimal_places=2, null=True, blank=True)
    interview_score = models.DecimalField(_("interview"), max_digits=5, decimal_places=2, null=True, blank=True)
    fitness_score = models.DecimalField(_("fitness test"), max_digits=5, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(_("total score"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    health_check = models.CharField(_("medical check"), max_length=4, choices=CheckResult.choices, blank=True)
    health_note = models.CharField(_("medical check note"), max_length=300, blank=True)
    background_check = models.CharField(_("background check"), max_length=4, choices=CheckResult.choices,
                                        blank=True)
    background_note = models.CharField(_("background check note"), max_length=300, blank=True)
    publicity_start = models.DateField(_("public notice from"), null=True, blank=True)
    publicity_end = models.DateField(_("public notice until"), null=True, blank=True)
    member = models.OneToOneField("people.Member", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="application")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "rank", "pk"]
        verbose_name = _("application")
        indexes = [models.Index(fields=["plan", "status"], name="application_plan_status_idx")]

    def __str__(self) -> str:
        return self.name


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Objection upheld")
    DISMISSED = "dismissed", _("Objection dismissed")


class Objection(models.Model):
    """§5.2.1 an objection raised during the 公示 of a proposed hire, decided by the bureau (upheld = dropped)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    objector = models.CharField(_("raised by"), max_length=100, blank=True)
    text = models.TextField(_("objection"))
    received_on = models.DateField(_("received on"))
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING)
    decision_note = models.TextField(_("decision"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "pk"]


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Probation running")
    CONFIRMED = "confirmed", _("Passed probation, 五级 confirmed")
    FAILED = "failed", _("Failed probation")


class ProbationReview(models.Model):
    """§5.2.1 the end of probation: 五级 confirmed jointly by the bureau and the HR company (two signatures,
    either order), or a failed probation (劳动合同法 Art. 39(1)) handed to the separation flow."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="probation_reviews")
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="probation_review")
    probation_end = models.DateField(_("probation ends"))
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices,
                             default=ReviewStatus.PENDING)
    bureau_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    bureau_signed_at = models.DateTimeField(null=True, blank=True)
    hr_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    hr_signed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(_("reason"), blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["probation_end", "pk"]
        verbose_name = _("probation review")
        indexes = [models.Index(fields=["status", "probation_end"], name="probation_status_end_idx")]


class Move(models.Model):
    """Every move of the campaign (who, in which role, when, why), append-only."""

    plan = models.ForeignKey(HiringPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="moves")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="moves")
    review = models.ForeignKey(ProbationReview, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="moves")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    acting_as = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("moves are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("moves are append-only")
