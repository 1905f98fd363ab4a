"""§8 forms of the grade evaluation pages. They parse input (dates, choices); the services check the
party first, then the flow and the values (required texts, lengths), and write — so a party without
authority is refused (403) even with an empty form, and every value error is the services' Chinese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.core.forms import add_service_errors
from auxpost.evaluation.models import RoundKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ServiceErrorsMixin:
    def add_service_errors(self, exc, aliases=None):
        add_service_errors(self, exc, aliases=aliases)


class RoundOpenForm(ServiceErrorsMixin, forms.Form):
    """§8.3 the bureau opens a round for an as-of date, effective on a stated date."""

    name = forms.CharField(label=_("Name of the round"), max_length=100)
    kind = forms.ChoiceField(label=_("Round kind"), choices=RoundKind.choices, initial=RoundKind.ANNUAL)
    as_of = forms.DateField(label=_("Evaluation date"), widget=DateInput(),
                            help_text=_("Outcomes are computed on this date (the last complete calendar years "
                                        "before it count)."))
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput(),
                                     help_text=_("The date the new grades take effect (§8.5)."))
    objection_contact = forms.CharField(label=_("Objection contact"), max_length=200, required=False,
                                        help_text=_("Shown on the public notice: where to raise an objection."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublicityForm(ServiceErrorsMixin, forms.Form):
    """§8.4 the first day of the 公示."""

    start = forms.DateField(label=_("Public notice starts on"), widget=DateInput())


class DecideForm(ServiceErrorsMixin, forms.Form):
    """§8.4 the final decision: its document number and date."""

    decision_number = forms.CharField(label=_("Decision document number"), max_length=60)
    decided_on = forms.DateField(label=_("Decision date"), widget=DateInput())


class ReasonForm(ServiceErrorsMixin, forms.Form):
    """A move that needs (or may carry) a reason: cancel, not recommend, disqualify, reject."""

    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class BulkForm(ServiceErrorsMixin, forms.Form):
    """§8.4 one action on the ticked candidates of a round (recommend, qualify, approve, …)."""

    action = forms.ChoiceField(label=_("Step"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
    candidates = forms.TypedMultipleChoiceField(label=_("Ticked candidates"), coerce=int, choices=())

    def __init__(self, *args, actions=(), candidate_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(key, label) for key, label in actions]
        self.fields["candidates"].choices = [(pk, pk) for pk in candidate_ids]
        self.fields["candidates"].error_messages["required"] = _("Candidates: tick at least one candidate.")


class MaterialForm(ServiceErrorsMixin, forms.Form):
    """§8.3 a statement or evidence list supplied with a case."""

    text = forms.CharField(label=_("Material"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("A statement, or a list of the evidence you hand in (document numbers, "
                                       "certificates)."))


class ObjectionFileForm(ServiceErrorsMixin, forms.Form):
    """§8.4 a member files an objection from the public notice."""

    text = forms.CharField(label=_("Objection"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionRecordForm(ServiceErrorsMixin, forms.Form):
    """§8.4 the bureau records an objection received (by letter, telephone, in person)."""

    objector = forms.CharField(label=_("Objector"), max_length=100, required=False,
                               help_text=_("A name, or leave empty for an anonymous objection."))
    received_on = forms.DateField(label=_("Received on"), required=False, widget=DateInput())
    text = forms.CharField(label=_("Objection"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionDecideForm(ServiceErrorsMixin, forms.Form):
    """§8.4 the bureau decides an objection: upheld takes the candidate out of the round."""

    decision = forms.ChoiceField(label=_("Decision on the objection"),
                                 choices=[("dismiss", _("Dismiss the objection")),
                                          ("uphold", _("Uphold the objection (the candidate is withdrawn)"))])
    note = forms.CharField(label=_("Reason for the decision"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
