"""Forms for the roster pages. They only parse input; the services validate (§4.1) and write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from auxpost.core.forms import add_service_errors
from auxpost.duties.models import WorkLine
from auxpost.people.models import ON_ROSTER, Education, Grade, Member, MemberStatus
from auxpost.people.services import STATUS_TRANSITIONS


def _label(field: str):
    return capfirst(Member._meta.get_field(field).verbose_name)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


GRADE_CHOICES = [(g.value, g.label) for g in sorted(Grade, key=lambda g: -g.value)]  # 五级 … 一级


def unit_choices(units) -> list[tuple[int, str]]:
    """Units indented by depth under their parents, for a select."""
    units = list(units)
    if not units:
        return []
    base = min(u.depth for u in units)
    return [(u.pk, "\u3000" * (u.depth - base) + u.name) for u in units]


class MemberForm(forms.Form):
    """The 花名册 fields of one member. ``units`` are the units the editor may place people in."""

    name = forms.CharField(label=_label("name"), max_length=50)
    id_number = forms.CharField(label=_label("id_number"), max_length=30)
    phone = forms.CharField(label=_label("phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}))
    education = forms.ChoiceField(label=_label("education"), choices=Education.choices)
    political_status = forms.CharField(label=_label("political_status"), max_length=30, required=False,
                                       widget=forms.TextInput(attrs={"list": "political-status-options"}))
    work_start_date = forms.DateField(label=_label("work_start_date"), required=False, widget=DateInput())
    hire_date = forms.DateField(label=_label("hire_date"), widget=DateInput())
    unit = forms.TypedChoiceField(label=_label("unit"), coerce=int)
    work_line = forms.TypedChoiceField(label=_label("work_line"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_label("status"))
    grade = forms.TypedChoiceField(label=_label("grade"), coerce=int, choices=GRADE_CHOICES)
    grade_effective_date = forms.DateField(label=_label("grade_effective_date"), required=False, widget=DateInput())
    cert_number = forms.CharField(label=_label("cert_number"), max_length=50, required=False)
    cert_valid_until = forms.DateField(label=_label("cert_valid_until"), required=False, widget=DateInput())

    def __init__(self, *args, units, member: Member | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["unit"].choices = unit_choices(units)
        self.fields["work_line"].choices = [("", "—")] + [(w.pk, w.name) for w in WorkLine.objects.all()]
        if member is None:
            self.fields["status"].choices = [(s, MemberStatus(s).label) for s in ON_ROSTER]
            self.fields["status"].initial = MemberStatus.ACTIVE
            self.fields["grade"].initial = Grade.FIVE
            self.fields["grade_effective_date"].help_text = _("Leave empty to use the date hired.")
        else:
            allowed = [member.status, *sorted(STATUS_TRANSITIONS[member.status])]
            self.fields["status"].choices = [(s, MemberStatus(s).label) for s in allowed]
            self.fields["grade_effective_date"].help_text = _(
                "Only for a grade change: the date the new grade takes effect (default today).")
            self.fields["status_on"] = forms.DateField(
                label=_("Date of the status change"), required=False, widget=DateInput(),
                help_text=_("Only for a status change, e.g. the separation date (default today)."))
            self.fields["grade_reason"] = forms.CharField(
                label=_("Reason for the grade change"), max_length=300, required=False)
            self.initial.update({
                "name": member.name, "id_number": member.id_number, "phone": member.phone,
                "education": member.education, "political_status": member.political_status,
                "work_start_date": member.work_start_date, "hire_date": member.hire_date, "unit": member.unit_id,
                "work_line": member.work_line_id, "status": member.status, "grade": member.grade,
                "cert_number": member.cert_number, "cert_valid_until": member.cert_valid_until,
            })

    def service_data(self) -> dict:
        """The cleaned values in the services' terms (an edit passes a grade date only when given)."""
        data = {f: self.cleaned_data.get(f) for f in (
            "name", "id_number", "phone", "education", "political_status", "work_start_date", "hire_date", "unit",
            "work_line", "status", "grade", "cert_number", "cert_valid_until")}
        if self.member is None or self.cleaned_data.get("grade_effective_date"):
            data["grade_effective_date"] = self.cleaned_data.get("grade_effective_date")
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError next to the fields it names (the rest at the top)."""
        add_service_errors(self, exc)

