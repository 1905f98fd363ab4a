"""§11 Import jobs: an uploaded workbook, its validation report and its progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        VALIDATING = "validating", _("Validating")
        INVALID = "invalid", _("Has errors, nothing written")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    only_good = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    written_rows = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    # What the kind's writer reports, e.g. {"created": 3, "updated": 1, "unchanged": 0}.
    counts = models.JSONField(default=dict, blank=True)
    # Every bad cell: [{"row": Excel row number, "column": header, "reason": Chinese reason}, ...].
    errors = models.JSONField(default=list, blank=True)
    # Problems of the file as a whole (missing headers, quota refusal), each a sentence.
    file_errors = models.JSONField(default=list, blank=True)
    # The uploader's language, so the background run reports in it.
    language = models.CharField(max_length=10, blank=True)
    error_file = models.FileField(upload_to="imports/errors/%Y/%m/", blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="import_job_creator_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.INVALID, self.Status.DONE, self.Status.FAILED)
