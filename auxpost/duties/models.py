"""§4.2 Duties: the post-analysis ledger. The foundation holds its top level, the work lines."""

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
