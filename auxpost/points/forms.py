"""§10 forms of the points pages. Values are checked by the services; the forms only parse."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from auxpost.core.forms import add_service_errors
from auxpost.people.models import Member

_ID_RE = re.compile(r"^\d{17}[\dXx]$")


class ServiceErrorsMixin:
    def add_service_errors(self, exc, aliases=None):
        add_service_errors(self, exc, aliases=aliases)


class EntryForm(ServiceErrorsMixin, forms.Form):
    """Record a ledger entry: the member (full ID number or exact name), rule, date, quantity, evidence."""

    member = forms.CharField(label=_("Member (ID number or full name)"), max_length=50,
                             help_text=_("The full 18-character ID number, or the exact name of a member in your units."))
    member_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    rule_code = forms.ChoiceField(label=_("Points rule"))
    date = forms.DateField(label=_("Date of the event"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    quantity = forms.DecimalField(label=_("Quantity"), initial=1, min_value=0, max_digits=7, decimal_places=2,
                                  help_text=_("Times, days, items or extra training hours, by the rule's unit."))
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rules=(), members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members if members is not None else Member.objects.none()
        self.fields["rule_code"].choices = [
            (r.code, f"{r.name}（{r.points:+d}/{r.per_quantity if r.per_quantity > 1 else ''}{r.unit}）")
            for r in rules]

    def clean(self):
        data = super().clean()
        pk = data.get("member_id")
        text = (data.get("member") or "").strip()
        member = None
        if pk:
            member = self.members.filter(pk=pk).first()
            if member is not None and text and text not in (member.name, member.id_number):
                member = None  # the text was changed after choosing: look it up again
        if member is None and text:
            if _ID_RE.match(text):
                member = self.members.filter(id_number=text.upper()).first()
            else:
                found = list(self.members.filter(name=text)[:2])
                if len(found) > 1:
                    self.add_error("member", _("Member: several members in your units are called %(name)s; enter "
                                               "the ID number instead.") % {"name": text})
                    return data
                member = found[0] if found else None
            if member is None:
                self.add_error("member", _("Member: no member on the roster in your units matches “%(text)s”.")
                               % {"text": text})
        data["member_obj"] = member
        return data


class AppealForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Why do you appeal?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class RejectForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=300)


class DecideForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", _("Uphold")), ("dismiss", _("Dismiss"))])
    note = forms.CharField(label=_("Decision note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SettleForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label=_("Year to settle"), min_value=2000, max_value=2999)
