"""Backup and restore on PostgreSQL (pg_dump --format=custom / pg_restore --clean), in process.

Runs whenever the suite runs on PostgreSQL; pg_dump and pg_restore must then be installed (a
PostgreSQL deployment needs them for its backups, so their absence is a failure, not a skip).
"""

import datetime as dt
import json
import tarfile

import pytest
from django.core.management import call_command
from django.db import connection

from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_record, audit_verify, model_snapshot
from auxpost.core.backup import BackupError, _pending_migrations, backup_create, backup_restore
from auxpost.people.models import Member
from auxpost.testing import make_district, make_id_number, make_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backup: run the suite with DATABASE_URL=postgres://...")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_round_trip(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.txt").write_text("before")
    d = make_district()
    archive = tmp_path / "pg.tar.gz"
    pending = _pending_migrations("default")
    manifest = backup_create(archive)
    assert manifest["vendor"] == "postgresql"
    with tarfile.open(archive) as tar:
        assert {"database.pgdump", "manifest.json", "media/a.txt"} <= set(tar.getnames())
        assert json.load(tar.extractfile("manifest.json"))["migrations"]
    entries = AuditEntry.objects.count()

    # Changes after the backup: they must be gone after the restore.
    late = make_member(d.sq1, name="备份后入职", id_number=make_id_number(dt.date(1999, 9, 9)))
    audit_record(actor=d.admin, action="create", obj=late, after=model_snapshot(late, ["name"]))
    (tmp_path / "media" / "a.txt").write_text("after")
    (tmp_path / "media" / "b.txt").write_text("new")

    report = backup_restore(archive)
    assert report.pending_migrations == pending  # the same migration state as when backed up
    assert not Member.objects.filter(name="备份后入职").exists()
    assert set(Member.objects.values_list("name", flat=True)) == {"李一", "王二"}
    assert AuditEntry.objects.count() == entries
    assert audit_verify().ok
    assert (tmp_path / "media" / "a.txt").read_text() == "before"
    assert not (tmp_path / "media" / "b.txt").exists()
    # The chain keeps going after the restore (the head row and the triggers came back too).
    audit_record(actor=None, action="other", object_type="x.y")
    assert audit_verify().ok
    call_command("check")


def test_sqlite_backup_is_refused_here(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_district()
    archive = tmp_path / "pg.tar.gz"
    backup_create(archive)
    members = {}
    with tarfile.open(archive) as tar:
        for m in tar:
            members[m.name] = tar.extractfile(m).read()
    manifest = json.loads(members["manifest.json"])
    manifest["vendor"] = "sqlite"
    manifest["database"]["file"] = "database.sqlite3"
    members["database.sqlite3"] = members.pop("database.pgdump")
    members["manifest.json"] = json.dumps(manifest).encode()
    bad = tmp_path / "sqlite.tar.gz"
    import io

    with tarfile.open(bad, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError) as exc:
        backup_restore(bad)
    assert "sqlite" in str(exc.value) and "postgresql" in str(exc.value)
    assert Member.objects.count() == 2


def test_missing_pg_dump_fails_with_a_message(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("AUXPOST_PG_BIN", str(tmp_path))
    with pytest.raises(BackupError) as exc:
        backup_create(tmp_path / "x.tar.gz")
    assert "pg_dump" in str(exc.value)


def test_tables_the_backup_lacks_are_dropped(settings, tmp_path):
    """Restoring an older backup after an upgrade: tables of newer migrations must not stay behind
    (`migrate` would find them in its way). Simulated with a table missing from the backup."""
    from rest_framework.authtoken.models import Token

    settings.MEDIA_ROOT = tmp_path / "media"
    make_district()
    with connection.schema_editor() as editor:
        editor.delete_model(Token)
    archive = tmp_path / "old.tar.gz"
    backup_create(archive)
    with connection.schema_editor() as editor:
        editor.create_model(Token)
    assert Token._meta.db_table in connection.introspection.table_names()
    backup_restore(archive)
    try:
        assert Token._meta.db_table not in connection.introspection.table_names()
        assert Member.objects.count() == 2
    finally:
        with connection.schema_editor() as editor:  # leave the schema whole for the next test
            editor.create_model(Token)
