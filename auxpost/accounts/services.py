"""Writes for accounts (§3): users, role assignments, passwords, lock-out; every change audited.

Validation errors are ``ValidationError({field: message})`` so a form (or an API serializer) shows
each one next to its field. Passwords never reach the audit log, only the fact of a change.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts.models import ALLOWED_SCOPES, DEFAULT_SCOPE, LoginLog, Role, RoleAssignment, Scope, User
from auxpost.audit.services import audit_record, model_snapshot

USER_FIELDS = ["username", "display_name", "organisation", "is_active", "failed_logins", "locked_until"]


def login_log_record(*, request, username: str, user, event: str, at: dt.datetime | None = None) -> LoginLog:
    """Append one login-log row (who tried, from where, what happened)."""
    ip = None
    agent = ""
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or None
        agent = (request.META.get("HTTP_USER_AGENT") or "")[:300]
    return LoginLog.objects.create(
        at=at or timezone.now(), username=(username or "")[:150], user=user, event=event, ip=ip, user_agent=agent
    )


def _user_snapshot(user: User) -> dict:
    return model_snapshot(user, USER_FIELDS)


def _roles_snapshot(user: User) -> dict:
    rows = RoleAssignment.objects.filter(user=user).select_related("unit").order_by("role", "unit__path")
    return {"roles": [
        {"role": ra.role, "scope": ra.scope, "unit_id": ra.unit_id, "unit": ra.unit.full_name() if ra.unit else ""}
        for ra in rows
    ]}


def _password_errors(password: str, user: User) -> list[str]:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


# --- lock-out (used by the login backend) -------------------------------------------------------

def login_failure_record(*, user: User, at: dt.datetime) -> dt.datetime | None:
    """Issue 2 §4: count a failed login; the LOGIN_MAX_FAILURES-th locks the account for
    LOGIN_LOCKOUT_SECONDS. Returns the lock's end when this failure locked the account."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        failures = locked.failed_logins + 1
        if failures < settings.LOGIN_MAX_FAILURES:
            User.objects.filter(pk=user.pk).update(failed_logins=failures)
            return None
        before = _user_snapshot(locked)
        until = at + dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=until)
        locked.failed_logins, locked.locked_until = 0, until
        audit_record(actor=None, action="update", obj=locked, before=before, after=_user_snapshot(locked),
                     summary=f"account locked after {failures} failed logins")
    return until


def login_success_record(*, user: User) -> None:
    """A successful login clears the failure count and an expired lock."""
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None


# --- users -------------------------------------------------------------------------------------

def user_create(*, actor, username: str, password: str, display_name: str = "", organisation=None) -> User:
    """§3 an administrator creates a login; roles are added separately."""
    username = (username or "").strip()
    display_name = (display_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("The username is required.")]
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = [_("The username may contain only letters, digits and @ . + - _ characters.")]
        if len(username) > 150:
            errors["username"] = [_("The username can be at most 150 characters long.")]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("The username “%(username)s” is already taken.") % {"username": username}]
    if len(display_name) > 100:
        errors["display_name"] = [_("The display name can be at most 100 characters long.")]
    candidate = User(username=username, display_name=display_name)
    if not password:
        errors["password"] = [_("An initial password is required.")]
    elif problems := _password_errors(password, candidate):
        errors["password"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, display_name=display_name,
                                        organisation=organisation)
        audit_record(actor=actor, action="create", obj=user, summary="user created", after=_user_snapshot(user))
    return user


def user_update(*, actor, user: User, display_name: str, organisation=None) -> User:
    """§3 change a user's display name and organisation."""
    display_name = (display_name or "").strip()
    if len(display_name) > 100:
        raise ValidationError({"display_name": _("The display name can be at most 100 characters long.")})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _user_snapshot(user)
        user.display_name = display_name
        user.organisation = organisation
        user.save(update_fields=["display_name", "organisation"])
        after = _user_snapshot(user)
        if after != before:
            audit_record(actor=actor, action="update", obj=user, summary="user details", before=before, after=after)
    return user


def user_password_change(*, user: User, password: str) -> None:
    """A user changes their own password (the form has checked the old one)."""
    if problems := _password_errors(password, user):
        raise ValidationError({"new_password1": problems})
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="update", obj=user, summary="password changed by the user",
                     before={"password": "******"}, after={"password": "changed"})


def user_password_reset(*, actor, user: User, password: str) -> None:
    """An administrator sets a new password for a user; it also lifts a lock-out."""
    if problems := _password_errors(password, user):
        raise ValidationError({"password": problems})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {**_user_snapshot(user), "password": "******"}
        user.set_password(password)
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["password", "failed_logins", "locked_until"])
        audit_record(actor=actor, action="update", obj=user, summary="password reset by an administrator",
                     before=before, after={**_user_snapshot(user), "password": "reset"})


def user_unlock(*, actor, user: User) -> User:
    """Lift a lock-out before it ends by itself (and clear the failure count)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.locked_until and not user.failed_logins:
            return user
        before = _user_snapshot(user)
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
        audit_record(actor=actor, action="update", obj=user, summary="account unlocked", before=before,
                     after=_user_snapshot(user))
    return user


def _other_active_admins(user: User):
    return (RoleAssignment.objects.select_for_update()
            .filter(role=Role.ADMIN, user__is_active=True).exclude(user=user))


def user_set_active(*, actor, user: User, active: bool) -> User:
    """Deactivate (no login, no API token, sessions end) or reactivate a user. Users are never deleted:
    the audit chain and the records they signed keep pointing at them."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return user
        if not active:
            if actor is not None and actor.pk == user.pk:
                raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
            is_admin = RoleAssignment.objects.filter(user=user, role=Role.ADMIN).exists()
            if is_admin and not _other_active_admins(user).exists():
                raise ValidationError({"is_active": _(
                    "This is the last active administrator; give another user the administrator role first.")})
        before = _user_snapshot(user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="update", obj=user,
                     summary="user reactivated" if active else "user deactivated",
                     before=before, after=_user_snapshot(user))
    return user


# --- role assignments --------------------------------------------------------------------------

def _normalise_id_number(raw: str) -> str:
    table = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")
    return "".join((raw or "").translate(table).split()).upper()


def role_assignment_add(*, actor, user: User, role: str, scope: str | None = None, unit=None,
                        member_id_number: str = "") -> RoleAssignment:
    """§3 give a user a role with its data scope. A unit scope names the unit; a member login is
    linked to the roster entry with the given ID number (so "only self" means that member)."""
    from auxpost.people.models import Member, MemberStatus

    errors: dict[str, str] = {}
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    role = Role(role)
    scope = scope or DEFAULT_SCOPE[role]
    if scope not in ALLOWED_SCOPES[role]:
        errors["scope"] = _("The role “%(role)s” cannot have the data scope “%(scope)s”; allowed: %(allowed)s.") % {
            "role": role.label, "scope": Scope(scope).label if scope in Scope.values else scope,
            "allowed": "、".join(str(Scope(s).label) for s in ALLOWED_SCOPES[role])}
    elif scope == Scope.UNIT and unit is None:
        errors["unit"] = _("Choose the unit whose members this role may see.")
    elif scope != Scope.UNIT and unit is not None:
        errors["unit"] = _("A unit only goes with the data scope “own unit and below”; leave it empty.")
    member = None
    id_number = _normalise_id_number(member_id_number)
    if role == Role.MEMBER:
        if not id_number:
            errors["member_id_number"] = _("Enter the ID number of the member this login belongs to.")
        else:
            member = (Member.objects.exclude(status=MemberStatus.SEPARATED).filter(id_number=id_number)
                      .select_related("user").first())
            if member is None:
                errors["member_id_number"] = _("No member on the roster has the ID number %(id)s.") % {"id": id_number}
            elif member.user_id is not None and member.user_id != user.pk:
                errors["member_id_number"] = _("This member is already linked to the login “%(username)s”.") % {
                    "username": member.user.get_username()}
            else:
                linked = Member.objects.filter(user=user).exclude(pk=member.pk).first()
                if linked is not None:
                    errors["member_id_number"] = _("This login is already linked to the member %(name)s.") % {
                        "name": linked.name}
    elif id_number:
        errors["member_id_number"] = _("An ID number only goes with the role “auxiliary staff member”.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one role change per user at a time
        if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
            raise ValidationError({"role": _("This user already has this role%(for_unit)s.") % {
                "for_unit": _(" for this unit") if unit is not None else ""}})
        before = _roles_snapshot(user)
        assignment = RoleAssignment.objects.create(user=user, role=role, scope=scope, unit=unit)
        if member is not None and member.user_id != user.pk:
            Member.objects.filter(pk=member.pk).update(user=user, updated_at=timezone.now())
            audit_record(actor=actor, action="update", obj=member, summary="linked to a login",
                         before={"user_id": None}, after={"user_id": user.pk})
        audit_record(actor=actor, action="update", obj=user, summary=f"role added: {role.value}",
                     before=before, after=_roles_snapshot(user))
    _clear_role_cache(user)
    return assignment


def role_assignment_remove(*, actor, assignment: RoleAssignment) -> None:
    """§3 take a role away. Removing a member login's last member role also unlinks the member."""
    from auxpost.people.models import Member

    user = assignment.user
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        assignment = RoleAssignment.objects.filter(pk=assignment.pk).first()
        if assignment is None:
            return
        if assignment.role == Role.ADMIN and user.is_active:
            others = _other_active_admins(user).exists()
            if not others:
                raise ValidationError({"role": _(
                    "This is the last active administrator; give another user the administrator role first.")})
        before = _roles_snapshot(user)
        role = assignment.role
        assignment.delete()
        if role == Role.MEMBER and not RoleAssignment.objects.filter(user=user, role=Role.MEMBER).exists():
            for member in Member.objects.filter(user=user):
                Member.objects.filter(pk=member.pk).update(user=None, updated_at=timezone.now())
                audit_record(actor=actor, action="update", obj=member, summary="unlinked from its login",
                             before={"user_id": user.pk}, after={"user_id": None})
        audit_record(actor=actor, action="update", obj=user, summary=f"role removed: {role}",
                     before=before, after=_roles_snapshot(user))
    _clear_role_cache(user)


def _clear_role_cache(user: User) -> None:
    from auxpost.accounts.scope import clear_cache

    clear_cache(user)


def admin_bootstrap(*, username: str, password: str | None, display_name: str = "") -> tuple[User, list[str]]:
    """`auxpost createadmin`: create the first administrator of an install, or make an existing user
    one. Returns the user and what was done (for the command's report)."""
    done: list[str] = []
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                raise ValidationError({"password": _("An initial password is required.")})
            user = user_create(actor=None, username=username, password=password, display_name=display_name)
            done.append(_("created"))
        else:
            if password:
                user_password_reset(actor=None, user=user, password=password)
                done.append(_("password set"))
            if not user.is_active:
                user_set_active(actor=None, user=user, active=True)
                done.append(_("reactivated"))
            user = User.objects.get(pk=user.pk)
            if user.locked_until:
                user_unlock(actor=None, user=user)
                done.append(_("unlocked"))
        if not RoleAssignment.objects.filter(user=user, role=Role.ADMIN).exists():
            role_assignment_add(actor=None, user=user, role=Role.ADMIN, scope=Scope.ALL)
            done.append(_("administrator role given"))
    return user, done

