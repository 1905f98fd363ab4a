"""§11 Reads for the import pages: who may import, and which jobs a user may see."""

from __future__ import annotations

from django.http import Http404

from auxpost.accounts.models import Role
from auxpost.accounts.scope import has_role, is_admin
from auxpost.imports.models import ImportJob

IMPORT_ROLES = (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)


def can_import(user) -> bool:
    """The upload page and templates are for administrators, the bureau and the HR company."""
    return has_role(user, *IMPORT_ROLES)


def import_jobs_visible_to(user):
    """A job is visible to the user who uploaded it and to administrators."""
    qs = ImportJob.objects.select_related("created_by")
    if is_admin(user):
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    return qs.filter(created_by=user)


def import_job_for(user, pk) -> ImportJob:
    """One job, or 404 both when it does not exist and when it is not the user's to see."""
    job = import_jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
