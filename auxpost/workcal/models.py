"""§11 The one working-day calendar: a confirmed year's schedule and its exception days.

Weekdays are working days and weekends are not, unless an exception day of a confirmed year says
otherwise. A year without a ``CalendarYear`` row is not confirmed and no computation may guess it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from auxpost.workcal import rules


class YearSource(models.TextChoices):
    PACKAGE = "package", _("Calendar package")
    MANUAL = "manual", _("Entered from the State Council notice")


class DayKind(models.TextChoices):
    HOLIDAY = rules.HOLIDAY, _("Statutory holiday")
    WORKDAY = rules.WORKDAY, _("Make-up workday")


class CalendarYear(models.Model):
    """§11 one year's confirmed schedule (the State Council's 部分节假日安排 notice)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=10, choices=YearSource.choices)
    notice_ref = models.CharField(_("notice reference"), max_length=100, blank=True)
    notice_title = models.CharField(_("notice title"), max_length=200)
    source_detail = models.CharField(_("source detail"), max_length=100, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("last corrected by"))
    #: Moves on every entry and correction: the per-process cache compares it (§11 selectors).
    changed_at = models.DateTimeField(_("last changed at"))
    #: Counts corrections (0 when entered); with the row count it is the cache's version.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("calendar year")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    @property
    def editable(self) -> bool:
        return self.source == YearSource.MANUAL


class ExceptionDay(models.Model):
    """§11 a day that differs from the weekday/weekend default: a holiday or a make-up workday."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days",
                                      verbose_name=_("calendar year"))
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("holiday"), max_length=60)

    class Meta:
        verbose_name = _("exception day")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
