"""§5.1 Organisation: the unit tree 局 → 大队 → 中队 → 小队, partner organisations, quotas."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau")  # 区综合行政执法局
    BRIGADE = "brigade", _("Brigade")  # 大队
    SQUADRON = "squadron", _("Squadron")  # 中队
    TEAM = "team", _("Team")  # 小队


# Which kind of unit may sit under which (the tree is exactly four levels deep).
CHILD_KIND = {
    UnitKind.BUREAU: UnitKind.BRIGADE,
    UnitKind.BRIGADE: UnitKind.SQUADRON,
    UnitKind.SQUADRON: UnitKind.TEAM,
}


class Unit(models.Model):
    """A node of the bureau's unit tree.

    ``path`` is a materialised path ("0001/0003/0002/") so that "this unit and everything below"
    is one indexed prefix query (``path__startswith``), whatever the depth.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, unique=True, editable=False)
    sort_order = models.PositiveIntegerField(default=0)
    # §4.1 编外聘用人员限额: the headcount quota the staffing office sets for this unit (subtree).
    quota = models.PositiveIntegerField(_("headcount quota"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def full_name(self, below_root: bool = True) -> str:
        """The unit path below the bureau joined by "/" (the 花名册 所属单位 form, SPEC §12)."""
        names = []
        node = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        names.reverse()
        if below_root and len(names) > 1:
            names = names[1:]
        return "/".join(names)


class OrganisationKind(models.TextChoices):
    STAFFING_OFFICE = "staffing_office", _("Staffing office")  # 区委编办
    HR_COMPANY = "hr_company", _("HR dispatch company")  # 区属国有人力资源公司
    ASSESSOR = "assessor", _("Third-party assessor")  # 第三方专业机构


class Organisation(models.Model):
    """§3 parties outside the bureau's unit tree."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name
