"""A backup taken while another process keeps editing members restores to a working, consistent
database holding every change committed before the backup started (SQLite, real files, real
processes: `python -m auxpost ...` as an operator would run it)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

from auxpost.core.tests.test_backup import REPO, auxpost, ok

# The writer: creates member W1, W2, ... one transaction each; the same transaction also changes
# the previous member's phone, and records both in the audit chain. A line goes to the progress
# file only after the transaction committed.
WRITER = r"""
import datetime as dt, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auxpost.settings")
django.setup()
from django.db import transaction
from auxpost.audit.services import audit_record, model_snapshot
from auxpost.org.models import UnitKind
from auxpost.people.models import Member
from auxpost.testing import make_id_number, make_member, make_unit

progress_path, stop_path = sys.argv[1], sys.argv[2]
bureau = make_unit("区综合行政执法局", UnitKind.BUREAU)
brigade = make_unit("综合行政执法大队", UnitKind.BRIGADE, bureau)
squadron = make_unit("第一中队", UnitKind.SQUADRON, brigade)
progress = open(progress_path, "a", buffering=1)
previous = None
i = 0
while not os.path.exists(stop_path) and i < 20000:
    i += 1
    with transaction.atomic():
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=i)
        m = make_member(squadron, name=f"W{i}", phone="13800000000", id_number=make_id_number(birth), birth=birth)
        audit_record(actor=None, action="create", obj=m, after=model_snapshot(m, ["name", "phone", "unit"]))
        if previous is not None:
            before = model_snapshot(previous, ["phone"])
            Member.objects.filter(pk=previous.pk).update(phone=f"139{i - 1:08d}")
            previous.refresh_from_db()
            audit_record(actor=None, action="update", obj=previous, before=before,
                         after=model_snapshot(previous, ["phone"]))
    progress.write(f"W{i}\n")
    previous = m
"""


def _committed(progress) -> list[str]:
    if not progress.exists():
        return []
    return [line for line in progress.read_text().splitlines() if line]


def _wait_for(progress, count, proc, limit=120.0):
    deadline = time.monotonic() + limit
    while len(_committed(progress)) < count:
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the writer made no progress"
        time.sleep(0.05)


def test_backup_while_writing_restores_every_committed_change(tmp_path):
    live, restored = tmp_path / "live", tmp_path / "restored"
    ok(auxpost(live, "migrate", "-v", "0"))
    (live / "media").mkdir()
    (live / "media" / "upload.xlsx").write_bytes(b"PK fake workbook")
    progress, stop = tmp_path / "progress.txt", tmp_path / "stop"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}}
    env.update(AUXPOST_VAR_DIR=str(live), DJANGO_SETTINGS_MODULE="auxpost.settings", PYTHONPATH=str(REPO))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(progress), str(stop)], env=env, cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(progress, 30, writer)
        before_backup = _committed(progress)  # all committed before the backup started
        ok(auxpost(live, "backup", str(tmp_path / "live.tar.gz")))
        after_backup = _committed(progress)
        _wait_for(progress, len(after_backup) + 5, writer)  # and the writer is still going
    finally:
        stop.touch()
        _out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert len(after_backup) > len(before_backup), "the backup was not taken while the writer was writing"

    ok(auxpost(restored, "restore", str(tmp_path / "live.tar.gz"), "--yes"))
    con = sqlite3.connect(restored / "auxpost.sqlite3")
    rows = {name: phone for name, phone in con.execute("SELECT name, phone FROM people_member")}
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()

    # Every change committed before the backup started is there ...
    assert set(before_backup) <= set(rows)
    # ... and the snapshot is one instant: members W1..Wk with nothing missing in between,
    # nothing the writer had not committed by the end of the backup, ...
    k = len(rows)
    assert set(rows) == {f"W{i}" for i in range(1, k + 1)}
    assert k <= len(after_backup)
    # ... and each transaction whole: every member but the last has had its phone changed.
    assert all(rows[f"W{i}"] == f"139{i:08d}" for i in range(1, k))
    assert rows[f"W{k}"] == "13800000000"

    # The restored install works: migrations complete, checks pass, the audit chain verifies.
    ok(auxpost(restored, "migrate", "--check"))
    ok(auxpost(restored, "check"))
    verify = ok(auxpost(restored, "audit", "verify"))
    assert str(2 * k - 1 + 3) in verify.stdout  # k creates, k-1 updates, 3 units
    assert (restored / "media" / "upload.xlsx").read_bytes() == b"PK fake workbook"
