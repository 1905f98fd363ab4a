"""§6/§7/§10 Reading policy versions: the one in force on a date, or a named version.

Published versions never change, so their decoded bundles are cached per process.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from auxpost.policy.models import PolicyStatus, PolicyVersion
from auxpost.policy.rules import PolicyBundle, bundle_from_documents

_cache: dict[str, PolicyBundle] = {}


class PolicyNotFound(LookupError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def bundle_of(pv: PolicyVersion) -> PolicyBundle:
    """The decoded rule policies of a stored version (drafts are decoded afresh every time)."""
    if pv.status == PolicyStatus.PUBLISHED and pv.version in _cache:
        return _cache[pv.version]
    bundle = bundle_from_documents(version=pv.version, name=pv.name, grade=pv.grade,
                                   assessment=pv.assessment, points=pv.points)
    if pv.status == PolicyStatus.PUBLISHED:
        _cache[pv.version] = bundle
    return bundle


def policy_in_force(on: dt.date) -> PolicyBundle:
    """§4.4 the published version with the latest effective date on or before ``on``."""
    pv = (PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED, effective_from__lte=on)
          .order_by("-effective_from", "-published_at", "-pk").first())
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
