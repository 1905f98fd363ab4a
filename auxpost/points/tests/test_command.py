"""`auxpost settle-points --year YYYY [--user NAME]`: counts on success, exit 1 with a Chinese message."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from auxpost.points.models import AnnualPoints


def cmd(*args):
    out = io.StringIO()
    call_command("settle-points", *args, stdout=out)
    return out.getvalue()


def test_settles_and_prints_counts(district):
    out = cmd("--year", "2025")
    assert "2025" in out and "新增2条" in out
    assert AnnualPoints.objects.filter(year=2025, source="settled").count() == 2
    out = cmd("--year", "2025", "--user", "bureau")
    assert "未变2条" in out


@pytest.mark.parametrize("args, needle", [
    (["--year", "abc"], "不是年份"),
    (["--year", "1990"], "年度"),
    (["--year", "2025", "--user", "ghost"], "ghost"),
    (["--year", "2025", "--user", "squadron1"], "无权"),
])
def test_user_errors(district, args, needle):
    with pytest.raises(CommandError) as exc:
        cmd(*args)
    assert needle in str(exc.value)
    assert not AnnualPoints.objects.exists()


def test_console_entry_point_exits_1_without_traceback(tmp_path):
    env = {**os.environ, "AUXPOST_TESTING": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    r = subprocess.run([sys.executable, "-m", "auxpost", "settle-points", "--year", "abc"], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "2026" in r.stderr
