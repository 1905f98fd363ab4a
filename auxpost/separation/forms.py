"""§5.2.4 forms of the separation pages. They parse input (dates, choices); the services check the party
first, then the flow and the values, and write — every value error is the services' Chinese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.core.forms import add_service_errors
from auxpost.separation import rules
from auxpost.separation.models import Ground, Item, ProtectionKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ServiceErrorsMixin:
    def add_service_errors(self, exc, aliases=None):
        add_service_errors(self, exc, aliases=aliases)


class ProposalForm(ServiceErrorsMixin, forms.Form):
    """§5.2.4 the bureau proposes a separation: member, ground (with its legal basis), reason, last day."""

    member = forms.IntegerField(widget=forms.HiddenInput())
    ground = forms.ChoiceField(label=_("Ground for separation"), choices=Ground.choices)
    reason = forms.CharField(label=_("Facts and reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    last_day = forms.DateField(label=_("Proposed last day"), required=False, widget=DateInput(),
                               help_text=_("Optional: resignation and retirement get the legal date; the HR company "
                                           "sets the last day when it ends the contract."))


class ResignForm(ServiceErrorsMixin, forms.Form):
    """§5.2.4 / Art. 37 the member's own resignation: the last day and the reason."""

    last_day = forms.DateField(label=_("Last working day"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for resigning"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class MoveForm(ServiceErrorsMixin, forms.Form):
    action = forms.ChoiceField(choices=[(a, rules.ACTION_LABEL[a]) for a in
                                        ("approve", "refuse", "execute", "archive", "cancel")])
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    last_day = forms.DateField(label=_("Last day of the contract"), required=False, widget=DateInput())
    pay_in_lieu = forms.BooleanField(label=_("One month's pay instead of 30 days' notice (Art. 40)"), required=False)


class ItemForm(ServiceErrorsMixin, forms.Form):
    item = forms.ChoiceField(label=_("Item"), choices=Item.choices)
    returned_on = forms.DateField(label=_("Returned on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Remarks"), max_length=300, required=False)


class ProtectionForm(ServiceErrorsMixin, forms.Form):
    """§5.2.4 / Art. 42 a protection period (nursing: from the child's birth date)."""

    kind = forms.ChoiceField(label=_("Protection"), choices=ProtectionKind.choices)
    start = forms.DateField(label=_("From"), widget=DateInput(),
                            help_text=_("Nursing: the child's date of birth (protected to the first birthday)."))
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput(),
                          help_text=_("Leave empty while it lasts; record a correction when the end is known."))
    note = forms.CharField(label=_("Remarks"), max_length=300, required=False)
    supersedes = forms.TypedChoiceField(label=_("Corrects record"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supersedes"].choices = [("", "—")] + [
            (r.pk, f"#{r.pk} {r.get_kind_display()} {r.start:%Y-%m-%d}") for r in records]


class PickupForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(choices=[(rules.EVALUATION, rules.EVALUATION), (rules.ANNUAL_RESULT, rules.ANNUAL_RESULT)])
    ref = forms.CharField(max_length=100)
    ground = forms.ChoiceField(label=_("Ground for separation"),
                               choices=[(g, rules.GROUNDS[g].label) for g in (rules.ART40_UNFIT, *rules.GROUNDS_ART39)])
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
