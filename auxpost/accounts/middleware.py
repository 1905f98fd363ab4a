"""Idle session expiry: a session unused for SESSION_IDLE_SECONDS is logged out."""

import time

from django.conf import settings
from django.contrib.auth import logout

from auxpost.accounts.services import login_log_record

_KEY = "_auxpost_last_seen"


class IdleSessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                login_log_record(request=request, username=user.get_username(), user=user, event="expired")
                logout(request)
                request.session_expired = True
            else:
                # Write at most once a minute so every request does not rewrite the session row.
                if last is None or now - last > 60:
                    request.session[_KEY] = now
        return self.get_response(request)
