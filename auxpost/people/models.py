"""§4.1 the roster (花名册) and §4.3 grade history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Education(models.TextChoices):
    """学历, ordered low → high; ``EDUCATION_RANK`` gives the order policy rules compare with."""

    JUNIOR_HIGH = "junior_high", _("Junior high school")  # 初中
    HIGH_SCHOOL = "high_school", _("Senior high school")  # 高中
    VOCATIONAL = "vocational", _("Secondary vocational school")  # 中专
    JUNIOR_COLLEGE = "junior_college", _("Junior college")  # 大专
    BACHELOR = "bachelor", _("Bachelor's degree")  # 本科
    MASTER = "master", _("Master's degree")  # 硕士研究生
    DOCTOR = "doctor", _("Doctorate")  # 博士研究生


EDUCATION_RANK = {
    Education.JUNIOR_HIGH: 1,
    Education.HIGH_SCHOOL: 2,
    Education.VOCATIONAL: 2,  # 高中/中专 are one level in the grade table
    Education.JUNIOR_COLLEGE: 3,
    Education.BACHELOR: 4,
    Education.MASTER: 5,
    Education.DOCTOR: 6,
}


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class MemberStatus(models.TextChoices):
    PROBATION = "probation", _("On probation")  # 试用
    ACTIVE = "active", _("Active")  # 在岗
    SUSPENDED = "suspended", _("Suspended")  # 停岗
    SEPARATED = "separated", _("Separated")  # 离职


# Statuses that hold a grade and count against the quota (§4.1, §4.3).
ON_ROSTER = [MemberStatus.PROBATION, MemberStatus.ACTIVE, MemberStatus.SUSPENDED]


class Grade(models.IntegerChoices):
    """五级 (entry) … 一级 (top); the integer is the grade number, as in SPEC §12."""

    ONE = 1, _("Grade 1")
    TWO = 2, _("Grade 2")
    THREE = 3, _("Grade 3")
    FOUR = 4, _("Grade 4")
    FIVE = 5, _("Grade 5")


class Member(models.Model):
    """One auxiliary staff member (辅岗人员) on the roster, with every 花名册 field (SPEC §12).

    ``grade``/``grade_effective_date`` mirror the newest GradeHistory row, kept in step by the
    service that appends history, so that lists filter on them without a join.
    A rehire is a new Member row (§4.3: a rehire starts again); ID numbers are unique among
    members on the roster.
    """

    name = models.CharField(_("full name"), max_length=50, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    political_status = models.CharField(_("political status"), max_length=30, blank=True)
    work_start_date = models.DateField(_("date started working"), null=True, blank=True)
    hire_date = models.DateField(_("date hired"))
    # No index of its own: member_unit_status_name_idx leads with unit_id and serves every lookup by
    # unit; one index fewer to maintain on each insert (bulk imports, bench/roster.py).
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="members", verbose_name=_("unit"),
                             db_index=False)
    work_line = models.ForeignKey(
        "duties.WorkLine", null=True, blank=True, on_delete=models.PROTECT, related_name="members",
        verbose_name=_("work line"),
    )
    status = models.CharField(_("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices, null=True, blank=True)
    grade_effective_date = models.DateField(_("grade effective date"), null=True, blank=True)
    cert_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    cert_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    separated_on = models.DateField(_("separation date"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__path", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(status="separated"),
                name="member_id_number_unique_on_roster",
            ),
            models.CheckConstraint(
                condition=models.Q(grade__isnull=True) | models.Q(grade__gte=1, grade__lte=5),
                name="member_grade_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="separated") | models.Q(grade__isnull=True),
                name="member_separated_has_no_grade",
            ),
        ]
        indexes = [
            # Covers "unit subtree + on roster + name search": the name is checked inside the index,
            # so a brigade-wide search never touches the table rows (bench/roster.py).
            models.Index(fields=["unit", "status", "name"], name="member_unit_status_name_idx"),
            models.Index(fields=["status", "grade"], name="member_status_grade_idx"),
            models.Index(fields=["cert_valid_until"], name="member_cert_expiry_idx"),
            # The roster list's sort orders (selectors.SORTS): an index walk gives the first page of
            # 100,000 members without sorting them all.
            models.Index(fields=["hire_date"], name="member_hire_date_idx"),
            models.Index(fields=["grade", "name"], name="member_grade_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class GradeHistory(models.Model):
    """§4.3/§8.5 Dated grade history, append-only. A row with ``grade`` null records a cancellation."""

    class Source(models.TextChoices):
        IMPORT = "import", _("Roster import")
        MANUAL = "manual", _("Manual entry")
        HIRE = "hire", _("Hire")
        INITIAL = "initial", _("Initial grading")
        ROUND = "round", _("Grade evaluation round")
        SEPARATION = "separation", _("Separation")
        DEMO = "demo", _("Demo data")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="grade_history")
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices, null=True, blank=True)
    effective_date = models.DateField(_("effective date"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["member", "effective_date", "id"]
        indexes = [models.Index(fields=["member", "effective_date"], name="grade_hist_member_date_idx")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("grade history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("grade history is append-only")
