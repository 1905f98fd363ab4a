"""§5.2.1 forms of the recruitment pages. They carry the input; the services check the party, the flow and
the values and raise Chinese errors, shown next to the fields (``add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.core.forms import add_service_errors
from auxpost.recruitment.models import CheckResult

EDUCATION_CHOICES = [("初中", "初中"), ("高中", "高中"), ("中专", "中专"),
                     ("大专", "大专"), ("本科", "本科"), ("硕士研究生", "硕士研究生"),
                     ("博士研究生", "博士研究生")]
YES_NO = [("是", "是"), ("否", "否")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ServiceForm(forms.Form):
    def add_service_errors(self, exc):
        add_service_errors(self, exc)


class PlanForm(ServiceForm):
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    year = forms.CharField(label=_("Year"), required=False, max_length=4,
                           widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    title = forms.CharField(label=_("Title"), required=False, max_length=100)
    positions = forms.CharField(label=_("Positions"), required=False, max_length=4,
                                widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    work_line = forms.ChoiceField(label=_("Work line"), required=False)
    publish_date = forms.CharField(label=_("Publish date"), required=False, widget=DateInput())
    deadline = forms.CharField(label=_("Application deadline"), required=False, widget=DateInput())
    posting_text = forms.CharField(label=_("Posting text (招聘公告)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, units=(), lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + list(units)
        self.fields["work_line"].choices = [("", "—")] + list(lines)


class ApplicationForm(ServiceForm):
    name = forms.CharField(label=_("Full name"), required=False, max_length=50)
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=30)
    phone = forms.CharField(label=_("Mobile phone"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}))
    education = forms.ChoiceField(label=_("Education"), required=False, choices=EDUCATION_CHOICES)
    applied_on = forms.CharField(label=_("Application date"), required=False, widget=DateInput())
    no_criminal_record = forms.ChoiceField(label=_("Declares no criminal record"), required=False, choices=YES_NO)
    not_dismissed = forms.ChoiceField(label=_("Declares never dismissed from public service"), required=False,
                                      choices=YES_NO)


class ScoresForm(ServiceForm):
    exam_score = forms.CharField(label=_("Written exam"), required=False, max_length=10,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    interview_score = forms.CharField(label=_("Interview"), required=False, max_length=10,
                                      widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    fitness_score = forms.CharField(label=_("Fitness test"), required=False, max_length=10,
                                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))


CHECK_CHOICES = [("", "—")] + list(CheckResult.choices)


class ChecksForm(ServiceForm):
    health_check = forms.ChoiceField(label=_("Medical check"), choices=CHECK_CHOICES, required=False)
    health_note = forms.CharField(label=_("Medical check note"), max_length=300, required=False)
    background_check = forms.ChoiceField(label=_("Background check"), choices=CHECK_CHOICES, required=False)
    background_note = forms.CharField(label=_("Background check note"), max_length=300, required=False)


class PublicityForm(ServiceForm):
    start = forms.DateField(label=_("Public notice from"), widget=DateInput())


class ObjectionForm(ServiceForm):
    objector = forms.CharField(label=_("Raised by"), max_length=100, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    text = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionDecideForm(ServiceForm):
    objection = forms.IntegerField(widget=forms.HiddenInput())
    upheld = forms.ChoiceField(label=_("Decision"), choices=[("1", _("Upheld: the applicant is dropped")),
                                                             ("0", _("Objection dismissed"))])
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ContractForm(ServiceForm):
    number = forms.CharField(label=_("Contract number"), required=False, max_length=50)
    start_date = forms.CharField(label=_("Contract start"), required=False, widget=DateInput())
    end_date = forms.CharField(label=_("Contract end"), required=False, widget=DateInput())
    probation_end = forms.CharField(label=_("Probation ends"), required=False, widget=DateInput(),
                                    help_text=_("Last day of probation; left empty, the longest 劳动合同法 Art. 19 allows: "
                                                "1 month for a term under 1 year, 2 months under 3 years, 6 months "
                                                "for 3 years or more. A shorter one is the HR company's choice."))


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ImportForm(ServiceForm):
    file = forms.FileField(label=_("Applications file (.xlsx)"))
    only_good = forms.BooleanField(label=_("Import only the good rows"), required=False)
