"""§5.2.2 forms: a course, a session (the bureau)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.org.models import Unit
from auxpost.org.selectors import unit_full_names
from auxpost.training.models import Category


class CourseForm(forms.Form):
    name = forms.CharField(label=_("course name"), max_length=100)
    category = forms.ChoiceField(label=_("course category"), choices=Category.choices)
    hours = forms.DecimalField(label=_("training hours"), min_value=0.1, max_value=1000, decimal_places=1)
    has_exam = forms.BooleanField(label=_("exam held"), required=False)
    description = forms.CharField(label=_("course description"), max_length=300, required=False)


class CourseEditForm(CourseForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["category"]


class SessionForm(forms.Form):
    start_date = forms.DateField(label=_("session start"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("session end"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("session hours"), min_value=0.1, max_value=1000, decimal_places=1,
                               required=False, help_text=_("Empty: the course's hours."))
    place = forms.CharField(label=_("training place"), max_length=100, required=False)
    trainer = forms.CharField(label=_("trainer"), max_length=100, required=False)
    units = forms.ModelMultipleChoiceField(label=_("units invited"), queryset=Unit.objects.order_by("path"),
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Each unit with every unit below it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = unit_full_names()
        self.fields["units"].label_from_instance = lambda u: names.get(u.pk) or u.name

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("Session end: must not be before the start."))
        return data
