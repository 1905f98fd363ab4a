"""Backup and restore of a whole installation: the database and the uploaded files, in one archive.

``auxpost backup FILE`` takes a consistent snapshot while the system keeps running:

- SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the database in one
  step under a read transaction; in WAL mode writers carry on meanwhile, and the copy is the
  database as of one instant.
- PostgreSQL: ``pg_dump --format=custom``, which reads inside one repeatable-read snapshot.

Then the files under MEDIA_ROOT are added (after the database, so every file the snapshot refers
to was already written), and last a ``manifest.json``: format, auxpost version, database vendor,
time, the applied migrations, and a SHA-256 of every file in the archive.

``auxpost restore FILE`` unpacks into a staging folder, checks the manifest (format, vendor,
migrations this version knows, checksums, SQLite integrity) before it touches anything, then
replaces the database (SQLite: the file is swapped atomically, the old one kept as
``<name>.pre-restore``; PostgreSQL: ``pg_restore --clean --if-exists --single-transaction``) and
the media folder (the old one kept as ``<media>.pre-restore``). Restoring is not an online
operation: stop the application first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "auxpost-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_PREFIX = "media/"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A problem the operator can act on; the commands print it and exit 1."""


@dataclass
class RestoreReport:
    manifest: dict
    pending_migrations: list[str] = field(default_factory=list)
    kept_database: str = ""
    kept_media: str = ""


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("auxpost")
    except Exception:  # not installed as a package (a bare checkout)
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader(io.RawIOBase):
    """Feeds a file to tarfile while hashing exactly the bytes that went into the archive."""

    def __init__(self, fh):
        self.fh = fh
        self.digest = hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def _connection(alias: str = DEFAULT_DB_ALIAS):
    conn = connections[alias]
    if conn.vendor not in DB_MEMBER:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": conn.vendor})
    return conn


# --- snapshot of the database ---------------------------------------------------------------------

def _sqlite_path(conn) -> Path:
    if conn.is_in_memory_db():
        raise BackupError(_("The database is in memory; there is nothing on disk to back up or restore."))
    return Path(conn.settings_dict["NAME"]).resolve()


def _sqlite_migrations(path: Path) -> list[list[str]]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(_("The database has no migration table (%(error)s).") % {"error": exc}) from None
    finally:
        con.close()
    return [[app, name] for app, name in rows]


def _sqlite_snapshot(conn, dest: Path) -> list[list[str]]:
    source_path = _sqlite_path(conn)
    if not source_path.exists():
        raise BackupError(_("There is no database at %(path)s yet (run `auxpost migrate`).") % {"path": source_path})
    source = sqlite3.connect(source_path, timeout=60)
    target = sqlite3.connect(dest)
    try:
        # pages=-1: one step, so the copy is the database as of one instant even while others write.
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupError(_("SQLite could not copy the database: %(error)s") % {"error": exc}) from None
    finally:
        target.close()
        source.close()
    if check != "ok":
        raise BackupError(_("The database copy failed its integrity check: %(error)s") % {"error": check})
    return _sqlite_migrations(dest)


def _pg_tool(name: str) -> str:
    folder = os.environ.get("AUXPOST_PG_BIN")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not found:
        raise BackupError(_("%(tool)s was not found. Install the PostgreSQL client programs (Debian: apt-get "
                            "install postgresql-client, the same major version as the server) or point "
                            "AUXPOST_PG_BIN at the folder that holds them.") % {"tool": name})
    return found


def _pg_env(conn) -> dict[str, str]:
    s = conn.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    for option, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"),
                        ("sslkey", "PGSSLKEY"), ("passfile", "PGPASSFILE"), ("service", "PGSERVICE")):
        if (s.get("OPTIONS") or {}).get(option):
            env[var] = str(s["OPTIONS"][option])
    return env


def _run(cmd: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(_("Could not run %(tool)s: %(error)s") % {"tool": cmd[0], "error": exc}) from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout or "").strip().splitlines()[-10:])
        raise BackupError(_("%(what)s failed (exit %(code)s):\n%(output)s") % {
            "what": what, "code": done.returncode, "output": tail})
    return done


def _pg_migrations(conn) -> list[list[str]]:
    with conn.cursor() as cur:
        cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [[app, name] for app, name in cur.fetchall()]


def _pg_snapshot(conn, dest: Path) -> list[list[str]]:
    pg_dump = _pg_tool("pg_dump")
    migrations = _pg_migrations(conn)
    _run([pg_dump, "--format=custom", "--file", str(dest), "--dbname", conn.settings_dict["NAME"]],
         _pg_env(conn), "pg_dump")
    return migrations


# --- backup ----------------------------------------------------------------------------------------

def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    out = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                out.append(path)
    return out


def backup_create(dest: str | os.PathLike, *, alias: str = DEFAULT_DB_ALIAS, at: dt.datetime | None = None) -> dict:
    """Write a backup archive (.tar.gz) of the database and MEDIA_ROOT to ``dest``; returns its manifest."""
    conn = _connection(alias)
    dest = Path(dest).expanduser().resolve()
    if dest.is_dir():
        raise BackupError(_("%(path)s is a folder; give the name of the archive to write.") % {"path": dest})
    if not dest.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": dest.parent})
    vendor = conn.vendor
    member = DB_MEMBER[vendor]
    partial = dest.with_name(f".{dest.name}.partial")
    with tempfile.TemporaryDirectory(prefix=".auxpost-backup-", dir=dest.parent) as tmp:
        snapshot = Path(tmp) / member
        migrations = _sqlite_snapshot(conn, snapshot) if vendor == "sqlite" else _pg_snapshot(conn, snapshot)
        taken_at = at or timezone.now()
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "auxpost_version": _version(),
            "vendor": vendor,
            "created_at": timezone.localtime(taken_at).isoformat(timespec="seconds"),
            "migrations": migrations,
            "database": {"file": member, "size": snapshot.stat().st_size, "sha256": _sha256(snapshot)},
            "media": [],
        }
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(snapshot, arcname=member, recursive=False)
                media_root = Path(settings.MEDIA_ROOT)
                for path in _media_files(media_root):
                    rel = path.relative_to(media_root).as_posix()
                    info = tar.gettarinfo(str(path), arcname=MEDIA_PREFIX + rel)
                    with open(path, "rb") as fh:
                        reader = _HashingReader(fh)
                        tar.addfile(info, reader)
                    manifest["media"].append({"path": rel, "size": info.size, "sha256": reader.digest.hexdigest()})
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(taken_at.timestamp())
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(data))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, dest)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(_("Could not write %(path)s: %(error)s") % {"path": dest, "error": exc}) from None
    return manifest


# --- reading an archive ----------------------------------------------------------------------------

def _safe_name(name: str) -> str | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path.as_posix()


def _unpack(archive: Path, staging: Path) -> dict:
    """Unpack into ``staging`` (refusing anything that is not ours) and return the checked manifest."""
    if not archive.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": archive})
    foreign = _("%(path)s is not an auxpost backup") % {"path": archive}
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for info in tar:
                name = _safe_name(info.name)
                allowed = name is not None and (name == MANIFEST or name in DB_MEMBER.values()
                                                or name.startswith(MEDIA_PREFIX))
                if not allowed or not (info.isfile() or info.isdir()):
                    raise BackupError(_("%(foreign)s (unexpected entry %(name)s).") % {
                        "foreign": foreign, "name": info.name})
                tar.extract(info, staging, filter="data")
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise BackupError(_("%(foreign)s, or it is damaged: %(error)s") % {"foreign": foreign, "error": exc}) from None
    try:
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(_("%(foreign)s (no readable manifest.json).") % {"foreign": foreign}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(foreign)s (its manifest is not an auxpost manifest).") % {"foreign": foreign})
    if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(_("This backup was written by a newer version of auxpost (format %(v)s); install that "
                            "version to restore it.") % {"v": manifest.get("format_version")})
    try:
        db = manifest["database"]
        db_path = staging / db["file"]
        media = [(str(m["path"]), str(m["sha256"])) for m in manifest.get("media", [])]
        migrations = [tuple(m) for m in manifest["migrations"]]
    except (KeyError, TypeError, ValueError):
        raise BackupError(_("%(foreign)s (its manifest is incomplete).") % {"foreign": foreign}) from None
    if db.get("file") != DB_MEMBER.get(manifest.get("vendor")) or not db_path.is_file():
        raise BackupError(_("The backup is damaged: its database file is missing."))
    if _sha256(db_path) != db.get("sha256"):
        raise BackupError(_("The backup is damaged: its database file does not match the checksum in the manifest."))
    for rel, digest in media:
        path = staging / MEDIA_PREFIX / rel
        if _safe_name(rel) is None or not path.is_file() or _sha256(path) != digest:
            raise BackupError(_("The backup is damaged: the uploaded file %(name)s is missing or does not match its "
                                "checksum.") % {"name": rel})
    media_dir = staging / MEDIA_PREFIX
    present = {p.relative_to(media_dir).as_posix() for p in media_dir.rglob("*") if p.is_file()}
    if present != {rel for rel, _digest in media}:
        raise BackupError(_("The backup is damaged: its uploaded files do not match its manifest."))
    manifest["_migrations"] = migrations
    return manifest


def backup_inspect(archive: str | os.PathLike) -> dict:
    """Unpack into a throw-away folder and return the checked manifest (for `restore` and tests)."""
    with tempfile.TemporaryDirectory(prefix=".auxpost-inspect-") as tmp:
        manifest = _unpack(Path(archive).expanduser().resolve(), Path(tmp))
    manifest.pop("_migrations", None)
    return manifest


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(tuple(r) for r in (migration.replaces or []))
    return known


def _check_compatible(manifest: dict, vendor: str) -> None:
    if manifest.get("vendor") != vendor:
        raise BackupError(_("This backup holds a %(backup)s database, but this installation uses %(current)s. "
                            "Restore it into an installation that uses %(backup)s (DATABASE_URL decides which).")
                          % {"backup": manifest.get("vendor"), "current": vendor})
    unknown = sorted(set(manifest["_migrations"]) - _known_migrations())
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(_("This backup was made by a newer version of auxpost: it has migrations this version "
                            "does not know (%(names)s). Install that version or a newer one, then restore.")
                          % {"names": names})


# --- restore ---------------------------------------------------------------------------------------

def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _check_sqlite_file(path: Path, manifest: dict) -> None:
    try:
        con = sqlite3.connect(path)
        try:
            check = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise BackupError(_("The backup is damaged: its database cannot be read (%(error)s).") % {"error": exc}) from None
    if check != "ok":
        raise BackupError(_("The backup is damaged: its database fails the integrity check (%(error)s).")
                          % {"error": check})
    if {tuple(m) for m in _sqlite_migrations(path)} != set(manifest["_migrations"]):
        raise BackupError(_("The backup is damaged: its database does not match its manifest."))


def _restore_sqlite(conn, staged: Path) -> str:
    target = _sqlite_path(conn)
    target.parent.mkdir(parents=True, exist_ok=True)
    connections.close_all()
    kept = ""
    if target.exists():
        try:
            # Fold the WAL into the file; if this is the last connection, closing removes the WAL.
            con = sqlite3.connect(target, timeout=30)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        except sqlite3.Error as exc:
            raise BackupError(_("The current database cannot be opened: %(error)s") % {"error": exc}) from None
        if Path(f"{target}-wal").exists():
            raise BackupError(_("The database is in use by another process (its -wal file remains). Stop auxpost "
                                "(web server, scheduled jobs) and restore again."))
        keep = target.with_name(target.name + ".pre-restore")
        keep.unlink(missing_ok=True)
        try:
            os.link(target, keep)
        except OSError:
            shutil.copy2(target, keep)
        kept = str(keep)
    with open(staged, "rb+") as fh:
        os.fsync(fh.fileno())
    Path(f"{target}-shm").unlink(missing_ok=True)
    os.replace(staged, target)
    _fsync_dir(target.parent)
    return kept


def _pg_tables_in_dump(dump: Path, env: dict[str, str]) -> set[str]:
    listing = _run([_pg_tool("pg_restore"), "--list", str(dump)], env, "pg_restore --list").stdout
    tables = set()
    for line in listing.splitlines():
        if line.startswith(";"):
            continue
        parts = line.split()
        # "<id>; <oid> <oid> TABLE <schema> <name> <owner>"
        if len(parts) >= 6 and parts[3] == "TABLE" and parts[4] != "DATA":
            tables.add(parts[5])
    return tables


def _restore_postgresql(conn, dump: Path) -> None:
    env = _pg_env(conn)
    pg_restore = _pg_tool("pg_restore")
    in_dump = _pg_tables_in_dump(dump, env)
    # Tables of this version that the backup does not have (restoring an older backup after an
    # upgrade): drop them, or `migrate` would find them in its way afterwards.
    existing = set(conn.introspection.table_names())
    leftover = sorted((existing & set(conn.introspection.django_table_names())) - in_dump)
    if leftover:
        with conn.cursor() as cur:
            for table in leftover:
                cur.execute(f"DROP TABLE IF EXISTS {conn.ops.quote_name(table)} CASCADE")
    connections.close_all()
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
          "--dbname", conn.settings_dict["NAME"], str(dump)], env, "pg_restore")


def _stage_media(staging: Path, media_root: Path) -> Path:
    """Move the unpacked media next to MEDIA_ROOT (same file system, so the swap is a rename)."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staged = media_root.with_name(media_root.name + ".restore-tmp")
    shutil.rmtree(staged, ignore_errors=True)
    source = staging / MEDIA_PREFIX.rstrip("/")
    if source.is_dir():
        shutil.move(str(source), str(staged))
    else:
        staged.mkdir()
    return staged


def _swap_media(staged: Path, media_root: Path) -> str:
    kept = ""
    if media_root.exists():
        keep = media_root.with_name(media_root.name + ".pre-restore")
        shutil.rmtree(keep, ignore_errors=True)
        os.replace(media_root, keep)
        kept = str(keep)
    os.replace(staged, media_root)
    return kept


def _pending_migrations(alias: str) -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def backup_restore(archive: str | os.PathLike, *, alias: str = DEFAULT_DB_ALIAS, confirm=None) -> RestoreReport:
    """Replace the database and MEDIA_ROOT with the archive's. Everything is checked first;
    ``confirm(manifest)`` (if given) is asked after the checks and may return False to stop."""
    conn = _connection(alias)
    vendor = conn.vendor
    archive = Path(archive).expanduser().resolve()
    if vendor == "sqlite":
        stage_parent = _sqlite_path(conn).parent
        stage_parent.mkdir(parents=True, exist_ok=True)
    else:
        stage_parent = Path(settings.VAR_DIR)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".auxpost-restore-", dir=stage_parent) as tmp:
        staging = Path(tmp)
        manifest = _unpack(archive, staging)
        _check_compatible(manifest, vendor)
        db_file = staging / manifest["database"]["file"]
        if vendor == "sqlite":
            _check_sqlite_file(db_file, manifest)
        if confirm is not None and not confirm(manifest):
            raise BackupError(_("Restore cancelled; nothing was changed."))
        staged_media = _stage_media(staging, media_root)
        report = RestoreReport(manifest={k: v for k, v in manifest.items() if not k.startswith("_")})
        try:
            if vendor == "sqlite":
                report.kept_database = _restore_sqlite(conn, db_file)
            else:
                _restore_postgresql(conn, db_file)
        except BaseException:
            shutil.rmtree(staged_media, ignore_errors=True)
            raise
        report.kept_media = _swap_media(staged_media, media_root)
    report.pending_migrations = _pending_migrations(alias)
    return report
