"""§3 Users, roles and data scope."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. ``failed_logins``/``locked_until`` implement lock-out after repeated failures."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        "org.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("organisation"),
    )
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    STAFFING_OFFICE = "staffing_office", _("Staffing office")  # 区委编办
    BUREAU = "bureau", _("Enforcement bureau")  # 区综合行政执法局
    LINE_MANAGER = "line_manager", _("Brigade / squadron / team leader")  # 大队/中队/小队
    HR_COMPANY = "hr_company", _("HR dispatch company")  # 人力资源公司
    ASSESSOR = "assessor", _("Third-party assessor")  # 第三方专业机构
    MEMBER = "member", _("Auxiliary staff member")  # 辅岗人员


class Scope(models.TextChoices):
    ALL = "all", _("All")
    UNIT = "unit", _("Own unit and below")
    SELF = "self", _("Only self")
    ASSIGNED = "assigned", _("Assigned tasks")


# The scope a role normally carries; a role assignment may narrow it (never widen past ALL).
DEFAULT_SCOPE = {
    Role.ADMIN: Scope.ALL,
    Role.STAFFING_OFFICE: Scope.ALL,
    Role.BUREAU: Scope.ALL,
    Role.LINE_MANAGER: Scope.UNIT,
    Role.HR_COMPANY: Scope.ALL,
    Role.ASSESSOR: Scope.ASSIGNED,
    Role.MEMBER: Scope.SELF,
}

# The scopes an assignment of each role may carry: the default or narrower, never wider. A line
# manager's scope is their unit; an assessor sees assigned tasks; a member only themself.
ALLOWED_SCOPES = {
    Role.ADMIN: (Scope.ALL,),
    Role.STAFFING_OFFICE: (Scope.ALL, Scope.UNIT),
    Role.BUREAU: (Scope.ALL, Scope.UNIT),
    Role.LINE_MANAGER: (Scope.UNIT,),
    Role.HR_COMPANY: (Scope.ALL, Scope.UNIT),
    Role.ASSESSOR: (Scope.ASSIGNED,),
    Role.MEMBER: (Scope.SELF,),
}

# §11 个人信息保护法: roles that see full ID and phone numbers (others see them masked).
ROLES_SEEING_PERSONAL_DATA = {Role.ADMIN, Role.BUREAU, Role.HR_COMPANY}


class RoleAssignment(models.Model):
    """One role held by a user, with its own data scope (a user may hold several)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    scope = models.CharField(_("data scope"), max_length=10, choices=Scope.choices)
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments",
        verbose_name=_("unit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique"),
            # NULLs are distinct in a unique index, so the same role without a unit needs its own.
            models.UniqueConstraint(fields=["user", "role"], condition=models.Q(unit__isnull=True),
                                    name="role_assignment_unique_without_unit"),
            models.CheckConstraint(
                condition=~models.Q(scope="unit") | models.Q(unit__isnull=False),
                name="role_assignment_unit_scope_needs_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class LoginLog(models.Model):
    """Every login attempt, successful or not, and every logout (append-only)."""

    class Event(models.TextChoices):
        SUCCESS = "success", _("Login")
        FAILURE = "failure", _("Failed login")
        LOCKED = "locked", _("Refused: account locked")
        LOGOUT = "logout", _("Logout")
        EXPIRED = "expired", _("Session expired")

    at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=150)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    event = models.CharField(max_length=10, choices=Event.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
