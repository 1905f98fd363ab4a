"""`auxpost createadmin USERNAME`: bootstrap the first administrator of a production install."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from auxpost.accounts import scope
from auxpost.accounts.models import Role, RoleAssignment, Scope, User
from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_verify
from auxpost.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db
GOOD = "Bootstrap-pass-2026"


def run(*args):
    out = io.StringIO()
    call_command("createadmin", *args, stdout=out)
    return out.getvalue()


def test_creates_an_administrator():
    out = run("chief", "--password", GOOD, "--display-name", "系统管理员")
    user = User.objects.get(username="chief")
    assert user.check_password(GOOD) and user.display_name == "系统管理员"
    ra = RoleAssignment.objects.get(user=user)
    assert (ra.role, ra.scope, ra.unit) == (Role.ADMIN, Scope.ALL, None)
    assert scope.is_admin(user)
    assert "chief" in out
    assert {e.actor_name for e in AuditEntry.objects.all()} == {"system"}
    assert audit_verify().ok


def test_existing_user_becomes_administrator_and_keeps_password():
    user = make_user("veteran")
    user.is_active = False
    user.save()
    run("veteran")
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD)
    assert scope.is_admin(user)


def test_existing_user_with_new_password_is_unlocked():
    from django.utils import timezone

    user = make_user("veteran")
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=5))
    run("veteran", "--password", GOOD)
    user.refresh_from_db()
    assert user.check_password(GOOD) and user.locked_until is None


def test_second_run_changes_nothing():
    run("chief", "--password", GOOD)
    count = AuditEntry.objects.count()
    out = run("chief")
    assert AuditEntry.objects.count() == count
    assert "chief" in out


def test_weak_password_is_refused():
    with pytest.raises(CommandError) as exc:
        run("chief", "--password", "123")
    assert "密码" in str(exc.value)
    assert not User.objects.filter(username="chief").exists()


def test_bad_username_is_refused():
    with pytest.raises(CommandError):
        run("bad name!", "--password", GOOD)


def test_no_terminal_and_no_password_is_refused(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError) as exc:
        run("chief")
    assert "--password" in str(exc.value)


def test_prompts_twice_on_a_terminal(monkeypatch):
    answers = iter([GOOD, GOOD])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    run("chief")
    assert User.objects.get(username="chief").check_password(GOOD)


def test_prompted_passwords_must_match(monkeypatch):
    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError):
        run("chief")
    assert not User.objects.filter(username="chief").exists()
