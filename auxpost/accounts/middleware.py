"""Idle session expiry (issue 2 §4): a session unused for SESSION_IDLE_SECONDS is logged out.

The next page request goes to the login page with ``?expired=1`` (which says why) and ``next`` back
to the page; an API request is simply answered as unauthenticated (401/403) by the API itself.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url

from auxpost.accounts.services import login_log_record

LAST_SEEN_KEY = "_auxpost_last_seen"
API_PREFIX = "/api/"


def mark_seen(request) -> None:
    """Start the idle clock (called at login, so the first request after it does not count as idle)."""
    request.session[LAST_SEEN_KEY] = int(time.time())


class IdleSessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                login_log_record(request=request, username=user.get_username(), user=user, event="expired")
                logout(request)
                if not request.path.startswith(API_PREFIX):
                    return self._to_login(request)
            elif last is None or now - last > 60:
                # Write at most once a minute so every request does not rewrite the session row.
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _to_login(request):
        login_url = resolve_url(settings.LOGIN_URL)
        params = {"expired": "1"}
        if request.method in ("GET", "HEAD") and request.path != login_url:
            params["next"] = request.get_full_path()
        url = f"{login_url}?{urlencode(params)}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
