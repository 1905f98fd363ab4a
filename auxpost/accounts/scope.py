"""§3 data scope (数据权限), applied in selectors so a list never shows what a detail page refuses.

Each role assignment carries its own scope; a user's visible set is the union over their roles.
"""

from __future__ import annotations

from django.db.models import Q

from auxpost.accounts.models import ROLES_SEEING_PERSONAL_DATA, Role, RoleAssignment, Scope
from auxpost.org.models import Unit

_CACHE_ATTR = "_auxpost_roles"


def role_assignments(user) -> list[RoleAssignment]:
    """The user's role assignments, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("unit"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def clear_cache(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user) -> set[str]:
    return {ra.role for ra in role_assignments(user)}


def has_role(user, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def member_q(user, *, roles_allowed: tuple[str, ...] | None = None, prefix: str = "") -> Q | None:
    """A Q over Member (or over a model reaching Member through ``prefix``) for what the user may see.

    Returns None when the user may see no member at all. ``roles_allowed`` limits which of the
    user's roles count (e.g. only line managers may fill a scorecard).
    """
    q = None
    for ra in role_assignments(user):
        if roles_allowed is not None and ra.role not in roles_allowed:
            continue
        if ra.scope == Scope.ALL:
            return Q()
        if ra.scope == Scope.UNIT and ra.unit is not None:
            # IN over the subtree's unit ids (a subquery on the small unit table): the member
            # indexes on unit_id then apply, where a join on path would scan every member.
            part = Q(**{f"{prefix}unit__in": Unit.objects.filter(path__startswith=ra.unit.path).values("pk")})
        elif ra.scope == Scope.SELF:
            member_id = getattr(getattr(user, "member", None), "pk", None) if _has_member(user) else None
            if member_id is None:
                continue
            part = Q(**{f"{prefix}pk" if prefix == "" else f"{prefix}id": member_id})
        elif ra.scope == Scope.ASSIGNED:
            # §3 ASSIGNED: an assessor reaches only the candidates of the 集中考核 rounds its
            # organisation was commissioned for (§7.1).
            part = assigned_member_q(user, prefix=prefix)
            if part is None:
                continue
        else:
            continue
        q = part if q is None else q | part
    return q


def assigned_member_q(user, *, prefix: str = "") -> Q | None:
    """§3/§7.1 Q over Member: candidates of the rounds commissioned from the user's organisation."""
    org_id = getattr(user, "organisation_id", None)
    if org_id is None:
        return None
    from auxpost.assessment.models import SkillsScore  # the assessment app owns the assignments

    candidates = SkillsScore.objects.filter(round__assessor_id=org_id).values("member_id")
    return Q(**{f"{prefix}pk__in" if prefix == "" else f"{prefix}id__in": candidates})


def unit_q(user) -> Q | None:
    """A Q over Unit: the units the user may see (whole tree, own subtree, or own unit only)."""
    q = None
    for ra in role_assignments(user):
        if ra.scope == Scope.ALL:
            return Q()
        if ra.scope == Scope.UNIT and ra.unit is not None:
            part = Q(path__startswith=ra.unit.path)
        elif ra.scope == Scope.SELF and _has_member(user):
            part = Q(pk=user.member.unit_id)
        else:
            continue
        q = part if q is None else q | part
    return q


def sees_personal_data(user, member=None) -> bool:
    """§11 个人信息保护法: full ID and phone numbers only for roles that need them, and for oneself."""
    if has_role(user, *ROLES_SEEING_PERSONAL_DATA):
        return True
    return member is not None and _has_member(user) and user.member.pk == member.pk


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def _has_member(user) -> bool:
    try:
        return user.member is not None
    except Exception:  # RelatedObjectDoesNotExist
        return False
