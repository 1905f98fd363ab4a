"""`auxpost backup` / `auxpost restore` on a real SQLite file, through the console entry point:
round trip of database and uploads, and refusals (exit 1, a message, no traceback, nothing changed)."""

from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
ADMIN_PASSWORD = "Backup-test-pass-2026"


def auxpost(var_dir: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run `python -m auxpost ...` against a SQLite database in ``var_dir`` (never the test database)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_NAME"}}
    env.update(AUXPOST_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="auxpost.settings", PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "auxpost", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def refused(done: subprocess.CompletedProcess, *fragments: str) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr
    return done.stderr


def users(var_dir: Path) -> list[str]:
    con = sqlite3.connect(var_dir / "auxpost.sqlite3")
    try:
        return sorted(r[0] for r in con.execute("SELECT username FROM accounts_user"))
    finally:
        con.close()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A migrated install with one administrator and one upload, and a backup of it."""
    root = tmp_path_factory.mktemp("backup")
    var = root / "var"
    ok(auxpost(var, "migrate", "-v", "0"))
    ok(auxpost(var, "createadmin", "boss", "--password", ADMIN_PASSWORD))
    (var / "media" / "photos").mkdir(parents=True)
    (var / "media" / "photos" / "证件照.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    archive = root / "good.tar.gz"
    done = ok(auxpost(var, "backup", str(archive)))
    assert str(archive) in done.stdout
    return root, var, archive


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


def _write_archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _with_manifest(archive: Path, dest: Path, change) -> Path:
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    return _write_archive(dest, members)


def test_archive_holds_database_uploads_and_manifest(installed):
    _root, _var, archive = installed
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # personal data: owner only
    members = _members(archive)
    assert set(members) == {"database.sqlite3", "media/photos/证件照.jpg", "manifest.json"}
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == "auxpost-backup" and manifest["vendor"] == "sqlite"
    assert ["audit", "0003_append_only_triggers"] in manifest["migrations"]
    assert manifest["media"][0]["path"] == "photos/证件照.jpg"
    assert manifest["created_at"]  # local time with offset
    assert manifest["auxpost_version"]


def test_restore_into_a_fresh_install(installed):
    root, _var, archive = installed
    fresh = root / "fresh"
    done = ok(auxpost(fresh, "restore", str(archive), "--yes"))
    assert "auxpost migrate" not in done.stdout  # same version: nothing to migrate
    assert users(fresh) == ["boss"]
    assert (fresh / "media" / "photos" / "证件照.jpg").read_bytes() == b"\xff\xd8 not really a jpeg"
    ok(auxpost(fresh, "audit", "verify"))
    ok(auxpost(fresh, "migrate", "--check"))


def test_restore_over_an_install_keeps_the_replaced_one(installed):
    root, _var, archive = installed
    other = root / "other"
    ok(auxpost(other, "migrate", "-v", "0"))
    ok(auxpost(other, "createadmin", "someone", "--password", ADMIN_PASSWORD))
    (other / "media").mkdir()
    (other / "media" / "old.txt").write_text("old")
    done = ok(auxpost(other, "restore", str(archive), "--yes"))
    assert users(other) == ["boss"]
    assert not (other / "media" / "old.txt").exists()
    assert (other / "media.pre-restore" / "old.txt").read_text() == "old"
    kept = other / "auxpost.sqlite3.pre-restore"
    assert kept.exists() and str(kept) in done.stdout
    assert users(other.parent / "other") == ["boss"]
    con = sqlite3.connect(kept)
    assert [r[0] for r in con.execute("SELECT username FROM accounts_user")] == ["someone"]
    con.close()


def test_restore_asks_before_replacing(installed):
    root, _var, archive = installed
    target = root / "asked"
    ok(auxpost(target, "migrate", "-v", "0"))
    refused(auxpost(target, "restore", str(archive)), "--yes")
    assert users(target) == []


@pytest.mark.parametrize("kind", ["random bytes", "truncated", "plain tar without manifest", "zip",
                                  "manifest of something else", "bad database checksum", "changed upload",
                                  "extra upload", "path outside", "newer format"])
def test_foreign_or_damaged_files_are_refused(installed, kind):
    root, _var, archive = installed
    target = root / "target"  # one install for every kind: none of them may change it
    if not target.exists():
        ok(auxpost(target, "migrate", "-v", "0"))
        ok(auxpost(target, "createadmin", "keeper", "--password", ADMIN_PASSWORD))
    bad = root / f"{kind.replace(' ', '-')}.tar.gz"
    members = _members(archive)
    if kind == "random bytes":
        bad.write_bytes(os.urandom(5000))
    elif kind == "truncated":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elif kind == "plain tar without manifest":
        _write_archive(bad, {"database.sqlite3": members["database.sqlite3"]})
    elif kind == "zip":
        import zipfile

        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("manifest.json", members["manifest.json"])
    elif kind == "manifest of something else":
        _with_manifest(archive, bad, lambda m: m.update(format="other-backup"))
    elif kind == "bad database checksum":
        db = bytearray(members["database.sqlite3"])
        db[len(db) // 2] ^= 0xFF
        members["database.sqlite3"] = bytes(db)
        _write_archive(bad, members)
    elif kind == "changed upload":
        members["media/photos/证件照.jpg"] = b"replaced"
        _write_archive(bad, members)
    elif kind == "extra upload":
        members["media/planted.sh"] = b"#!/bin/sh"
        _write_archive(bad, members)
    elif kind == "path outside":
        members["../../escape.txt"] = b"x"
        _write_archive(bad, members)
    elif kind == "newer format":
        _with_manifest(archive, bad, lambda m: m.update(format_version=99))
    refused(auxpost(target, "restore", str(bad), "--yes"))
    assert users(target) == ["keeper"]
    assert not (root / "escape.txt").exists()
    assert not list(target.glob(".auxpost-restore-*"))  # staging cleaned up


def test_vendor_mismatch_is_refused_with_a_clear_message(installed):
    root, _var, archive = installed
    bad = _with_manifest(archive, root / "pg.tar.gz", lambda m: m.update(vendor="postgresql"))
    members = _members(bad)
    members["database.pgdump"] = members.pop("database.sqlite3")
    manifest = json.loads(members["manifest.json"])
    manifest["database"]["file"] = "database.pgdump"
    members["manifest.json"] = json.dumps(manifest).encode()
    _write_archive(bad, members)
    stderr = refused(auxpost(root / "vendor", "restore", str(bad), "--yes"), "postgresql", "sqlite")
    assert "DATABASE_URL" in stderr


def test_backup_of_a_newer_version_is_refused(installed):
    root, _var, archive = installed

    def newer(m):
        m["migrations"].append(["audit", "9999_from_the_future"])

    bad = _with_manifest(archive, root / "newer.tar.gz", newer)
    refused(auxpost(root / "newer", "restore", str(bad), "--yes"), "audit.9999_from_the_future")


def test_database_not_matching_its_manifest_is_refused(installed):
    """A manifest edited to list fewer migrations than the database has (checksums redone)."""
    import hashlib

    root, _var, archive = installed
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    manifest["migrations"] = manifest["migrations"][:-1]
    manifest["database"]["sha256"] = hashlib.sha256(members["database.sqlite3"]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    bad = _write_archive(root / "mismatch.tar.gz", members)
    refused(auxpost(root / "mismatch", "restore", str(bad), "--yes"))


def test_backup_errors_are_messages(installed, tmp_path):
    root, var, _archive = installed
    refused(auxpost(var, "backup", str(tmp_path)))  # a folder
    refused(auxpost(var, "backup", str(tmp_path / "missing" / "b.tar.gz")))
    refused(auxpost(root / "never-migrated", "backup", str(tmp_path / "b.tar.gz")), "auxpost migrate")
    refused(auxpost(var, "restore", str(tmp_path / "nothing.tar.gz"), "--yes"))


def test_a_gzip_that_is_not_a_tar_is_refused(installed):
    root, _var, _archive = installed
    bad = root / "notar.tar.gz"
    bad.write_bytes(gzip.compress(b"hello"))
    refused(auxpost(root / "notar", "restore", str(bad), "--yes"))


def test_missing_pg_dump_is_a_clear_message(tmp_path, monkeypatch):
    from auxpost.core.backup import BackupError, _pg_tool

    monkeypatch.setenv("AUXPOST_PG_BIN", str(tmp_path))
    with pytest.raises(BackupError) as exc:
        _pg_tool("pg_dump")
    assert "pg_dump" in str(exc.value) and "postgresql-client" in str(exc.value)
