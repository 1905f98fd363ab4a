from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


@login_required
def home(request):
    """The home dashboard for the signed-in user's roles."""
    from auxpost.core.dashboard import dashboard_context

    return render(request, "core/home.html", dashboard_context(request.user))


def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"ok": True})


def not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "core/403.html", status=403)


def plain(msg: str, status: int = 200) -> HttpResponse:
    return HttpResponse(msg, status=status, content_type="text/plain; charset=utf-8")
