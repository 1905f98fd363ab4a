"""§4.2 Duties: the post-analysis ledger (岗位分析台账).

Work lines (工作条线) → duties (职责) → work items (工作事项), and the 23 post-analysis indicators
(岗位分析指标). Duties flagged ``patrol_category`` are the issue categories of the patrol log (§5.3).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkLine(models.Model):
    """工作条线 (扬尘 dust, 机动 mobile, 市容市貌 city appearance, …)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(max_length=30, unique=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Duty(models.Model):
    """职责: one duty of a work line. ``patrol_category`` = usable as an issue category in the patrol log."""

    work_line = models.ForeignKey(WorkLine, on_delete=models.PROTECT, related_name="duties",
                                  verbose_name=_("work line"))
    code = models.CharField(_("duty code"), max_length=30, unique=True)
    name = models.CharField(_("duty"), max_length=100)
    description = models.TextField(_("duty description"), blank=True)
    patrol_category = models.BooleanField(_("patrol issue category"), default=False)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["work_line__sort_order", "work_line__name", "sort_order", "code"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [models.UniqueConstraint(fields=["work_line", "name"], name="duty_unique_name_per_line")]

    def __str__(self) -> str:
        return self.name


class WorkItem(models.Model):
    """工作事项: a concrete task under a duty, with its standard (标准要求) and frequency (频次)."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="items", verbose_name=_("duty"))
    code = models.CharField(_("work item code"), max_length=30, unique=True)
    name = models.CharField(_("work item"), max_length=200)
    standard = models.TextField(_("standard / requirement"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=50, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["duty", "sort_order", "code"]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")

    def __str__(self) -> str:
        return self.name


class PostIndicator(models.Model):
    """岗位分析指标 (the standard has 23). ``scorecard_indicator`` names the §7 monthly scorecard indicator
    code (policy ``monthly_indicators``) it feeds, when it feeds one."""

    code = models.CharField(_("indicator code"), max_length=30, unique=True)
    name = models.CharField(_("indicator"), max_length=100)
    category = models.CharField(_("indicator category"), max_length=50)
    description = models.TextField(_("indicator description"), blank=True)
    scorecard_indicator = models.CharField(_("scorecard indicator code"), max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("post indicator")
        verbose_name_plural = _("post indicators")

    def __str__(self) -> str:
        return self.name
