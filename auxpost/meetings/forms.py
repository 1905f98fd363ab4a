"""§5.3.3 forms: schedule or change a meeting, a follow-up, the minutes."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.files.forms import UploadsField
from auxpost.org.selectors import unit_full_names


class MeetingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=None)
    kind = forms.ChoiceField(label=_("meeting kind"), choices=())
    title = forms.CharField(label=_("meeting title"), max_length=100)
    day = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("meeting place"), max_length=100)
    host = forms.ModelChoiceField(label=_("host"), queryset=None, required=False,
                                  help_text=_("Empty: you host it."))
    agenda = forms.CharField(label=_("agenda"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, units, kinds, hosts, **kwargs):
        super().__init__(*args, **kwargs)
        names = unit_full_names()
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: names.get(u.pk) or u.name
        self.fields["kind"].choices = kinds
        self.fields["host"].queryset = hosts
        self.fields["host"].label_from_instance = lambda u: str(u)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            from django.utils import timezone

            tz = timezone.get_current_timezone()
            data["starts_at"] = dt.datetime.combine(data["day"], data["start"], tz)
            data["ends_at"] = dt.datetime.combine(data["day"], data["end"], tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("End time: must be after the start."))
        return data


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("action item"), max_length=200)
    owner = forms.ModelChoiceField(label=_("owner"), queryset=None)
    due_date = forms.DateField(label=_("due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        self.fields["owner"].label_from_instance = lambda m: m.name


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("minutes"), max_length=10000, required=False,
                              widget=forms.Textarea(attrs={"rows": 8}))
    files = UploadsField(label=_("minutes attachments"), required=False)
