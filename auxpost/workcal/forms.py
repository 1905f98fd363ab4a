"""§11 The form for a year's State Council notice: the notice, holiday periods, make-up workdays.

Rows are numbered as on the page; a blank row is skipped, a half-filled one is an error naming
its line. The notice checks of ``rules.notice_problems`` run here too, so every message names the
row the administrator sees."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from auxpost.workcal import rules
from auxpost.workcal.services import FIRST_YEAR, LAST_YEAR, problem_message

HOLIDAY_ROWS = 10
MAKEUP_ROWS = 10


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NoticeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    notice_ref = forms.CharField(label=_("Notice reference"), max_length=100, required=False,
                                 help_text=_("For example 国办发明电〔2026〕9号."))
    notice_title = forms.CharField(label=_("Notice title"), max_length=200)

    def __init__(self, *args, holiday_rows=HOLIDAY_ROWS, makeup_rows=MAKEUP_ROWS, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.holiday_rows = holiday_rows
        self.makeup_rows = makeup_rows
        self.correcting = correcting
        if correcting:
            self.fields["year"].disabled = True
            self.fields["reason"] = forms.CharField(label=_("Reason for the correction"), max_length=200)
        for i in range(1, holiday_rows + 1):
            self.fields[f"h{i}_name"] = forms.CharField(label=_("Holiday"), max_length=60, required=False)
            self.fields[f"h{i}_first"] = forms.DateField(label=_("First day"), required=False, widget=DateInput())
            self.fields[f"h{i}_last"] = forms.DateField(label=_("Last day"), required=False, widget=DateInput())
        for i in range(1, makeup_rows + 1):
            self.fields[f"m{i}_day"] = forms.DateField(label=_("Make-up workday"), required=False, widget=DateInput())
            self.fields[f"m{i}_name"] = forms.CharField(label=_("For the holiday"), max_length=60, required=False)
        self.holidays: list[rules.HolidayPeriod] = []
        self.makeups: list[rules.MakeupDay] = []

    @classmethod
    def initial_for(cls, year: int, holidays, makeups, *, notice_ref="", notice_title="") -> dict:
        data = {"year": year, "notice_ref": notice_ref, "notice_title": notice_title}
        for i, h in enumerate(holidays, start=1):
            data.update({f"h{i}_name": h.name, f"h{i}_first": h.first, f"h{i}_last": h.last})
        for i, m in enumerate(makeups, start=1):
            data.update({f"m{i}_day": m.day, f"m{i}_name": m.name})
        return data

    def holiday_fields(self):
        return [(i, self[f"h{i}_name"], self[f"h{i}_first"], self[f"h{i}_last"])
                for i in range(1, self.holiday_rows + 1)]

    def makeup_fields(self):
        return [(i, self[f"m{i}_day"], self[f"m{i}_name"]) for i in range(1, self.makeup_rows + 1)]

    def clean(self):
        data = super().clean()
        year = data.get("year")
        errors: list[str] = []
        h_rows: list[int] = []
        for i in range(1, self.holiday_rows + 1):
            name = (data.get(f"h{i}_name") or "").strip()
            first, last = data.get(f"h{i}_first"), data.get(f"h{i}_last")
            if any(f"h{i}_{k}" in self.errors for k in ("name", "first", "last")):
                continue
            if not name and first is None and last is None:
                continue
            if first is None or last is None or not name:
                errors.append(gettext("Holiday line %(n)s: enter the holiday name, its first day and its last day.")
                              % {"n": i})
                continue
            self.holidays.append(rules.HolidayPeriod(name, first, last))
            h_rows.append(i)
        m_rows: list[int] = []
        m_errors: list[str] = []
        for i in range(1, self.makeup_rows + 1):
            day, name = data.get(f"m{i}_day"), (data.get(f"m{i}_name") or "").strip()
            if f"m{i}_day" in self.errors or f"m{i}_name" in self.errors:
                continue
            if day is None and not name:
                continue
            if day is None or not name:
                m_errors.append(gettext("Make-up workday line %(n)s: enter the date and the holiday it makes up for.")
                                % {"n": i})
                continue
            self.makeups.append(rules.MakeupDay(day, name))
            m_rows.append(i)
        if year is not None:
            for p in rules.notice_problems(year, self.holidays, self.makeups):
                rows = h_rows if p.section == "holiday" else m_rows
                shown = rules.Problem(p.section, rows[p.line - 1] if p.line else 0, p.code,
                                      h_rows[p.other - 1] if p.other and p.code in (
                                          rules.OVERLAP, rules.MAKEUP_IN_HOLIDAY) else
                                      (m_rows[p.other - 1] if p.other else 0))
                (m_errors if p.section == "makeup" else errors).append(problem_message(shown))
        for e in errors:
            self.add_error(None, e)
        for e in m_errors:
            self.add_error(None, e)
        return data
