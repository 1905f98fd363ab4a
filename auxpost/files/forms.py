"""§5.3 form fields other apps use to accept several photos (or notes) in one form.

Usage in a form::

    photos = PhotosField(label=_("Photos"), required=False, max_files=9)   # JPEG/PNG/WebP
    notes = UploadsField(label=_("Medical note"))                           # images or PDF

``cleaned_data["photos"]`` is a list of checked uploads (never stored yet); the app's service then
stores them with ``auxpost.files.services.attachments_store(uploads=..., purpose=..., ...)`` inside
its own transaction. Without a Django form (an API view), call ``clean_uploads(files, ...)`` on
``request.FILES.getlist("photos")``: the same checks, the same Chinese messages.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auxpost.files.models import ALL_TYPES, IMAGE_TYPES
from auxpost.files.rules import human_size
from auxpost.files.services import max_bytes, upload_check

DEFAULT_MAX_FILES = 9


def clean_uploads(files: Iterable, *, types: Iterable[str] | None = None, max_files: int = DEFAULT_MAX_FILES,
                  required: bool = False) -> list:
    """Check several uploads without storing them; returns them as a list or raises ValidationError
    with one Chinese message per refused file (each naming the file and the reason)."""
    files = [f for f in (files or []) if f]
    if required and not files:
        raise ValidationError(_("Attach at least one file."), code="required")
    if len(files) > max_files:
        raise ValidationError(_("At most %(n)s files may be attached at a time; %(got)s were chosen.")
                              % {"n": max_files, "got": len(files)}, code="max_files")
    errors = []
    for f in files:
        try:
            upload_check(f, types=types)
        except ValidationError as exc:
            errors.extend(exc.message_dict.get("file", exc.messages))
    if errors:
        raise ValidationError(errors)
    return files


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    """Several files in one input; checked by content (JPEG/PNG/WebP/PDF unless ``types`` narrows it)."""

    default_types: tuple[str, ...] = ALL_TYPES

    def __init__(self, *, types: Iterable[str] | None = None, max_files: int = DEFAULT_MAX_FILES, **kwargs):
        self.types = tuple(types or self.default_types)
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(self.types)}))
        kwargs.setdefault("help_text", gettext_lazy("Up to %(n)s files, at most %(size)s each.")
                          % {"n": max_files, "size": human_size(max_bytes())})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            files = list(data)
        else:
            files = [data] if data else []
        return clean_uploads(files, types=self.types, max_files=self.max_files, required=self.required)


class PhotosField(UploadsField):
    """Several photos (JPEG/PNG/WebP, each must decode) in one input."""

    default_types = IMAGE_TYPES
