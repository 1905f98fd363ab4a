"""Login, logout, password change, the login log and user administration (issue 2 §4, §3)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from auxpost.accounts import scope, services
from auxpost.accounts.forms import (
    LoginForm,
    PasswordResetForm,
    RoleAddForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
    unit_choices,
)
from auxpost.accounts.middleware import mark_seen
from auxpost.accounts.models import LoginLog, RoleAssignment, User
from auxpost.accounts.selectors import users_for_admin
from auxpost.core.forms import add_service_errors


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["demo_mode"] = settings.DEMO_MODE
        ctx["session_expired"] = self.request.GET.get("expired") == "1"
        return ctx

    def form_valid(self, form):
        response = super().form_valid(form)
        mark_seen(self.request)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.login_log_record(request=request, username=request.user.get_username(), user=request.user,
                                      event="logout")
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """A user changes their own password (audited; other sessions of the user end)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        try:
            services.user_password_change(user=form.user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


def _admin_only(request):
    """User administration and the login log are for administrators; everyone else gets 404."""
    if not scope.is_admin(request.user):
        raise Http404


@login_required
def login_log(request):
    """The login log, for administrators only (others get 404, like any out-of-scope page)."""
    _admin_only(request)
    qs = LoginLog.objects.order_by("-at")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(username__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/login_log.html", {"page": page, "q": q, "now": timezone.now()})


@login_required
def users(request):
    """§3 every login with its roles and data scopes; search by name, filter by role and status."""
    _admin_only(request)
    form = UserSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    now = timezone.now()
    qs = users_for_admin(q=filters.get("q", "").strip(), role=filters.get("role", ""),
                         status=filters.get("status", ""), now=now)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {"form": form, "page": page, "now": now})


@login_required
def user_create(request):
    """§3 create a login (username, display name, initial password, organisation)."""
    _admin_only(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                actor=request.user, username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"], password=form.cleaned_data["password1"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("User %(username)s created. Now give them a role.") % {
                "username": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def _user_or_404(pk) -> User:
    return get_object_or_404(User.objects.select_related("organisation"), pk=pk)


def _detail(request, user: User, *, status: int = 200, **forms):
    assignments = list(RoleAssignment.objects.filter(user=user).select_related("unit").order_by("role", "id"))
    unit_names = dict(unit_choices()) if any(a.unit_id for a in assignments) else {}
    for a in assignments:
        a.unit_label = unit_names.get(str(a.unit_id), "") if a.unit_id else ""
    member = getattr(user, "member", None)  # the reverse one-to-one raises AttributeError when absent
    ctx = {
        "subject": user,
        "assignments": assignments,
        "member": member,
        "now": timezone.now(),
        "locked": bool(user.locked_until and user.locked_until > timezone.now()),
        "edit_form": forms.get("edit_form") or UserEditForm(initial={
            "display_name": user.display_name, "organisation": user.organisation_id}),
        "role_form": forms.get("role_form") or RoleAddForm(),
        "password_form": forms.get("password_form") or PasswordResetForm(),
        "active_error": forms.get("active_error"),
        "audit_url": reverse("audit:list") + f"?object_type=accounts.user&object_id={user.pk}",
    }
    return render(request, "accounts/user_detail.html", ctx, status=status)


@login_required
def user_detail(request, pk):
    """§3 one user: details, roles, password reset, unlock, deactivate."""
    _admin_only(request)
    return _detail(request, _user_or_404(pk))


@require_POST
@login_required
def user_edit(request, pk):
    _admin_only(request)
    user = _user_or_404(pk)
    form = UserEditForm(request.POST)
    if form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, display_name=form.cleaned_data["display_name"],
                                 organisation=form.cleaned_data["organisation"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The user's details were saved."))
            return redirect("accounts:user_detail", pk=user.pk)
    return _detail(request, user, edit_form=form)


@require_POST
@login_required
def user_role_add(request, pk):
    _admin_only(request)
    user = _user_or_404(pk)
    form = RoleAddForm(request.POST)
    if form.is_valid():
        try:
            services.role_assignment_add(
                actor=request.user, user=user, role=form.cleaned_data["role"],
                scope=form.cleaned_data["scope"] or None, unit=form.cleaned_data["unit"],
                member_id_number=form.cleaned_data["member_id_number"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Role added."))
            return redirect("accounts:user_detail", pk=user.pk)
    return _detail(request, user, role_form=form)


@require_POST
@login_required
def user_role_remove(request, pk, assignment_pk):
    _admin_only(request)
    user = _user_or_404(pk)
    assignment = get_object_or_404(RoleAssignment, pk=assignment_pk, user=user)
    try:
        services.role_assignment_remove(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Role removed."))
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
@login_required
def user_password_reset(request, pk):
    _admin_only(request)
    user = _user_or_404(pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.user_password_reset(actor=request.user, user=user, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The password was reset. Tell the user the new password in person."))
            return redirect("accounts:user_detail", pk=user.pk)
    return _detail(request, user, password_form=form)


@require_POST
@login_required
def user_unlock(request, pk):
    _admin_only(request)
    user = _user_or_404(pk)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, _("The account was unlocked."))
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
@login_required
def user_set_active(request, pk):
    _admin_only(request)
    user = _user_or_404(pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=user, active=active)
    except ValidationError as exc:
        return _detail(request, user, active_error=" ".join(exc.messages))
    messages.success(request, _("The user was reactivated.") if active else _("The user was deactivated."))
    return redirect("accounts:user_detail", pk=user.pk)
