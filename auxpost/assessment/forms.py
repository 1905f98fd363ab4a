"""§7 forms: the monthly scorecard, a 集中考核 score, a new round. Validation of substance is the
services'; the forms only parse input and show the services' errors next to their fields."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.assessment.rules import AssessmentPolicy
from auxpost.core.forms import add_service_errors
from auxpost.org.models import Organisation, OrganisationKind


class ScorecardForm(forms.Form):
    """One score and one reason field per indicator of the policy (``score_<code>``, ``reason_<code>``)."""

    def __init__(self, *args, policy: AssessmentPolicy, initial_scores: dict, initial_reasons: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        for ind in policy.monthly_indicators:
            self.fields[f"score_{ind.code}"] = forms.DecimalField(
                label=ind.name, min_value=0, max_value=ind.max_points, decimal_places=2, max_digits=5,
                initial=initial_scores.get(ind.code), widget=forms.NumberInput(attrs={"step": "0.5"}))
            self.fields[f"reason_{ind.code}"] = forms.CharField(
                label=_("Reason for the change"), required=False, max_length=300,
                initial=initial_reasons.get(ind.code, ""))

    def rows(self):
        """(indicator, score bound field, reason bound field) per indicator, for the template."""
        return [(ind, self[f"score_{ind.code}"], self[f"reason_{ind.code}"]) for ind in self.policy.monthly_indicators]

    def service_data(self) -> tuple[dict, dict]:
        scores = {i.code: self.cleaned_data[f"score_{i.code}"] for i in self.policy.monthly_indicators}
        reasons = {i.code: self.cleaned_data[f"reason_{i.code}"] for i in self.policy.monthly_indicators}
        return scores, reasons

    add_service_errors = add_service_errors


class SkillsScoreForm(forms.Form):
    """The component scores (0–100) of one candidate, fields named by component code."""

    def __init__(self, *args, policy: AssessmentPolicy, initial: dict | None = None, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.policy = policy
        for comp in policy.skills_components:
            self.fields[comp.code] = forms.DecimalField(
                label=comp.name, min_value=0, max_value=100, decimal_places=2, max_digits=5,
                initial=(initial or {}).get(comp.code), widget=forms.NumberInput(attrs={"step": "0.5"}))

    def components(self) -> dict:
        return {c.code: self.cleaned_data[c.code] for c in self.policy.skills_components}


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    batch = forms.IntegerField(label=_("Batch"), min_value=1, max_value=9, initial=1)
    name = forms.CharField(label=_("Round name"), max_length=100)
    assessor = forms.ModelChoiceField(label=_("Third-party assessor"), queryset=Organisation.objects.none())
    unit = forms.ChoiceField(label=_("Candidates from unit (and below)"), required=False)

    def __init__(self, *args, units: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = Organisation.objects.filter(kind=OrganisationKind.ASSESSOR)
        self.fields["unit"].choices = [("", _("All units"))] + [(str(pk), label) for pk, label in units]
        if not self.is_bound:
            self.fields["year"].initial = dt.date.today().year

