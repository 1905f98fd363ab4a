"""Concurrent appends never fork the chain: the AuditHead row lock (PostgreSQL) and the IMMEDIATE
transactions (SQLite) put every writer in line."""

import os
import subprocess
import sys
import threading

import pytest
from django.db import connection, connections

from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_record, audit_verify
from auxpost.audit.tests.test_cli import REPO, auxpost

WRITERS = 4
EACH = 25


@pytest.mark.django_db(transaction=True)
def test_threads_append_one_chain_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database is one connection; see the multi-process test")
    errors = []
    barrier = threading.Barrier(WRITERS)

    def write(n):
        try:
            barrier.wait()
            for i in range(EACH):
                audit_record(actor=None, action="update", object_type="x.y", object_id=f"{n}-{i}", after={"i": i})
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, WRITERS * EACH + 1))
    result = audit_verify()
    assert result.ok and result.checked == WRITERS * EACH


WRITER = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auxpost.settings")
django.setup()
from auxpost.audit.services import audit_record
for i in range(int(sys.argv[2])):
    audit_record(actor=None, action="update", object_type="x.y", object_id=f"{sys.argv[1]}-{i}", after={"i": i})
"""


def test_processes_append_one_chain_on_sqlite(tmp_path):
    var = tmp_path / "var"
    assert auxpost(var, "migrate", "-v", "0").returncode == 0
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}}
    env.update(AUXPOST_VAR_DIR=str(var), PYTHONPATH=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(n), str(EACH)], env=env, cwd=REPO,
                              stderr=subprocess.PIPE, text=True) for n in range(WRITERS)]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    done = auxpost(var, "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert str(WRITERS * EACH) in done.stdout
