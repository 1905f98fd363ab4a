"""§10 Points (岗位积分): the append-only ledger, appeals against entries, settled annual totals.

Ledger rows are never updated in their substance (member, date, rule, points) nor deleted: a
deduction waits for a second person's approval (status pending → approved / rejected, set once),
and a correction is a new entry that reverses an earlier one. Only approved entries count.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    ROLL_CALL = "roll_call", _("Roll call")
    LEAVE = "leave", _("Leave")
    UNIFORM_CHECK = "uniform_check", _("Uniform check")
    MEETING = "meeting", _("Meeting")
    DUTY = "duty", _("Duty")
    COMMENDATION = "commendation", _("Commendation")
    COMPLAINT = "complaint", _("Complaint")
    TRAINING = "training", _("Training")
    MANUAL = "manual", _("Manual entry")
    CORRECTION = "correction", _("Correction")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PointsEntry(models.Model):
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="points_entries",
                               verbose_name=_("member"))
    date = models.DateField(_("date"))
    rule_code = models.CharField(_("rule"), max_length=40)
    rule_name = models.CharField(_("rule name"), max_length=60)
    quantity = models.DecimalField(_("quantity"), max_digits=7, decimal_places=2, default=1)
    points = models.SmallIntegerField(_("points"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.APPROVED)
    policy_version = models.CharField(_("policy version"), max_length=20)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    #: Why a second person refused a deduction (status rejected; approved_by/at then say who refused, when).
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    #: A correction (reversing entry) points at the entry it cancels.
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name=_("reverses"))
    #: §5.3 an entry written by a daily link names the record it comes from ("rollcall.mark:123"), so the
    #: member sees why it exists and the link never writes the same entry twice. Empty for manual entries.
    origin = models.CharField(_("origin"), max_length=80, blank=True, default="")

    class Meta:
        verbose_name = _("points entry")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["member", "date"], name="points_entry_member_date"),
            # The ledger page lists newest first across a whole district: an index walk gives a page of
            # 50 without sorting millions of rows.
            models.Index(fields=["date", "id"], name="points_entry_date_id"),
            # The approval queue reads the few pending rows, not the whole ledger.
            models.Index(fields=["date"], condition=models.Q(status="pending"), name="points_entry_pending"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(points=0), name="points_entry_nonzero"),
            models.UniqueConstraint(fields=["origin"], condition=~models.Q(origin=""), name="points_entry_origin_once"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="points_entry_quantity_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(points__gt=0) | models.Q(approved_by__isnull=False),
                name="points_deduction_needs_approver",
            ),
        ]

    def __str__(self):
        return f"{self.member_id} {self.date} {self.rule_name} {self.points:+d}"


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class PointsAppeal(models.Model):
    """§10 a member's appeal against one ledger entry; upheld → a reversing entry."""

    entry = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("entry"))
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="points_appeals",
                               verbose_name=_("member"))
    reason = models.TextField(_("reason"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    reversing_entry = models.OneToOneField(PointsEntry, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("reversing entry"))

    class Meta:
        verbose_name = _("points appeal")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry"], condition=models.Q(status="open"),
                                    name="points_one_open_appeal_per_entry"),
        ]


class AnnualSource(models.TextChoices):
    SETTLED = "settled", _("Settled from the ledger")
    IMPORTED = "imported", _("Imported")


class AnnualPoints(models.Model):
    """§10 a member's settled (or imported, for years before the ledger) annual points."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="annual_points",
                               verbose_name=_("member"))
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("annual points"), max_digits=6, decimal_places=2)
    source = models.CharField(_("source"), max_length=10, choices=AnnualSource.choices)
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)
    policy_version = models.CharField(_("policy version"), max_length=20, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("annual points")
        ordering = ["-year", "member"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="annual_points_one_per_year"),
        ]
        indexes = [models.Index(fields=["year", "member"], name="annual_points_year_member")]
