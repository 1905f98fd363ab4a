"""§5.3 / issue 6 item 9: uploaded photos and notes (现场照片、病假证明、会议纪要…).

A file lives under ``MEDIA_ROOT/attachments/<yyyy>/<mm>/<dd>/`` with a random name; its original
name is kept only as data. The content type is the one found in the content, never the one the
browser or the file name claims. Who may see it follows the member and/or unit it concerns
(``auxpost.files.selectors.can_see``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentType(models.TextChoices):
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
    WEBP = "image/webp", "WebP"
    PDF = "application/pdf", "PDF"


IMAGE_TYPES = (ContentType.JPEG, ContentType.PNG, ContentType.WEBP)
ALL_TYPES = (*IMAGE_TYPES, ContentType.PDF)


class Attachment(models.Model):
    """One stored upload. ``member``/``unit`` decide who may see it (besides the uploader and administrators)."""

    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40, choices=ContentType.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=40, db_index=True,
                               help_text=_("A free code such as patrol, uniform, leave_note, meeting_minutes."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="attachments_uploaded", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"))
    member = models.ForeignKey("people.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="attachments", verbose_name=_("member"))
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="attachments", verbose_name=_("unit"))

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    @property
    def is_pdf(self) -> bool:
        return self.content_type == ContentType.PDF
