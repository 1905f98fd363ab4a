"""§5.3.6 巡查日志 patrol logs and §5.3.2 交班 handover."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auxpost.patrol import rules


class CoordSystem(models.TextChoices):
    WGS84 = rules.WGS84, _("WGS-84 (GPS, browser)")
    GCJ02 = rules.GCJ02, _("GCJ-02 (Chinese map apps)")


class FollowUp(models.TextChoices):
    """§5.3.6 what became of a 上报 item: reported to the officers, then handled by them."""

    NONE = "", _("Not reported")
    REPORTED = "reported", _("Reported, awaiting the officers")
    HANDLED = "handled", _("Handled by the officers")


class PatrolLog(models.Model):
    """§5.3.6 one issue found on patrol (巡查日志): its category, what was seen, what the patrol did,
    photos, where and when.

    What was done is one or more of 劝阻 (``dissuaded``), 宣传 (``informed``) and 上报 (``reported``, to
    ``reported_to``) and nothing else: auxiliary staff assist with 宣传教育、巡查、信息收集、违法行为劝阻 and
    may not take enforcement decisions (中发〔2015〕37号, SPEC §3), so this model has no field that could
    hold a fine, a seizure, a closure or any other enforcement decision, and no form offers one. The
    officers' handling of a 上报 item is recorded as their outcome (``follow_up``/``follow_up_note``),
    not as an action of the patrol.

    ``member`` wrote the log; ``members`` are everyone of the patrol group present (the writer
    included). ``team`` is the writer's team when logged; ``assignment`` the writer's roster
    assignment for that day and shift when there is one, ``area`` its duty area.
    """

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="patrol_logs_written",
                               verbose_name=_("logged by"))
    members = models.ManyToManyField("people.Member", related_name="patrol_logs", verbose_name=_("patrol members"))
    team = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="patrol_logs", verbose_name=_("team"))
    day = models.DateField(_("duty day"))
    shift_code = models.CharField(_("shift"), max_length=20, blank=True)
    observed_at = models.DateTimeField(_("found at"))
    category = models.ForeignKey("duties.Duty", on_delete=models.PROTECT, related_name="patrol_logs",
                                 verbose_name=_("issue category"))
    description = models.TextField(_("what was found"), max_length=2000)
    dissuaded = models.BooleanField(_("dissuaded (劝阻)"), default=False)
    informed = models.BooleanField(_("informed and educated (宣传)"), default=False)
    reported = models.BooleanField(_("reported to the officers (上报)"), default=False)
    reported_to = models.CharField(_("reported to"), max_length=100, blank=True)
    photos = models.ManyToManyField("files.Attachment", blank=True, related_name="patrol_logs",
                                    verbose_name=_("photos"))
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    coord_system = models.CharField(_("coordinate system"), max_length=6, choices=CoordSystem.choices, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    assignment = models.ForeignKey("duty.RosterAssignment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="patrol_logs", verbose_name=_("roster assignment"))
    area = models.ForeignKey("duty.DutyArea", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="patrol_logs", verbose_name=_("duty area"))
    follow_up = models.CharField(_("follow-up"), max_length=10, choices=FollowUp.choices, blank=True, default="")
    follow_up_note = models.CharField(_("officers' handling"), max_length=300, blank=True)
    follow_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    follow_up_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-observed_at", "-pk"]
        verbose_name = _("patrol log")
        constraints = [
            models.CheckConstraint(condition=models.Q(dissuaded=True) | models.Q(informed=True)
                                   | models.Q(reported=True), name="patrol_log_some_action"),
            models.CheckConstraint(condition=models.Q(reported=False) | ~models.Q(reported_to=""),
                                   name="patrol_log_report_names_whom"),
            models.CheckConstraint(condition=models.Q(lat__isnull=True, lng__isnull=True)
                                   | models.Q(lat__isnull=False, lng__isnull=False), name="patrol_log_latlng_pair"),
        ]
        indexes = [models.Index(fields=["team", "day"], name="patrol_log_team_day_idx"),
                   models.Index(fields=["member", "day"], name="patrol_log_member_day_idx")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.category_id} {self.member_id}"

    @property
    def actions(self) -> list[str]:
        return [code for code, on in ((rules.DISSUADE, self.dissuaded), (rules.INFORM, self.informed),
                                      (rules.REPORT, self.reported)) if on]

    @property
    def actions_display(self) -> str:
        return rules.actions_display(self.actions)


class Handover(models.Model):
    """§5.3.2 交班: what the outgoing side (``from_team``, ``day``, ``shift_code``) leaves to the
    incoming one (``to_team``, ``to_day``, ``to_shift_code``): open issues, cases passed on, equipment,
    vehicles. The incoming team's leader or one of its members acknowledges it (remarks and
    discrepancies optional). Not acknowledged by ``ack_due_at`` (recorded + ``handover_ack_hours``) it
    is flagged. Once acknowledged it is never edited; a correction is a ``HandoverNote``."""

    from_team = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="handovers_out",
                                  verbose_name=_("outgoing team"))
    day = models.DateField(_("duty day"))
    shift_code = models.CharField(_("outgoing shift"), max_length=20)
    to_team = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="handovers_in",
                                verbose_name=_("incoming team"))
    to_day = models.DateField(_("incoming day"))
    to_shift_code = models.CharField(_("incoming shift"), max_length=20)
    open_issues = models.TextField(_("open issues"), max_length=2000, blank=True)
    cases = models.TextField(_("cases passed on"), max_length=2000, blank=True)
    equipment = models.TextField(_("equipment"), max_length=2000, blank=True)
    vehicles = models.TextField(_("vehicles"), max_length=2000, blank=True)
    member = models.ForeignKey("people.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="handovers_given", verbose_name=_("handed over by"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    ack_due_at = models.DateTimeField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("acknowledged by"))
    ack_member = models.ForeignKey("people.Member", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="handovers_taken", verbose_name=_("taken over by"))
    ack_remarks = models.CharField(_("remarks on taking over"), max_length=500, blank=True)
    discrepancy = models.BooleanField(_("discrepancies found"), default=False)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("handover")
        constraints = [
            models.CheckConstraint(condition=models.Q(acknowledged_at__isnull=True)
                                   | models.Q(acknowledged_by__isnull=False), name="patrol_handover_ack_by"),
        ]
        indexes = [models.Index(fields=["to_team", "acknowledged_at"], name="patrol_handover_to_ack_idx"),
                   models.Index(fields=["ack_due_at"], name="patrol_handover_due_idx"),
                   models.Index(fields=["from_team", "day"], name="patrol_handover_from_day_idx"),
                   models.Index(fields=["to_team", "to_day"], name="patrol_handover_to_day_idx")]

    def __str__(self) -> str:
        return f"{self.from_team_id} {self.day.isoformat()} {self.shift_code} → {self.to_team_id}"

    def save(self, *args, **kwargs):
        # §5.3.2 an acknowledged handover is final: only the acknowledgement itself may be saved onto
        # a row that had none (services use an UPDATE guarded by acknowledged_at IS NULL).
        if self.pk is not None and not self._state.adding:
            raise ValueError("handovers are not edited after recording; acknowledge or add a note (§5.3.2)")
        super().save(*args, **kwargs)

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def overdue_at(self, now) -> bool:
        return rules.is_overdue(self.ack_due_at, self.acknowledged, now)


class HandoverNote(models.Model):
    """§5.3.2 a correction or addition to a handover, appended (the handover itself is never edited)."""

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="notes",
                                 verbose_name=_("handover"))
    text = models.CharField(_("correction note"), max_length=500)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("handover note")

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("handover notes are append-only (§5.3.2)")
        super().save(*args, **kwargs)
