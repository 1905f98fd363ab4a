"""§5.3.6 / §5.3.2 forms. The patrol log form offers only 劝阻, 宣传 and 上报 (no enforcement decision)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.files.forms import MultipleFileInput, PhotosField
from auxpost.patrol import rules
from auxpost.patrol.models import CoordSystem
from auxpost.people.models import ON_ROSTER, Member

ACTION_CHOICES = [(rules.DISSUADE, _("Dissuade (劝阻)")), (rules.INFORM, _("Inform and educate (宣传)")),
                  (rules.REPORT, _("Report to the officers (上报)"))]


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PatrolLogForm(forms.Form):
    category = forms.ModelChoiceField(label=_("issue category"), queryset=None, empty_label=_("— choose —"))
    description = forms.CharField(label=_("what was found"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.MultipleChoiceField(label=_("what was done"), choices=ACTION_CHOICES,
                                        widget=forms.CheckboxSelectMultiple)
    reported_to = forms.CharField(label=_("reported to"), max_length=100, required=False,
                                  help_text=_("Required when reported: the officer or office it went to."))
    members = MemberChoices(label=_("patrol members present"), queryset=Member.objects.none(), required=False,
                            widget=forms.CheckboxSelectMultiple)
    photos = PhotosField(label=_("photos"), required=False, max_files=9, widget=MultipleFileInput(
        attrs={"accept": "image/*", "capture": "environment", "multiple": True}))
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    lat = forms.DecimalField(required=False, widget=forms.HiddenInput)
    lng = forms.DecimalField(required=False, widget=forms.HiddenInput)
    accuracy_m = forms.FloatField(required=False, widget=forms.HiddenInput)
    coord_system = forms.ChoiceField(choices=CoordSystem.choices, required=False, initial=CoordSystem.WGS84,
                                     widget=forms.HiddenInput)

    def __init__(self, *args, member: Member, categories, group_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["members"].queryset = (Member.objects.filter(unit_id=member.unit_id, status__in=ON_ROSTER)
                                           .exclude(pk=member.pk).order_by("name", "pk"))
        if not self.is_bound and group_ids:
            self.initial["members"] = list(group_ids)


class FollowUpForm(forms.Form):
    follow_up_note = forms.CharField(label=_("officers' handling"), max_length=300,
                                     widget=forms.Textarea(attrs={"rows": 2}))


class HandoverForm(forms.Form):
    from_team = forms.ModelChoiceField(label=_("outgoing team"), queryset=None, empty_label=None)
    day = forms.DateField(label=_("duty day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    shift_code = forms.ChoiceField(label=_("outgoing shift"))
    to_team = forms.ModelChoiceField(label=_("incoming team"), queryset=None, empty_label=None)
    to_shift_code = forms.ChoiceField(label=_("incoming shift"), required=False,
                                      help_text=_("Leave empty for the shift that follows."))
    to_day = forms.DateField(label=_("incoming day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             help_text=_("Leave empty for the day of the shift that follows."))
    open_issues = forms.CharField(label=_("open issues"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    cases = forms.CharField(label=_("cases passed on"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    equipment = forms.CharField(label=_("equipment"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    vehicles = forms.CharField(label=_("vehicles"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, teams, to_teams, shifts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_team"].queryset = teams
        self.fields["to_team"].queryset = to_teams
        choices = [(s.code, s.name) for s in shifts]
        self.fields["shift_code"].choices = choices
        self.fields["to_shift_code"].choices = [("", _("— the next shift —")), *choices]


class AckForm(forms.Form):
    ack_remarks = forms.CharField(label=_("remarks on taking over"), required=False, max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    discrepancy = forms.BooleanField(label=_("discrepancies found"), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("correction note"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
