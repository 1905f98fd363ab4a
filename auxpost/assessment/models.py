"""§7 Assessment (考核评价): monthly 日常考核 scorecards, 集中考核 rounds and scores, annual results."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoreSource(models.TextChoices):
    ENTERED = "entered", _("Entered")
    IMPORTED = "imported", _("Imported")


class MonthlyScore(models.Model):
    """§7.2 one member's 日常考核 scorecard for one month (``month`` is its first day).

    ``scores`` maps indicator code → points (as strings); ``prefill`` is what the system proposed
    from the month's records; ``adjustments`` maps indicator code → the scorer's reason for every
    indicator that differs from its pre-filled value. An imported month has only ``total``.
    """

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="monthly_scores",
                               verbose_name=_("member"))
    month = models.DateField(_("month"))
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    prefill = models.JSONField(_("pre-filled scores"), default=dict, blank=True)
    adjustments = models.JSONField(_("reasons for changes"), default=dict, blank=True)
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=10, choices=ScoreSource.choices, default=ScoreSource.ENTERED)
    policy_version = models.CharField(_("policy version"), max_length=20, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("scored by"))
    scored_at = models.DateTimeField(_("scored at"))

    class Meta:
        verbose_name = _("monthly score")
        ordering = ["-month", "member"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="monthly_score_one_per_month"),
            models.CheckConstraint(condition=models.Q(total__gte=0, total__lte=100), name="monthly_score_0_100"),
        ]
        indexes = [models.Index(fields=["month", "member"], name="monthly_score_month_member")]


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for scoring")
    CLOSED = "closed", _("Closed")


class SkillsRound(models.Model):
    """§7.1/§7.2 a 集中考核 batch commissioned from a third-party assessor (or imported history)."""

    year = models.PositiveSmallIntegerField(_("year"))
    batch = models.PositiveSmallIntegerField(_("batch"))
    name = models.CharField(_("name"), max_length=100)
    assessor = models.ForeignKey("org.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="skills_rounds", verbose_name=_("assessor"))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    policy_version = models.CharField(_("policy version"), max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("skills assessment round")
        ordering = ["-year", "-batch", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "batch", "assessor"], name="skills_round_unique"),
            models.UniqueConstraint(fields=["year", "batch"], condition=models.Q(assessor__isnull=True),
                                    name="skills_round_unique_without_assessor"),
        ]

    def __str__(self):
        return self.name


class SkillsScore(models.Model):
    """§7.2 a candidate of a 集中考核 round and, once entered, the scores (components 0–100)."""

    round = models.ForeignKey(SkillsRound, on_delete=models.PROTECT, related_name="scores", verbose_name=_("round"))
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="skills_scores",
                               verbose_name=_("member"))
    #: Denormalised from the round so the year's scores are read by one index range.
    year = models.PositiveSmallIntegerField(_("year"))
    components = models.JSONField(_("component scores"), default=dict, blank=True)
    composite = models.DecimalField(_("composite score"), max_digits=5, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ScoreSource.choices, default=ScoreSource.ENTERED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("skills score")
        ordering = ["round", "member"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="skills_score_one_per_round"),
            models.CheckConstraint(condition=models.Q(composite__isnull=True)
                                   | models.Q(composite__gte=0, composite__lte=100), name="skills_score_0_100"),
        ]
        indexes = [models.Index(fields=["year", "member"], name="skills_score_year_member")]


class ResultStatus(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    REVIEWED = "reviewed", _("Reviewed")
    CONFIRMED = "confirmed", _("Confirmed")
    IMPORTED = "imported", _("Imported")


class AnnualResult(models.Model):
    """§7.3 a member's annual result: composite, band (after vetoes and the 优秀 cap), and why."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="annual_results",
                               verbose_name=_("member"))
    year = models.PositiveSmallIntegerField(_("year"))
    #: The unit the 优秀 cap was applied in (by default the member's squadron).
    cap_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("unit"))
    composite = models.DecimalField(_("composite score"), max_digits=5, decimal_places=2)
    band = models.CharField(_("band"), max_length=10)
    rank = models.PositiveIntegerField(_("rank in unit"), null=True, blank=True)
    unit_size = models.PositiveIntegerField(_("members ranked"), null=True, blank=True)
    monthly_mean = models.DecimalField(_("mean monthly score"), max_digits=5, decimal_places=2, null=True, blank=True)
    skills_mean = models.DecimalField(_("mean skills score"), max_digits=5, decimal_places=2, null=True, blank=True)
    annual_points = models.DecimalField(_("annual points"), max_digits=6, decimal_places=2, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ResultStatus.choices)
    policy_version = models.CharField(_("policy version"), max_length=20, blank=True)
    computed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("annual result")
        ordering = ["-year", "member"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="annual_result_one_per_year"),
            models.CheckConstraint(condition=models.Q(composite__gte=0, composite__lte=100),
                                   name="annual_result_0_100"),
            models.CheckConstraint(condition=models.Q(band__in=["excellent", "pass", "basic", "fail"]),
                                   name="annual_result_band_known"),
        ]
        indexes = [models.Index(fields=["year", "member"], name="annual_result_year_member")]
