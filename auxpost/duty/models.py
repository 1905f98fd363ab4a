"""§5.3.1 点名 and §5.3.6 执勤: duty areas with geofence sites, duty rosters, roll-call marks, proxy
check-in reports.

Coordinates are stored as entered, with the coordinate system they were given in (GCJ-02 from a
Chinese map app, WGS-84 from a browser or a GPS); ``auxpost.duty.geo`` converts before comparing.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auxpost.duty import rules


class CoordSystem(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84 (GPS, browser)")
    GCJ02 = "gcj02", _("GCJ-02 (Chinese map apps)")


class SiteKind(models.TextChoices):
    CIRCLE = "circle", _("Circle")
    POLYGON = "polygon", _("Polygon")


class DutyArea(models.Model):
    """§5.3.6 a duty area (执勤区域) owned by a squadron or brigade, on one work line."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="duty_areas",
                             verbose_name=_("owning unit"))
    work_line = models.ForeignKey("duties.WorkLine", on_delete=models.PROTECT, related_name="duty_areas",
                                  verbose_name=_("work line"))
    name = models.CharField(_("area name"), max_length=100)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["unit__path", "name", "pk"]
        verbose_name = _("duty area")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="duty_area_unit_name_uniq")]

    def __str__(self) -> str:
        return self.name


class GeofenceSite(models.Model):
    """§5.3.1 one geofence (点位) of a duty area: a circle (centre + radius) or a polygon of
    [lat, lng] vertices, in the coordinate system it was entered in."""

    area = models.ForeignKey(DutyArea, on_delete=models.CASCADE, related_name="sites", verbose_name=_("duty area"))
    name = models.CharField(_("site name"), max_length=100)
    kind = models.CharField(_("site shape"), max_length=8, choices=SiteKind.choices)
    coord_system = models.CharField(_("coordinate system"), max_length=6, choices=CoordSystem.choices)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lng = models.FloatField(_("centre longitude"), null=True, blank=True)
    radius_m = models.PositiveIntegerField(_("radius (m)"), null=True, blank=True)
    polygon = models.JSONField(_("polygon vertices"), default=list, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["area", "name", "pk"]
        verbose_name = _("geofence site")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="circle", center_lat__isnull=False, center_lng__isnull=False,
                                    radius_m__gt=0) | models.Q(kind="polygon")),
                name="duty_site_circle_complete"),
        ]

    def __str__(self) -> str:
        return self.name


class Roster(models.Model):
    """§5.3.6 a duty roster (排班): one team, day, shift, work line and area, with its assignments."""

    team = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="duty_rosters",
                             verbose_name=_("team"))
    day = models.DateField(_("duty day"))
    shift_code = models.CharField(_("shift"), max_length=20)
    work_line = models.ForeignKey("duties.WorkLine", on_delete=models.PROTECT, related_name="duty_rosters",
                                  verbose_name=_("work line"))
    area = models.ForeignKey(DutyArea, on_delete=models.PROTECT, related_name="rosters", verbose_name=_("duty area"))
    note = models.CharField(_("roster note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "team__path", "shift_code", "pk"]
        verbose_name = _("duty roster")
        constraints = [models.UniqueConstraint(fields=["team", "day", "shift_code", "area"],
                                               name="duty_roster_team_day_shift_area_uniq")]
        indexes = [models.Index(fields=["day", "team"], name="duty_roster_day_team_idx")]

    def __str__(self) -> str:
        return f"{self.team} {self.day.isoformat()} {self.shift_code}"


class RosterAssignment(models.Model):
    """One member on a roster, in patrol group ``group``. ``day``/``shift_code`` repeat the roster's so
    the database guarantees a member is rostered at most once per day and shift."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="assignments",
                               verbose_name=_("duty roster"))
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="duty_assignments",
                               verbose_name=_("member"))
    day = models.DateField(_("duty day"))
    shift_code = models.CharField(_("shift"), max_length=20)
    group = models.PositiveSmallIntegerField(_("patrol group"), default=1)

    class Meta:
        ordering = ["roster", "group", "member__name", "pk"]
        verbose_name = _("roster assignment")
        constraints = [models.UniqueConstraint(fields=["member", "day", "shift_code"],
                                               name="duty_assignment_member_day_shift_uniq")]
        indexes = [models.Index(fields=["day", "shift_code"], name="duty_assign_day_shift_idx")]


class MarkStatus(models.TextChoices):
    ON_TIME = rules.ON_TIME, _("On time")
    LATE_MINOR = rules.LATE_MINOR, _("Late (up to 15 min)")
    LATE_MAJOR = rules.LATE_MAJOR, _("Late (15-30 min)")
    LATE_ABSENT = rules.LATE_ABSENT, _("Late over 30 min (half a day absent)")
    ABSENT = rules.ABSENT, _("Absent without leave")
    ON_LEAVE = rules.ON_LEAVE, _("On leave")
    OFF_DUTY = rules.OFF_DUTY, _("Off duty")


class MarkMethod(models.TextChoices):
    PHONE = "phone", _("Phone check-in")
    TEAM = "team", _("Team roll call")
    SWEEP = "sweep", _("End-of-shift sweep")
    CORRECTION = "correction", _("Correction")


class Mark(models.Model):
    """§5.3.1 a roll-call mark: one per member, day and shift, ever (a correction rewrites it, audited)."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="duty_marks",
                               verbose_name=_("member"))
    day = models.DateField(_("duty day"))
    shift_code = models.CharField(_("shift"), max_length=20)
    status = models.CharField(_("mark"), max_length=12, choices=MarkStatus.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    coord_system = models.CharField(_("coordinate system"), max_length=6, choices=CoordSystem.choices, blank=True)
    site = models.ForeignKey(GeofenceSite, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("geofence site"))
    method = models.CharField(_("how marked"), max_length=10, choices=MarkMethod.choices)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    minutes_late = models.PositiveIntegerField(_("minutes late"), default=0)
    absence_days = models.DecimalField(_("days absent"), max_digits=3, decimal_places=1, default=0)
    #: §5.3.1 a confirmed proxy check-in: this mark was made for the member by someone else.
    proxy = models.BooleanField(_("proxy check-in"), default=False)
    note = models.CharField(_("mark note"), max_length=200, blank=True)
    #: Bumped by each correction: the points entry of the mark's current version has origin ``origin``.
    points_rev = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "shift_code", "member__name", "pk"]
        verbose_name = _("roll-call mark")
        constraints = [models.UniqueConstraint(fields=["member", "day", "shift_code"],
                                               name="duty_mark_member_day_shift_uniq")]
        indexes = [models.Index(fields=["day", "shift_code"], name="duty_mark_day_shift_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day.isoformat()} {self.shift_code} {self.status}"

    @property
    def origin(self) -> str:
        """§10 the points origin of the mark's current version (``duty.mark:<pk>``, then ``:<rev>``)."""
        return f"duty.mark:{self.pk}" if not self.points_rev else f"duty.mark:{self.pk}:{self.points_rev}"


class ProxyStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class ProxyReport(models.Model):
    """§5.3.1 a leader's report that ``by_member`` checked in for the member of ``mark`` (代签到).
    Confirmed by the bureau or the squadron leader, it counts 旷工 for both."""

    mark = models.OneToOneField(Mark, on_delete=models.PROTECT, related_name="proxy_report",
                                verbose_name=_("roll-call mark"))
    by_member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="proxy_checkins",
                                  verbose_name=_("checked in by"))
    reason = models.CharField(_("what was found"), max_length=300)
    status = models.CharField(_("proxy status"), max_length=10, choices=ProxyStatus.choices,
                              default=ProxyStatus.REPORTED)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("proxy check-in report")
