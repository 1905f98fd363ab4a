"""Forms of the grading pages: they parse input; the services validate (§6.1) and write."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from auxpost.core.forms import add_service_errors
from auxpost.grading.models import BasicRecord, CommendationLevel, RecordKind


def _label(field: str):
    return capfirst(BasicRecord._meta.get_field(field).verbose_name)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BasicRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_label("kind"), choices=RecordKind.choices)
    date = forms.DateField(label=_label("date"), widget=DateInput())
    passed = forms.TypedChoiceField(label=_("Result"), coerce=lambda v: v == "1", initial="1",
                                    choices=[("1", _("Met / passed")), ("0", _("Not met / failed"))],
                                    help_text=_("A sanction is always negative, a commendation always positive."))
    level = forms.ChoiceField(label=_label("level"), required=False,
                              choices=[("", "—"), *CommendationLevel.choices],
                              help_text=_("Commendations only."))
    description = forms.CharField(label=_label("description"), max_length=300)
    evidence = forms.CharField(label=_label("evidence"), max_length=300, required=False,
                               help_text=_("Document number or where the evidence is kept."))

    def add_service_errors(self, exc) -> None:
        add_service_errors(self, exc)
