"""§11 Import writes: run an import (CLI and page share ``import_run``), and upload jobs.

A job runs in a background thread so the upload request returns at once; the job page polls its
progress. While the writer's transaction is open the job row cannot show progress (SQLite allows
one writer, and PostgreSQL readers do not see uncommitted rows), so live progress goes to a small
JSON file beside the uploads (shared by every worker process), and the job row gets each status
change and, inside the write transaction, the outcome.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from auxpost.audit.services import audit_record
from auxpost.imports import registry
from auxpost.imports.framework import (
    ImportContext,
    ImportReport,
    Progress,
    error_workbook,
    read_headers,
    run_import,
)
from auxpost.imports.models import ImportJob

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_STORED_ERRORS = 100_000  # cells reported per job (a 10,000-row file with every cell wrong fits)


def import_run(*, kind: str, source, actor=None, only_good: bool = False, source_name: str = "",
               progress: Progress | None = None, at=None, job: ImportJob | None = None,
               on_written=None) -> ImportReport:
    """§11 Import a workbook of ``kind``: validate every row, then write all rows (or, with
    ``only_good``, the good ones) in one audited transaction. ``source`` is a path or binary file."""
    spec = registry.get_spec(kind)
    at = at or timezone.now()
    ctx = ImportContext(actor=actor, only_good=only_good, at=at, today=timezone.localdate(at),
                        source_name=source_name or os.path.basename(str(getattr(source, "name", source))),
                        job=job, on_written=on_written)
    return run_import(spec, source, ctx, progress)


# ---------------------------------------------------------------------------------------- jobs

def run_inline() -> bool:
    return getattr(settings, "IMPORT_RUN_INLINE", os.environ.get("AUXPOST_TESTING") == "1")


def progress_path(job_pk: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_pk}.json"


def progress_read(job_pk: int) -> dict | None:
    try:
        return json.loads(progress_path(job_pk).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _progress_write(job_pk: int, phase: str, done: int, total: int | None) -> None:
    path = progress_path(job_pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps({"phase": phase, "done": done, "total": total}), encoding="utf-8")
    os.replace(tmp, path)


def import_job_create(*, actor, kind: str, upload, only_good: bool = False, language: str = "") -> ImportJob:
    """§11 Store an uploaded workbook under MEDIA_ROOT as a pending import job (audited)."""
    registry.get_spec(kind)
    original = os.path.basename(getattr(upload, "name", "") or "upload.xlsx")[:255]
    with transaction.atomic():
        job = ImportJob(kind=kind, original_name=original, only_good=only_good, created_by=actor,
                        language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:10])
        if hasattr(upload, "seek"):
            upload.seek(0)
        job.file.save(f"{uuid.uuid4().hex}.xlsx", upload, save=False)
        job.save()
        audit_record(actor=actor, action="create", obj=job, summary="import upload",
                     after={"kind": kind, "file": original, "only_good": only_good})
    return job


def import_job_start(job: ImportJob) -> threading.Thread | None:
    """Run the job: inline (tests, IMPORT_RUN_INLINE), or in a thread started once the job row is
    committed (the thread has its own connection). Returns the thread, if one was started."""
    if run_inline():
        import_job_process(job_id=job.pk)
        return None
    thread = threading.Thread(target=_thread_main, args=(job.pk,), name=f"import-job-{job.pk}", daemon=True)
    transaction.on_commit(thread.start)
    return thread


def _thread_main(job_id: int) -> None:
    try:
        import_job_process(job_id=job_id)
    except Exception:  # the job is marked failed inside; never let a thread die noisily
        log.exception("import job %s crashed", job_id)
    finally:
        connection.close()


def import_job_process(*, job_id: int, at=None) -> ImportJob:
    """§11 Validate and write one uploaded job, keeping its status and outcome on the job row."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    # Claim the job: only one runner moves it out of PENDING.
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
            status=ImportJob.Status.VALIDATING, started_at=timezone.now()):
        return job
    with translation.override(job.language or settings.LANGUAGE_CODE):
        writing = []

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase == "write" and not writing and not connection.in_atomic_block:
                # The framework reports write progress 0 just before it opens the write transaction.
                writing.append(True)
                ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WRITING)
            _progress_write(job.pk, phase, done, total)

        def on_written(report: ImportReport) -> None:
            _job_finish(job, report, status=ImportJob.Status.DONE)

        try:
            with job.file.open("rb") as fh:
                report = import_run(kind=job.kind, source=fh, actor=job.created_by, only_good=job.only_good,
                                    source_name=job.original_name, progress=progress, at=at, job=job,
                                    on_written=on_written)
        except Exception as exc:
            log.exception("import job %s failed", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED, finished_at=timezone.now(),
                message=(_("The import failed unexpectedly and nothing was written (%(error)s).") % {
                    "error": exc.__class__.__name__})[:500])
        else:
            if not report.written:
                _job_finish(job, report, status=ImportJob.Status.INVALID)
        finally:
            try:
                progress_path(job.pk).unlink()
            except OSError:
                pass
    job.refresh_from_db()
    return job


def import_job_stalled(job: ImportJob, *, now=None) -> bool:
    """A running job with no sign of life for IMPORT_STALL_SECONDS (default 15 minutes): its process was
    most likely restarted. Its write transaction then never committed, so nothing was half-written."""
    if job.finished:
        return False
    now = now or timezone.now()
    last = job.started_at or job.created_at
    try:
        mtime = progress_path(job.pk).stat().st_mtime
        last = max(last, dt.datetime.fromtimestamp(mtime, tz=dt.UTC))
    except OSError:
        pass
    return (now - last).total_seconds() > getattr(settings, "IMPORT_STALL_SECONDS", 15 * 60)


def _job_finish(job: ImportJob, report: ImportReport, *, status: str) -> None:
    errors = [e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]]
    fields = dict(
        status=status, total_rows=report.total_rows, processed_rows=report.total_rows,
        written_rows=report.written_rows, bad_rows=report.bad_row_count, counts=report.counts, errors=errors,
        file_errors=report.file_errors, finished_at=timezone.now(),
        message=" ".join(report.file_errors)[:500],
    )
    if report.bad_rows:
        content = error_workbook(registry.get_spec(job.kind), report)
        job.error_file.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(content), save=False)
        fields["error_file"] = job.error_file.name
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def upload_check(*, kind: str, upload) -> list[str]:
    """Problems with an upload that are shown on the form at once: size, file type, header row."""
    from auxpost.imports.framework import FileError

    problems = []
    size = getattr(upload, "size", 0) or 0
    limit = getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)
    if size > limit:
        problems.append(_("The file is too big (%(size)s MB); the limit is %(limit)s MB.") % {
            "size": f"{size / 1024 / 1024:.1f}", "limit": limit // (1024 * 1024)})
        return problems
    if not (getattr(upload, "name", "") or "").lower().endswith(".xlsx"):
        problems.append(_("Only Excel workbooks (.xlsx) can be imported; save the file as .xlsx first."))
        return problems
    try:
        read_headers(registry.get_spec(kind), upload)
    except FileError as exc:
        problems.append(str(exc))
    finally:
        if hasattr(upload, "seek"):
            upload.seek(0)
    return problems
