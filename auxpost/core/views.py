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


@login_required
def inbox(request):
    """The to-do inbox (待办): every step waiting on the signed-in user, with counts and links."""
    from auxpost.core.inbox import todo_for

    items = todo_for(request.user)
    return render(request, "core/inbox.html", {"items": items, "total": sum(i.count for i in items)})


@login_required
def inbox_counts(request):
    """The inbox counts as JSON for the navigation badges (fetched after the page has loaded, so no
    page pays for them): the total and the count per page path."""
    from auxpost.core.inbox import counts_by_url, todo_for

    items = todo_for(request.user)
    resp = JsonResponse({"total": sum(i.count for i in items), "by_url": counts_by_url(items)})
    resp["Cache-Control"] = "no-store"
    return resp
