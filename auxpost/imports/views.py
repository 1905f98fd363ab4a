"""§11 The upload page, template downloads and the job page (thin: access check, one service call)."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from auxpost.audit.services import audit_record
from auxpost.imports import registry
from auxpost.imports.forms import UploadForm
from auxpost.imports.framework import XLSX_CONTENT_TYPE, template_workbook
from auxpost.imports.models import ImportJob
from auxpost.imports.selectors import can_import, import_job_for, import_jobs_visible_to
from auxpost.imports.services import import_job_create, import_job_stalled, import_job_start, progress_read

ERRORS_PER_PAGE = 200


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Choose a kind, download its template, upload a workbook."""
    if not can_import(request.user):
        raise Http404
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = import_job_create(actor=request.user, kind=form.cleaned_data["kind"],
                                    upload=form.cleaned_data["file"], only_good=form.cleaned_data["only_good"],
                                    language=get_language())
            import_job_start(job)
            return redirect("imports:job", pk=job.pk)
    else:
        form = UploadForm(initial={"kind": request.GET.get("kind") or None})
    jobs = list(import_jobs_visible_to(request.user)[:20])
    titles = {spec.kind: spec.title for spec in registry.specs()}
    for j in jobs:
        j.kind_title = titles.get(j.kind, j.kind)
    return render(request, "imports/upload.html", {"form": form, "specs": registry.specs(), "jobs": jobs})


@login_required
@require_GET
def template(request, kind):
    """The empty template workbook of one kind (headers, formats, 填写说明)."""
    if not can_import(request.user) or kind not in registry.kinds():
        raise Http404
    spec = registry.get_spec(kind)
    response = HttpResponse(template_workbook(spec), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, spec.filename or f"{kind}.xlsx")
    return response


def _progress(job: ImportJob) -> dict:
    """Where a job stands, for the page and the JSON endpoint."""
    if job.finished:
        return {"percent": 100, "text": job.get_status_display(), "done": job.total_rows, "total": job.total_rows}
    if import_job_stalled(job):
        return {"percent": 0, "stalled": True, "done": 0, "total": None,
                "text": _("This import stopped without finishing (the server was probably restarted); nothing "
                          "was written. Please upload the file again.")}
    live = progress_read(job.pk) or {}
    phase, done, total = live.get("phase"), live.get("done") or 0, live.get("total")
    if job.status == ImportJob.Status.PENDING or not phase:
        return {"percent": 0, "text": _("Waiting to start…"), "done": 0, "total": None}
    share = min(1.0, done / total) if total else 0.0
    if phase == "write":
        percent = 50 + int(share * 50)
        text = _("Writing: %(done)s of %(total)s rows") % {"done": done, "total": total or "?"}
    else:
        percent = int(share * 50)
        text = (_("Checking: row %(done)s of %(total)s") % {"done": done, "total": total} if total
                else _("Checking: %(done)s rows so far") % {"done": done})
    return {"percent": min(percent, 99), "text": text, "done": done, "total": total}


@login_required
@require_GET
def job(request, pk):
    """A job: progress while it runs; then its counts, or every bad row and the error workbook."""
    job = import_job_for(request.user, pk)
    spec = registry.get_spec(job.kind) if job.kind in registry.kinds() else None
    page = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page")) if job.errors else None
    return render(request, "imports/job.html", {
        "job": job, "spec": spec, "progress": _progress(job), "page": page,
        "counts": job.counts or {}, "summary": spec.summary(job.counts) if spec and job.counts else "",
    })


@login_required
@require_GET
def job_progress(request, pk):
    """JSON polled every second by imports/job.js."""
    job = import_job_for(request.user, pk)
    data = _progress(job)
    return JsonResponse({"status": job.status, "status_label": job.get_status_display(),
                         "finished": job.finished, "stalled": False, **data})


@login_required
@require_GET
def job_errors(request, pk):
    """The bad rows as a workbook (a logged export: it holds personal data)."""
    job = import_job_for(request.user, pk)
    if not job.error_file:
        raise Http404
    try:
        fh = job.error_file.open("rb")
    except OSError:
        raise Http404 from None
    audit_record(actor=request.user, action="export", obj=job, summary="import error rows",
                 after={"file": job.original_name, "rows": job.bad_rows})
    stem = PurePath(job.original_name).stem or job.kind
    return FileResponse(fh, as_attachment=True, filename=f"{stem}_错误行.xlsx", content_type=XLSX_CONTENT_TYPE)
