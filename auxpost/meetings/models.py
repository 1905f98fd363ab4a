"""§5.3.3 会议 meetings: schedule, attendees, sign-in, excuses, minutes, follow-ups.

A meeting is never deleted: it is cancelled with a reason. Closing it fixes each attendee's outcome
(present / excused / absent); an unexcused absence is one ``meeting_absence`` points entry (§10),
withdrawn when the absence is excused afterwards (with a reason, audited).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auxpost.meetings import rules


class MeetingStatus(models.TextChoices):
    SCHEDULED = rules.SCHEDULED, _("Not held yet")
    CLOSED = rules.CLOSED, _("Closed")
    CANCELLED = rules.CANCELLED, _("Meeting cancelled")


class Outcome(models.TextChoices):
    EXPECTED = rules.EXPECTED, _("Expected")
    PRESENT = rules.PRESENT, _("Present")
    EXCUSED = rules.EXCUSED, _("Excused")
    ABSENT = rules.ABSENT, _("Absent without excuse")


class ExcuseState(models.TextChoices):
    NONE = rules.EXCUSE_NONE, _("No excuse")
    PENDING = rules.EXCUSE_PENDING, _("Excuse waiting for the host")
    ACCEPTED = rules.EXCUSE_ACCEPTED, _("Excuse accepted")
    REFUSED = rules.EXCUSE_REFUSED, _("Excuse refused")
    LEAVE = rules.EXCUSE_LEAVE, _("On approved leave")
    LATER = rules.EXCUSE_LATER, _("Excused after the meeting")


class Meeting(models.Model):
    """§5.3.3 one meeting of a unit (班前会, 小队周例会, 大队月度会, 专题会议 — the policy's kinds)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("unit"))
    title = models.CharField(_("meeting title"), max_length=100)
    kind = models.CharField(_("meeting kind"), max_length=20)
    #: The kind's name when scheduled (the policy may rename it later).
    kind_name = models.CharField(_("meeting kind"), max_length=40)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("meeting place"), max_length=100)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_meetings",
                             verbose_name=_("host"))
    agenda = models.TextField(_("agenda"), max_length=2000, blank=True)
    status = models.CharField(_("meeting status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    minutes = models.TextField(_("minutes"), max_length=10000, blank=True)
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    minutes_at = models.DateTimeField(null=True, blank=True)
    attachments = models.ManyToManyField("files.Attachment", blank=True, related_name="+",
                                         verbose_name=_("minutes attachments"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("meeting")
        indexes = [models.Index(fields=["unit", "starts_at"], name="meetings_unit_start_idx"),
                   models.Index(fields=["starts_at"], name="meetings_start_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="meetings_end_after_start")]

    def __str__(self) -> str:
        return f"{self.kind_name}《{self.title}》"

    def delete(self, *args, **kwargs):
        raise ValueError("meetings are kept, never deleted: cancel them (§5.3.3)")


class Attendee(models.Model):
    """§5.3.3 one member expected at a meeting: sign-in, excuse, and the outcome fixed at closing."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendees",
                                verbose_name=_("meeting"))
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="meeting_attendances",
                               verbose_name=_("member"))
    outcome = models.CharField(_("attendance"), max_length=10, choices=Outcome.choices, default=Outcome.EXPECTED)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    #: Who signed in: the member themself, or the host marking them.
    signed_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    excuse_state = models.CharField(_("excuse"), max_length=10, choices=ExcuseState.choices,
                                    default=ExcuseState.NONE)
    excuse = models.CharField(_("reason for the excuse"), max_length=300, blank=True)
    excuse_sent_at = models.DateTimeField(null=True, blank=True)
    excuse_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    excuse_decided_at = models.DateTimeField(null=True, blank=True)
    excuse_note = models.CharField(_("host's note"), max_length=300, blank=True)
    #: The points entry written for an unexcused absence (its origin), empty when none.
    points_origin = models.CharField(max_length=80, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "member__name", "pk"]
        verbose_name = _("meeting attendee")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meetings_one_row_per_member")]
        indexes = [models.Index(fields=["member", "meeting"], name="meetings_att_member_idx"),
                   models.Index(fields=["excuse_state"], condition=models.Q(excuse_state="pending"),
                                name="meetings_att_excuse_pending")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.member_id}"

    def delete(self, *args, **kwargs):
        if self.meeting.status != MeetingStatus.SCHEDULED or self.signed_in_at or self.outcome != Outcome.EXPECTED:
            raise ValueError("an attendee is removed only from a meeting not yet held (§5.3.3)")
        super().delete(*args, **kwargs)


class FollowUp(models.Model):
    """§5.3.3 an action item from a meeting: what, who, by when; done with a note."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="follow_ups",
                                verbose_name=_("meeting"))
    title = models.CharField(_("action item"), max_length=200)
    owner = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="meeting_follow_ups",
                              verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    done_note = models.CharField(_("how it was done"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("meeting follow-up")
        indexes = [models.Index(fields=["owner", "due_date"], name="meetings_fu_owner_due_idx"),
                   models.Index(fields=["due_date"], condition=models.Q(done_at__isnull=True),
                                name="meetings_fu_open_due_idx")]

    def __str__(self) -> str:
        return self.title

    def delete(self, *args, **kwargs):
        raise ValueError("follow-ups are kept, never deleted (§5.3.3)")
