"""Shared helpers for the uniform tests: a team leader, a small JPEG, aware local datetimes."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from auxpost.accounts.models import Role
from auxpost.testing import make_user

DAY = dt.date(2026, 6, 15)


def local(y, mo, d, h=0, mi=0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=timezone.get_current_timezone())


AT = local(2026, 6, 15, 9, 0)


def jpeg(name="现场.jpg") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def leader(district):
    """The team leader of squadron 1, team 1."""
    return make_user("team11", Role.LINE_MANAGER, unit=district.sq1_t1)
