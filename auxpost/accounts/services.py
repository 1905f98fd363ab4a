"""Writes for accounts: login log, role assignment, password change (audited)."""

from django.utils import timezone

from auxpost.accounts.models import LoginLog


def login_log_record(*, request, username: str, user, event: str) -> LoginLog:
    """Append one login-log row (who tried, from where, what happened)."""
    ip = None
    agent = ""
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or None
        agent = (request.META.get("HTTP_USER_AGENT") or "")[:300]
    return LoginLog.objects.create(
        at=timezone.now(), username=(username or "")[:150], user=user, event=event, ip=ip, user_agent=agent
    )
