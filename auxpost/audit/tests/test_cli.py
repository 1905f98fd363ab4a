"""`auxpost audit verify` through the console entry point, on a real SQLite file (SPEC §12):
exit 0 with the count, exit 1 with the first broken link and no traceback."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def auxpost(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}}
    env.update(AUXPOST_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="auxpost.settings", PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "auxpost", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)


def test_verify_exit_codes(tmp_path):
    var = tmp_path / "var"
    assert auxpost(var, "migrate", "-v", "0").returncode == 0
    for name in ("boss", "deputy"):
        done = auxpost(var, "createadmin", name, "--password", "Correct-horse-2026")
        assert done.returncode == 0, done.stderr
    ok = auxpost(var, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "4" in ok.stdout  # two users created, two roles given

    db = sqlite3.connect(var / "auxpost.sqlite3")
    db.execute("DROP TRIGGER audit_auditentry_append_only")  # what someone with DDL rights could do
    db.execute("UPDATE audit_auditentry SET summary = 'nothing to see' WHERE seq = 3")
    db.commit()
    db.close()
    broken = auxpost(var, "audit", "verify")
    assert broken.returncode == 1
    assert "Traceback" not in broken.stderr
    assert "CommandError" in broken.stderr and "accounts.user" in broken.stderr
    assert re.search(r"(?<!\d)3(?!\d)", broken.stderr)
