"""Login, lock-out, logout, password change, idle expiry and the login log (issue 2 §4)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from auxpost.accounts.middleware import LAST_SEEN_KEY
from auxpost.accounts.models import LoginLog, User
from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_verify
from auxpost.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("core:home")
T0 = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def _lockout(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    settings.SESSION_IDLE_SECONDS = 1800


def _login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _events(username):
    return list(LoginLog.objects.filter(username=username).order_by("at", "id").values_list("event", flat=True))


def test_login_page_renders(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_login_and_logout(district, client):
    response = _login(client, "squadron1")
    assert response.status_code == 302 and response.url == HOME
    assert client.get(HOME).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == LOGIN
    assert client.get(HOME).status_code == 302
    assert _events("squadron1") == ["success", "logout"]


def test_wrong_password_is_refused_and_logged(district, client):
    response = _login(client, "squadron1", "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _events("squadron1") == ["failure"]
    assert User.objects.get(username="squadron1").failed_logins == 1


def test_unknown_user_is_logged(db, client):
    _login(client, "ghost", "whatever")
    assert _events("ghost") == ["failure"]


def test_lockout_tells_until_when_and_ends_by_itself(district, client):
    with time_machine.travel(T0, tick=False):
        _login(client, "squadron1", "wrong")
        _login(client, "squadron1", "wrong")
        response = _login(client, "squadron1", "wrong")
        html = response.content.decode()
        assert "2026-05-04 10:10" in html  # locked until, in local time
        assert "锁定" in html
        user = User.objects.get(username="squadron1")
        assert user.locked_until == T0 + dt.timedelta(seconds=600)
        # The right password does not help while locked.
        response = _login(client, "squadron1")
        assert response.status_code == 200 and "2026-05-04 10:10" in response.content.decode()
    with time_machine.travel(T0 + dt.timedelta(seconds=599), tick=False):
        assert _login(client, "squadron1").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(seconds=601), tick=False):
        response = _login(client, "squadron1")
        assert response.status_code == 302
    user.refresh_from_db()
    assert user.locked_until is None and user.failed_logins == 0
    assert _events("squadron1") == ["failure", "failure", "failure", "locked", "locked", "success"]
    lock = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).last()
    assert lock.actor_name == "system" and lock.after["locked_until"]
    assert audit_verify().ok


def test_success_resets_the_failure_count(district, client):
    _login(client, "squadron1", "wrong")
    _login(client, "squadron1", "wrong")
    assert _login(client, "squadron1").status_code == 302
    assert User.objects.get(username="squadron1").failed_logins == 0
    client.post(reverse("accounts:logout"))
    # Two more failures do not lock: the count started again.
    _login(client, "squadron1", "wrong")
    _login(client, "squadron1", "wrong")
    assert User.objects.get(username="squadron1").locked_until is None


def test_after_a_lock_expires_the_count_starts_again(district, client):
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            _login(client, "squadron1", "wrong")
    with time_machine.travel(T0 + dt.timedelta(minutes=11), tick=False):
        _login(client, "squadron1", "wrong")
        user = User.objects.get(username="squadron1")
        assert user.failed_logins == 1
        assert _login(client, "squadron1").status_code == 302


def test_inactive_user_cannot_log_in(district, client):
    User.objects.filter(pk=district.squadron1.pk).update(is_active=False)
    assert _login(client, "squadron1").status_code == 200


# --- idle expiry --------------------------------------------------------------------------------

def test_idle_session_goes_to_login_with_expired_flag(district, client):
    with time_machine.travel(T0, tick=False):
        assert _login(client, "squadron1").status_code == 302
        assert client.session[LAST_SEEN_KEY] == int(T0.timestamp())
    with time_machine.travel(T0 + dt.timedelta(seconds=1700), tick=False):
        assert client.get(HOME).status_code == 200  # still within the idle limit
    with time_machine.travel(T0 + dt.timedelta(seconds=1700 + 1801), tick=False):
        response = client.get(HOME + "?x=1")
        assert response.status_code == 302
        assert response.url.startswith(LOGIN + "?expired=1")
        assert "next=%2F%3Fx%3D1" in response.url
        page = client.get(response.url)
        assert page.context["session_expired"] is True
        assert "会话已过期" in page.content.decode()
        assert client.get(HOME).status_code == 302  # logged out for good
    assert _events("squadron1") == ["success", "expired"]


def test_activity_keeps_the_session_alive(district, client):
    with time_machine.travel(T0, tick=False) as traveller:
        _login(client, "squadron1")
        for _ in range(5):
            traveller.shift(dt.timedelta(seconds=1500))
            assert client.get(HOME).status_code == 200


def test_idle_post_goes_to_login_without_next(district, client):
    with time_machine.travel(T0, tick=False):
        _login(client, "squadron1")
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        response = client.post(reverse("accounts:password_change"), {})
        assert response.status_code == 302 and response.url == LOGIN + "?expired=1"


def test_idle_api_request_is_unauthenticated_not_redirected(district, client):
    with time_machine.travel(T0, tick=False):
        _login(client, "bureau")
        assert client.get("/api/v1/units/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        response = client.get("/api/v1/units/")
        assert response.status_code in (401, 403)
    assert _events("bureau") == ["success", "expired"]


def test_htmx_request_gets_a_client_redirect(district, client):
    with time_machine.travel(T0, tick=False):
        _login(client, "squadron1")
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        response = client.get(HOME, headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(LOGIN + "?expired=1")


# --- password change ------------------------------------------------------------------------------

def test_password_change_is_audited_and_keeps_the_session(district, client):
    _login(client, "squadron1")
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "Brand-new-pass-77",
                                 "new_password2": "Brand-new-pass-77"})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    user = User.objects.get(username="squadron1")
    assert user.check_password("Brand-new-pass-77")
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).last()
    assert entry.actor_name == "squadron1" and entry.after == {"password": "changed"}
    assert "Brand-new-pass-77" not in str(entry.before) + str(entry.after)
    assert audit_verify().ok


def test_password_change_errors_are_per_field_in_chinese(district, client):
    _login(client, "squadron1")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "wrong", "new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "old_password" in errors
    assert any("密码" in e for e in errors["old_password"])
    assert not AuditEntry.objects.filter(summary__startswith="password").exists()


def test_password_change_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


# --- login log page -------------------------------------------------------------------------------

def test_login_log_for_admin(district, client_for, django_assert_max_num_queries):
    for i in range(60):
        LoginLog.objects.create(at=timezone.now(), username=f"u{i}", event="failure")
    client = client_for(district.admin)
    client.get(reverse("accounts:login_log"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:login_log"), {"page": 1})
    assert response.status_code == 200
    assert len(response.context["page"]) == 50
    response = client.get(reverse("accounts:login_log"), {"q": "u59"})
    assert [row.username for row in response.context["page"]] == ["u59"]


@pytest.mark.parametrize("who", ["bianban", "bureau_user", "squadron1", "hrco", "assessor", "member1", "nobody"])
def test_login_log_hidden_from_others(district, client_for, who):
    assert client_for(getattr(district, who)).get(reverse("accounts:login_log")).status_code == 404


def test_login_log_needs_login(client):
    response = client.get(reverse("accounts:login_log"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
