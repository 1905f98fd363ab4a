"""§4.2 forms for one duty or one work item (the bureau, administrators)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.duties.models import Duty, WorkLine


class DutyForm(forms.Form):
    work_line = forms.ModelChoiceField(label=_("work line"), queryset=WorkLine.objects.all(), empty_label=None)
    code = forms.CharField(label=_("duty code"), max_length=30)
    name = forms.CharField(label=_("duty"), max_length=100)
    description = forms.CharField(label=_("duty description"), max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    patrol_category = forms.BooleanField(label=_("patrol issue category"), required=False,
                                         help_text=_("Offered as an issue category in the patrol log."))
    sort_order = forms.IntegerField(label=_("order"), min_value=0, max_value=100000, initial=0, required=False)


class WorkItemForm(forms.Form):
    duty = forms.ModelChoiceField(label=_("duty"), queryset=Duty.objects.select_related("work_line"),
                                  empty_label=None)
    code = forms.CharField(label=_("work item code"), max_length=30)
    name = forms.CharField(label=_("work item"), max_length=200)
    standard = forms.CharField(label=_("standard / requirement"), max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    frequency = forms.CharField(label=_("frequency"), max_length=50, required=False)
    sort_order = forms.IntegerField(label=_("order"), min_value=0, max_value=100000, initial=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty"].label_from_instance = lambda d: f"{d.work_line.name} · {d.code} {d.name}"
