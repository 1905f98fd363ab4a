"""§6, §7, §10 Policy versions: every (cfg) value of the standard, as data.

A version holds the grade (§6), assessment (§7), points (§10) and incentives (§9) policies as JSON documents
(see ``auxpost.policy.rules`` for the codec). Drafts are edited by the staffing office; once
published a version is never rewritten (a database trigger-free rule enforced by the services
and by ``save``): a change is a new version with a later effective date. Every computed result
records the version it used.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PolicyVersion(models.Model):
    version = models.CharField(_("policy version"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    status = models.CharField(_("policy status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    grade = models.JSONField(_("grade policy"))
    assessment = models.JSONField(_("assessment policy"))
    points = models.JSONField(_("points policy"))
    #: §9 incentives; an empty document means the SPEC defaults (version 1 predates the document and,
    #: being published, is never rewritten). A new draft stores the full document.
    incentives = models.JSONField(_("incentives policy"), default=dict, blank=True)
    #: §5.2.1–§5.2.4 recruitment, training, certificates, separation; empty means the SPEC defaults
    #: (``auxpost.policy.workforce``). A new draft stores the full document.
    workforce = models.JSONField(_("workforce policy"), default=dict, blank=True)
    #: §5.3 the daily links (shifts, roll call, duty, leave, uniform, meetings); empty means the SPEC
    #: defaults (``auxpost.policy.daily``). A new draft stores the full document.
    daily = models.JSONField(_("daily-links policy"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("policy version")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="policy_published_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.version} {self.name}"

    def save(self, *args, **kwargs):
        """A published version is never rewritten (results recorded under it must stay reproducible)."""
        if self._stored_published():
            raise ValidationError(immutable_message(self.version), code="published")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_published():
            raise ValidationError(immutable_message(self.version), code="published")
        return super().delete(*args, **kwargs)

    def _stored_published(self) -> bool:
        return self.pk is not None and PolicyVersion.objects.filter(pk=self.pk, status=PolicyStatus.PUBLISHED).exists()


def immutable_message(version: str) -> str:
    return gettext("Policy version %(version)s is published and can never be changed; create a new version "
                   "based on it instead.") % {"version": version}
