"""§5.2.2 培训 (courses, sessions, the training record ledger) and §5.2.3 持证上岗 (certificates)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auxpost.training import rules


class Category(models.TextChoices):
    INDUCTION = rules.INDUCTION, _("Induction training")
    ANNUAL = rules.ANNUAL, _("Annual training")
    PROMOTION = rules.PROMOTION, _("Promotion training")
    TOPICAL = rules.TOPICAL, _("Topical training")


class Attendance(models.TextChoices):
    ATTENDED = rules.ATTENDED, _("Attended")
    ABSENT = rules.ABSENT, _("Absent")
    EXCUSED = rules.EXCUSED, _("Excused")


class Course(models.Model):
    """§5.2.2 a course (课程) of one category, with its 学时 and whether an exam is held."""

    name = models.CharField(_("course name"), max_length=100)
    category = models.CharField(_("course category"), max_length=10, choices=Category.choices)
    hours = models.DecimalField(_("training hours"), max_digits=6, decimal_places=1)
    has_exam = models.BooleanField(_("exam held"), default=False)
    description = models.CharField(_("course description"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["category", "name", "pk"]
        verbose_name = _("training course")
        constraints = [models.UniqueConstraint(fields=["name", "category"], name="training_course_name_cat_uniq"),
                       models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_course_hours_pos")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"


class Session(models.Model):
    """§5.2.2 a session (培训班次) of a course: dates, place, trainer, hours and the units invited."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    start_date = models.DateField(_("session start"))
    end_date = models.DateField(_("session end"))
    place = models.CharField(_("training place"), max_length=100, blank=True)
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)
    hours = models.DecimalField(_("session hours"), max_digits=6, decimal_places=1)
    units = models.ManyToManyField("org.Unit", related_name="training_sessions", verbose_name=_("units invited"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("training session")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="training_session_end_after_start"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_session_hours_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.course.name} {self.start_date.isoformat()}"


class RecordSource(models.TextChoices):
    SESSION = "session", _("Session attendance")
    IMPORT = "import", _("Imported")
    CORRECTION = "correction", _("Correction")


class TrainingRecord(models.Model):
    """§5.2.2 one line of a member's training record: an append-only ledger.

    A correction is a new row that reverses an earlier one (``reverses``, its hours negated), then a new
    row with the right values; a row that has been reversed no longer counts ("effective" rows are those
    that neither reverse nor are reversed). Rows are never updated or deleted.
    """

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="training_records",
                               verbose_name=_("member"))
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records", verbose_name=_("course"))
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT, related_name="records",
                                verbose_name=_("session"))
    #: The course's category when recorded (the sums read this column).
    category = models.CharField(_("course category"), max_length=10, choices=Category.choices)
    date = models.DateField(_("training date"))
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices,
                                  default=Attendance.ATTENDED)
    hours = models.DecimalField(_("hours credited"), max_digits=6, decimal_places=1)
    score = models.DecimalField(_("exam score"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("exam passed"), null=True, blank=True)
    source = models.CharField(_("record source"), max_length=12, choices=RecordSource.choices)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name=_("reverses"))
    note = models.CharField(_("record note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["member", "-date", "-pk"]
        verbose_name = _("training record")
        indexes = [models.Index(fields=["member", "date"], name="training_rec_member_date_idx"),
                   models.Index(fields=["date", "category"], name="training_rec_date_cat_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.course_id} {self.date.isoformat()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("training records are append-only (§5.2.2)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("training records are kept, never deleted (§5.2.2)")


class CertStatus(models.TextChoices):
    VALID = rules.VALID, _("Valid")
    SUPERSEDED = rules.SUPERSEDED, _("Superseded")
    REVOKED = rules.REVOKED, _("Revoked")
    RETURNED = rules.RETURNED, _("Returned")


class CertSource(models.TextChoices):
    INDUCTION = "induction", _("Issued after induction training")
    RENEWAL = "renewal", _("Renewed certificate")
    IMPORT = "import", _("Imported")


class Certificate(models.Model):
    """§5.2.3 a duty certificate (上岗证). At most one per member is ``valid`` (their current one, mirrored
    in ``Member.cert_number``/``cert_valid_until``). Rows are never deleted; only the status and the
    closing fields change, audited."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="certificates",
                               verbose_name=_("member"))
    number = models.CharField(_("certificate number"), max_length=50, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("certificate valid until"))
    status = models.CharField(_("certificate status"), max_length=12, choices=CertStatus.choices,
                              default=CertStatus.VALID)
    source = models.CharField(_("certificate source"), max_length=12, choices=CertSource.choices)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("replaces"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=300, blank=True)
    note = models.CharField(_("record note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["member", "-issued_on", "-pk"]
        verbose_name = _("duty certificate")
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=models.Q(status="valid"),
                                    name="training_one_valid_cert_per_member"),
            models.CheckConstraint(condition=models.Q(valid_until__gt=models.F("issued_on")),
                                   name="training_cert_until_after_issue"),
        ]
        indexes = [models.Index(fields=["valid_until"], name="training_cert_until_idx")]

    def __str__(self) -> str:
        return self.number

    def delete(self, *args, **kwargs):
        raise ValueError("certificates are kept, never deleted (§5.2.3)")
