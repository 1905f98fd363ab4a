from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from auxpost.accounts.models import Role, Scope
from auxpost.core.forms import add_service_errors
from auxpost.org.models import Organisation, Unit


class LoginForm(AuthenticationForm):
    """Tells a locked-out user until when, instead of the generic wrong-password message."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins. This account is locked until %(until)s."),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            until = getattr(self.request, "auxpost_locked_until", None)
            if until is not None:
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked",
                    params={"until": formats.date_format(timezone.localtime(until), "Y-m-d H:i")},
                ) from None
            raise


def unit_choices() -> list[tuple[str, str]]:
    """Every unit labelled with its path below the bureau ("综合行政执法大队/第一中队"), from one query."""
    units = list(Unit.objects.order_by("path").values_list("pk", "name", "path"))
    name_at = {path: name for _pk, name, path in units}
    out = []
    for pk, _name, path in units:
        parts = path.rstrip("/").split("/")
        names = [name_at.get("/".join(parts[: i + 1]) + "/", "?") for i in range(len(parts))]
        out.append((str(pk), "/".join(names[1:] if len(names) > 1 else names)))  # below the bureau, as in §12
    return out


class _PasswordPair(forms.Form):
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords do not match."))
        return data

    def add_service_errors(self, exc) -> None:
        """Errors raised by a service land on the matching field (the service calls it 'password')."""
        add_service_errors(self, exc, aliases={"password": "password1", "new_password1": "password1"})


class UserCreateForm(_PasswordPair):
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _ only."))
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False,
                                   help_text=_("Usually the person's full name."))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all(),
                                          required=False, empty_label=_("(the bureau)"))
    field_order = ["username", "display_name", "organisation", "password1", "password2"]


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all(),
                                          required=False, empty_label=_("(the bureau)"))


class PasswordResetForm(_PasswordPair):
    """An administrator sets a new password for a user."""


class RoleAddForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—")] + list(Role.choices))
    scope = forms.ChoiceField(label=_("Data scope"), required=False,
                              choices=[("", _("The role's usual scope"))] + list(Scope.choices),
                              help_text=_("Line managers: own unit and below. Members: only self."))
    unit = forms.ChoiceField(label=_("Unit"), required=False,
                             help_text=_("Only for the data scope “own unit and below”."))
    member_id_number = forms.CharField(label=_("Member's ID number"), required=False, max_length=30,
                                       help_text=_("Only for the role “auxiliary staff member”: links this "
                                                   "login to the member on the roster."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + unit_choices()

    def clean_unit(self):
        value = self.cleaned_data.get("unit")
        if not value:
            return None
        unit = Unit.objects.filter(pk=value).first()
        if unit is None:
            raise forms.ValidationError(_("Choose a unit from the list."))
        return unit

    def add_service_errors(self, exc) -> None:
        add_service_errors(self, exc)


class UserSearchForm(forms.Form):
    STATUS_CHOICES = [("", _("Any status")), ("active", pgettext_lazy("account status", "Active")),
                      ("inactive", pgettext_lazy("account status", "Deactivated")),
                      ("locked", pgettext_lazy("account status", "Locked"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role"))] + list(Role.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
