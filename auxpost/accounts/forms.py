from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


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
