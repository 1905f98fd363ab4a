"""§5.3.4 请销假: leave requests, their append-only history and approvers' deputies.

A request covers whole days or half days: ``start_half`` "pm" means the first day is taken from the
afternoon only, ``end_half`` "am" that the last day ends at noon; each such half day counts 0.5 (when
the day counts at all: a working day for working-day types, any day for calendar-day types).
The length, its counting mode and the policy version it was counted under are stored with the request,
so a later policy change never rewrites a decided request.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LeaveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    OVERDUE = "overdue", _("Not reported back in time")
    RETURNED = "returned", _("Reported back")


#: Statuses of a leave the member is (or was) actually on: they cover their days (``on_leave_ids``).
TAKEN = (LeaveStatus.APPROVED, LeaveStatus.OVERDUE, LeaveStatus.RETURNED)
#: Statuses that block another request over the same days (the clash check).
BLOCKING = (LeaveStatus.SUBMITTED, LeaveStatus.APPROVED, LeaveStatus.OVERDUE, LeaveStatus.RETURNED)
#: Statuses not yet reported back: their overdue days run until 销假.
OUT = (LeaveStatus.APPROVED, LeaveStatus.OVERDUE)


class Half(models.TextChoices):
    AM = "am", _("Morning")
    PM = "pm", _("Afternoon")


class ApproverLevel(models.TextChoices):
    SQUADRON = "squadron", _("Squadron leader")
    BRIGADE = "brigade", _("Brigade leader")
    BUREAU = "bureau", _("Bureau leadership")


class LeaveRequest(models.Model):
    """§5.3.4 one leave request of one member, from draft to 销假."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="leave_requests",
                               verbose_name=_("member"))
    type_code = models.CharField(_("leave type"), max_length=20)
    type_name = models.CharField(_("leave type name"), max_length=30)
    start = models.DateField(_("first day"))
    start_half = models.CharField(_("first day from"), max_length=2, choices=Half.choices, default=Half.AM)
    end = models.DateField(_("last day"))
    end_half = models.CharField(_("last day until"), max_length=2, choices=Half.choices, default=Half.PM)
    reason = models.TextField(_("reason"), max_length=1000)
    #: 产假: a difficult birth and the number of babies decide the entitlement.
    difficult_birth = models.BooleanField(_("difficult birth"), default=False)
    babies = models.PositiveSmallIntegerField(_("number of babies"), default=1)
    #: 病假 of ``note_from_days`` or more: the medical note(s) (病历, 诊断证明).
    medical_notes = models.ManyToManyField("files.Attachment", blank=True, related_name="+",
                                           verbose_name=_("medical notes"))
    days = models.DecimalField(_("days"), max_digits=6, decimal_places=1)
    counting = models.CharField(_("counted in"), max_length=10)
    policy_version = models.CharField(_("policy version"), max_length=30)
    status = models.CharField(_("status"), max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.DRAFT)
    approver_level = models.CharField(_("approved by"), max_length=10, choices=ApproverLevel.choices)
    #: The unit whose leader approves (the member's 中队 or 大队); None for 局领导.
    approval_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("approving unit"))
    hr_copy = models.BooleanField(_("copied to the HR company"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    #: The last day by which the member must report back (销假): the n-th working day after ``end``.
    report_back_due = models.DateField(_("report back by"), null=True, blank=True)
    reported_back_at = models.DateTimeField(_("reported back at"), null=True, blank=True)
    #: The local date of the report back: overdue days run from the day after ``end`` up to the day before.
    returned_on = models.DateField(_("reported back on"), null=True, blank=True)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("leave request")
        ordering = ["-start", "-pk"]
        indexes = [
            # the clash check and "my leave": one member's requests by date
            models.Index(fields=["member", "start"], name="leave_member_start"),
            # on_leave_ids and the unit calendar: requests in a status around a date
            models.Index(fields=["status", "start", "end"], name="leave_status_dates"),
            # the approval queue
            models.Index(fields=["status", "approver_level", "approval_unit"], name="leave_queue"),
        ]

    def __str__(self):
        return f"{self.type_name} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class LeaveTransition(models.Model):
    """§5.3.4 one move of a request (append-only): who, when, from, to, note."""

    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="transitions",
                                verbose_name=_("leave request"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("from"), max_length=10, choices=LeaveStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=LeaveStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("leave transition")
        ordering = ["at", "pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("leave transitions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("leave transitions are append-only")


class Deputy(models.Model):
    """§5.3.4 an approver's designated deputy: while the principal is on approved leave, the requests
    waiting for the principal also wait in the deputy's queue."""

    principal = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leave_deputy",
                                     verbose_name=_("approver"))
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="leave_deputy_for",
                               verbose_name=_("deputy"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("set by"))
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("deputy approver")

    def __str__(self):
        return f"{self.principal} → {self.deputy}"
