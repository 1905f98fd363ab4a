"""§3 / §5.3 who may see an attachment: the uploader, the member it concerns, users whose scope covers
that member or unit, and administrators. Everyone else gets the same 404 as for a missing file."""

from __future__ import annotations

from django.db.models import Q

from auxpost.accounts import scope
from auxpost.files.models import Attachment
from auxpost.org.models import Unit
from auxpost.people.models import Member


def _own_member_id(user) -> int | None:
    try:
        member = user.member
    except Exception:  # RelatedObjectDoesNotExist
        return None
    return getattr(member, "pk", None)


def can_see(user, attachment: Attachment) -> bool:
    """§3 True when ``user`` may open ``attachment`` (at most two small queries besides the role cache)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if scope.is_admin(user):
        return True
    if attachment.uploaded_by_id is not None and attachment.uploaded_by_id == user.pk:
        return True
    if attachment.member_id is not None:
        if attachment.member_id == _own_member_id(user):
            return True
        mq = scope.member_q(user)
        if mq is not None and Member.objects.filter(mq, pk=attachment.member_id).exists():
            return True
    if attachment.unit_id is not None:
        uq = scope.unit_q(user)
        if uq is not None and Unit.objects.filter(uq, pk=attachment.unit_id).exists():
            return True
    return False


def visible_q(user) -> Q | None:
    """A Q over Attachment matching exactly what ``can_see`` allows (None = nothing)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if scope.is_admin(user):
        return Q()
    q = Q(uploaded_by_id=user.pk)
    own = _own_member_id(user)
    if own is not None:
        q |= Q(member_id=own)
    mq = scope.member_q(user)
    if mq is not None:
        # An empty Q (scope over everything) would vanish in an OR: spell it out.
        q |= Q(member__isnull=False) if not mq else Q(member__in=Member.objects.filter(mq).values("pk"))
    uq = scope.unit_q(user)
    if uq is not None:
        q |= Q(unit__isnull=False) if not uq else Q(unit__in=Unit.objects.filter(uq).values("pk"))
    return q


def attachments_visible(user):
    """Attachments ``user`` may see, newest first."""
    q = visible_q(user)
    if q is None:
        return Attachment.objects.none()
    return Attachment.objects.filter(q).order_by("-uploaded_at", "-pk")


def attachment_for(user, pk) -> Attachment | None:
    """The attachment if it exists and ``user`` may see it, else None (the caller answers 404)."""
    att = Attachment.objects.filter(pk=pk).first()
    if att is None or not can_see(user, att):
        return None
    return att
