"""Login, logout, password change and the login log (issue 2 §4)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.accounts.forms import LoginForm
from auxpost.accounts.models import LoginLog
from auxpost.accounts.services import login_log_record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        from django.conf import settings

        ctx["demo_mode"] = settings.DEMO_MODE
        ctx["session_expired"] = self.request.GET.get("expired") == "1"
        return ctx


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            login_log_record(request=request, username=request.user.get_username(), user=request.user, event="logout")
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        from auxpost.audit.services import audit_record

        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="update", obj=self.request.user,
                     summary="password changed", before=None, after={"password": "changed"})
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
def login_log(request):
    """The login log, for administrators only (others get 404, like any out-of-scope page)."""
    if not scope.is_admin(request.user):
        raise Http404
    qs = LoginLog.objects.select_related("user").order_by("-at")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(username__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/login_log.html", {"page": page, "q": q, "now": timezone.now()})
