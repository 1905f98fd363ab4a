"""§6/§7/§10 Reading policy versions: the one in force on a date, or a named version.

Published versions never change, so their decoded bundles are cached per process (keyed by the
row and its publication time, so a test database rebuilt with the same labels never reads a stale one).

Who sees them (§3): the administrator and the staffing office (区委编办, who edit them) see every
version, drafts included; the bureau, line managers and the HR company read the published ones;
members, assessors and users without a role see none (404).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.policy.models import PolicyStatus, PolicyVersion
from auxpost.policy.rules import PolicyBundle, bundle_from_documents

EDITOR_ROLES = (Role.ADMIN, Role.STAFFING_OFFICE)
READER_ROLES = EDITOR_ROLES + (Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY)

_cache: dict[tuple, PolicyBundle] = {}


class PolicyNotFound(LookupError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def bundle_of(pv: PolicyVersion) -> PolicyBundle:
    """The decoded rule policies of a stored version (drafts are decoded afresh every time)."""
    key = (pv.pk, pv.version, pv.published_at)
    if pv.status == PolicyStatus.PUBLISHED and key in _cache:
        return _cache[key]
    bundle = bundle_from_documents(version=pv.version, name=pv.name, grade=pv.grade,
                                   assessment=pv.assessment, points=pv.points, incentives=pv.incentives,
                                   workforce=pv.workforce, daily=pv.daily)
    if pv.status == PolicyStatus.PUBLISHED:
        _cache[key] = bundle
    return bundle


#: The order that decides which published version is in force: latest effective date, then the one
#: published last (a correction published before the date arrives supersedes the earlier one).
IN_FORCE_ORDER = ("-effective_from", "-published_at", "-pk")


def policy_version_in_force(on: dt.date) -> PolicyVersion | None:
    """The published row in force on ``on`` (None before the first one)."""
    return (PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED, effective_from__lte=on)
            .order_by(*IN_FORCE_ORDER).first())


def policy_in_force(on: dt.date) -> PolicyBundle:
    """§4.4 the published version with the latest effective date on or before ``on``."""
    pv = policy_version_in_force(on)
    if pv is None:
        raise PolicyNotFound(_("No published policy version is in force on %(date)s.") % {"date": on.isoformat()})
    return bundle_of(pv)


def policy_by_version(version: str, *, published_only: bool = True) -> PolicyBundle:
    """A named version (``--policy VERSION``); unknown or unpublished versions are refused plainly."""
    qs = PolicyVersion.objects.filter(version=version)
    if published_only:
        qs = qs.filter(status=PolicyStatus.PUBLISHED)
    pv = qs.first()
    if pv is None:
        raise PolicyNotFound(_("Policy version “%(version)s” does not exist or is not published.")
                             % {"version": version})
    return bundle_of(pv)


def clear_cache() -> None:
    _cache.clear()


# --- pages and API ------------------------------------------------------------------------------


def can_read(user) -> bool:
    return scope.has_role(user, *READER_ROLES)


def can_edit(user) -> bool:
    """§11 the staffing office (and the administrator) own the policy: create, edit, publish."""
    return scope.has_role(user, *EDITOR_ROLES)


def versions_visible_to(user) -> QuerySet[PolicyVersion]:
    """Every version for editors; published ones for readers; nothing for anyone else."""
    if can_edit(user):
        return PolicyVersion.objects.all()
    if can_read(user):
        return PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED)
    return PolicyVersion.objects.none()


def version_get_for(user, version: str) -> PolicyVersion:
    """One version by its label, or 404 (not found and not visible are the same)."""
    pv = versions_visible_to(user).filter(version=version).first()
    if pv is None:
        raise Http404
    return pv

