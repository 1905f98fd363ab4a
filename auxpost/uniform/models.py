"""§5.3.5 着装 uniform inspections with the policy's checklist and photos.

One row per member inspected (a whole team inspected at once is one row per member, sharing ``batch``).
Failed items cost points: one ``uniform_fail`` entry per inspection, quantity = the number of failed
items. A correction by the inspector (with a reason, audited) rewrites the failures and withdraws or
rewrites the points entry; rows are never deleted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Inspection(models.Model):
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="uniform_inspections",
                               verbose_name=_("member"))
    #: The member's unit when inspected (the unit statistics read it).
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    date = models.DateField(_("inspection date"))
    inspected_at = models.DateTimeField(_("inspected at"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspector"))
    #: The checklist used ([[code, name], …]) — the policy in force on the date.
    checklist = models.JSONField(default=list)
    #: Codes of the failed items, in checklist order.
    failed = models.JSONField(default=list)
    #: A note per failed item: {code: text}.
    notes = models.JSONField(default=dict)
    failed_count = models.PositiveSmallIntegerField(_("failed items"), default=0)
    photos = models.ManyToManyField("files.Attachment", blank=True, related_name="+", verbose_name=_("photos"))
    batch = models.UUIDField(default=uuid.uuid4, db_index=True)
    #: Corrections made so far; the current points entry's origin (empty: none).
    revision = models.PositiveSmallIntegerField(default=0)
    points_origin = models.CharField(max_length=80, blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-inspected_at", "-pk"]
        verbose_name = _("uniform inspection")
        indexes = [models.Index(fields=["member", "date"], name="uniform_member_date_idx"),
                   models.Index(fields=["unit", "date"], name="uniform_unit_date_idx"),
                   models.Index(fields=["date"], name="uniform_date_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.date.isoformat()}"

    def delete(self, *args, **kwargs):
        raise ValueError("uniform inspections are kept, never deleted (§5.3.5)")

    @property
    def passed(self) -> bool:
        return self.failed_count == 0

    def failed_items(self) -> list[tuple[str, str, str]]:
        """(code, name, note) of each failed item."""
        names = {c: n for c, n in self.checklist}
        return [(c, names.get(c, c), self.notes.get(c, "")) for c in self.failed]
