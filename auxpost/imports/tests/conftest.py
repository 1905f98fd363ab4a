"""Fixtures for the import tests."""

from pathlib import Path

import polib
import pytest

# The Chinese reasons asserted below come through gettext: make sure this app's catalogue is compiled
# (``make install`` does it; a bare pytest after editing the .po might not have). Done at collection,
# before anything is translated.
_PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
_MO = _PO.with_suffix(".mo")
if _PO.exists() and (not _MO.exists() or _MO.stat().st_mtime < _PO.stat().st_mtime):
    polib.pofile(str(_PO)).save_as_mofile(str(_MO))


@pytest.fixture
def lines(db):
    """The work lines 扬尘, 机动 and 市容市貌."""
    from auxpost.duties.models import WorkLine

    return {name: WorkLine.objects.create(name=name, code=code, sort_order=i)
            for i, (name, code) in enumerate([("扬尘", "dust"), ("机动", "mobile"), ("市容市貌", "appearance")])}

