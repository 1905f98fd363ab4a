"""Form helpers shared by every app's pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError next to the fields it names; the rest go to the top.

    ``aliases`` maps a service's field name onto the form's (e.g. the services say "password"
    where a form has "password1").
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, messages in exc.message_dict.items():
        target = (aliases or {}).get(field, field)
        form.add_error(target if target in form.fields else None, messages)


def error_text(exc: ValidationError) -> str:
    """A service's ValidationError as one line for a page message: every message, field order kept,
    joined with "；" (``exc.messages`` flattens a field-keyed error the same way)."""
    return "；".join(exc.messages)
