"""§5.2.1 Recruitment (招聘) and the dispatch contract (劳务派遣合同)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractSource(models.TextChoices):
    HIRE = "hire", _("Hired through recruitment")
    RECORDED = "recorded", _("Recorded for a member already on the roster")
    RENEWAL = "renewal", _("Renewal")


class Contract(models.Model):
    """§5.2.1 the dispatch contract between a member and the HR company (≥2 years, 劳动合同法 Art. 58),
    with its probation end (Art. 19). A renewal is a new row; the rows are never deleted. Only
    ``ended_on``/``end_reason`` change after creation, set by the separation flow (§5.2.4), audited."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="contracts",
                               verbose_name=_("member"))
    employer = models.ForeignKey("org.Organisation", on_delete=models.PROTECT, related_name="contracts",
                                 verbose_name=_("employer (HR company)"))
    number = models.CharField(_("contract number"), max_length=50)
    start_date = models.DateField(_("contract start"))
    end_date = models.DateField(_("contract end"))
    #: Last day of probation (None: no probation).
    probation_end = models.DateField(_("probation ends"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ContractSource.choices)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["member", "-start_date", "-pk"]
        verbose_name = _("dispatch contract")
        indexes = [models.Index(fields=["member", "start_date"], name="contract_member_start_idx"),
                   models.Index(fields=["end_date"], name="contract_end_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")),
                                   name="contract_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.number

    def delete(self, *args, **kwargs):
        raise ValueError("contracts are kept, never deleted (§5.2.4)")
