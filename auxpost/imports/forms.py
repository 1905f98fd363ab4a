"""The upload form; it only validates, the services do the work."""

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.imports import registry
from auxpost.imports.services import upload_check


def _kind_choices():
    return [(spec.kind, spec.title) for spec in registry.specs()]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=_kind_choices)
    file = forms.FileField(label=_("Workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    only_good = forms.BooleanField(
        label=_("Import only the good rows"), required=False,
        help_text=_("Without this, nothing is written if any row is wrong. With it, the good rows are written "
                    "and the wrong ones come back as a workbook to correct and import again."),
    )

    def clean(self):
        data = super().clean()
        kind, upload = data.get("kind"), data.get("file")
        if kind and upload:
            for problem in upload_check(kind=kind, upload=upload):
                self.add_error("file", problem)
        return data
