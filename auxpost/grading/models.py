"""§6.1 Basic requirements on record: dated attestations with evidence (思想政治, 身心素质, 行为标准,
违法违纪情况), sanctions and commendations. Append-only: a later record supersedes an earlier one
of the same kind for the health check; sanctions and commendations accumulate.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    POLITICS = "politics", _("Political standing")  # 思想政治
    HEALTH = "health", _("Health check")  # 身心素质
    CONDUCT = "conduct", _("Conduct")  # 行为标准
    SANCTION = "sanction", _("Disciplinary sanction")  # 违法违纪情况
    COMMENDATION = "commendation", _("Commendation")  # 表彰


class CommendationLevel(models.TextChoices):
    DISTRICT = "district", _("District level")
    CITY = "city", _("City level")
    PROVINCE = "province", _("Province level")
    NATIONAL = "national", _("National level")


class BasicRecord(models.Model):
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="basic_records",
                               verbose_name=_("member"))
    kind = models.CharField(_("kind"), max_length=14, choices=RecordKind.choices)
    date = models.DateField(_("date"))
    #: For attestations and health checks: passed or not. Sanctions are negative, commendations positive.
    passed = models.BooleanField(_("passed"), default=True)
    level = models.CharField(_("commendation level"), max_length=10, choices=CommendationLevel.choices, blank=True)
    description = models.CharField(_("description"), max_length=300)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("basic requirement record")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["member", "kind", "date"], name="basic_record_member_kind")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind="commendation") | ~models.Q(level=""),
                                   name="basic_record_commendation_has_level"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date.isoformat()}"
