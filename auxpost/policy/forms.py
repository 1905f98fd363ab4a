"""§6/§7/§10 forms for a draft policy version: one form (or formset) per part of the policy.

The forms check each value on its own (types, ranges); the rules decide the rest (sums, orders)
when the service decodes the documents built by :func:`documents_from_forms`.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from auxpost.grading.rules import GRADE_LABEL, GradePolicy
from auxpost.incentives.rules import GRADES as GRADES_DOWN
from auxpost.incentives.rules import incentives_from_dict, incentives_to_dict
from auxpost.org.models import UnitKind
from auxpost.people.models import Education
from auxpost.policy.daily import daily_from_dict, daily_to_dict
from auxpost.policy.models import PolicyVersion
from auxpost.policy.rules import PROMOTION_GRADES
from auxpost.policy.workforce import workforce_from_dict, workforce_to_dict

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

BAND_CHOICES = [
    ("excellent", pgettext_lazy("result band", "Excellent")),
    ("pass", pgettext_lazy("result band", "Pass")),
    ("basic", pgettext_lazy("result band", "Basic pass")),
    ("fail", pgettext_lazy("result band", "Fail")),
]
COMMENDATION_CHOICES = [
    ("district", pgettext_lazy("commendation level", "District")),
    ("city", pgettext_lazy("commendation level", "City")),
    ("province", pgettext_lazy("commendation level", "Province")),
    ("national", pgettext_lazy("commendation level", "National")),
]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _dec(d: Decimal) -> Decimal:
    """Decimal("15.00") → Decimal("15"): stored documents keep no trailing zeros."""
    return Decimal(format(d.normalize(), "f"))


def _number(d: Decimal):
    """A grade-policy number (stored as a JSON number): 85 stays an int, 92.5 a float."""
    d = _dec(d)
    return int(d) if d == d.to_integral_value() else float(d)


def _int(label, low=None, high=None, **kw):
    return forms.IntegerField(label=label, min_value=low, max_value=high, **kw)


def _decimal(label, low=None, high=None, places=2, max_digits=8, **kw):
    return forms.DecimalField(label=label, min_value=low, max_value=high, max_digits=max_digits,
                              decimal_places=places, **kw)


def _code_field():
    return forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("Lower-case letters, digits and underscores, e.g. duty_performance."))


def _clean_code(value: str) -> str:
    value = (value or "").strip()
    if not CODE_RE.match(value):
        raise ValidationError(_("Code: use lower-case letters, digits and underscores, starting with a letter."))
    return value


class NewVersionForm(forms.Form):
    based_on = forms.ModelChoiceField(queryset=PolicyVersion.objects.none(), label=_("Based on"),
                                      to_field_name="version", empty_label=None,
                                      help_text=_("The new draft starts as a copy of this version."))
    version = forms.CharField(label=_("Version"), max_length=20, help_text=_("A unique label, e.g. 2027.1"))
    name = forms.CharField(label=_("Name"), max_length=100)
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE_WIDGET,
                                     help_text=_("Today or later: a version never applies to the past."))

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["based_on"].queryset = versions if versions is not None else PolicyVersion.objects.none()


class MetaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GradeRowForm(forms.Form):
    """§6.2 one row of the grade table (the grade one is promoted into)."""

    years_in_grade = _int(_("Years in the current grade (N)"), 1, 50)
    shortcut_education = forms.ChoiceField(label=_("Shorter years with education of"), required=False,
                                           choices=[("", "—")] + list(Education.choices))
    shortcut_years = _int(_("Shorter years in grade"), 1, 50, required=False)
    min_education = forms.ChoiceField(label=_("Minimum education"), choices=Education.choices)
    points_average = _decimal(_("Annual points: average over N years ≥"), 0, 1000)
    points_floor = _decimal(_("Annual points: no year below"), 0, 1000)
    results_min_band = forms.ChoiceField(label=_("Annual results: every year at least"), choices=BAND_CHOICES)
    excellent_needed = _int(_("Excellent (优秀) results needed"), 0, 50)
    skills_min = _decimal(_("Skills score ≥"), 0, 100)
    decided_by = forms.CharField(label=_("Decided by"), max_length=100)


class GradeSettingsForm(forms.Form):
    """§6.1/§6.2 the grade policy's single values."""

    entry_min_education = forms.ChoiceField(label=_("Entry grade (五级): minimum education"),
                                            choices=Education.choices)
    entry_decided_by = forms.CharField(label=_("Entry grade (五级): decided by"), max_length=100)
    promotion_age_margin_months = _int(_("Age: months from statutory retirement at least"), 0, 240)
    sanction_lookback_months = _int(_("Sanction look-back (months)"), 0, 240)
    quota_grades_2_and_1_percent = _int(_("Quota: grades 2 and 1 together (% of headcount)"), 0, 100)
    quota_grade_1_percent = _int(_("Quota: grade 1 (% of headcount)"), 0, 100)
    demote_on_fail = forms.BooleanField(label=_("Demote after one fail (不合格) year"), required=False)
    demote_consecutive_basic = _int(_("Demote after this many basic-pass (基本合格) years in a row (0 = never)"),
                                    0, 10)
    demote_points_below = _decimal(_("Demote when annual points are below"), 0, 1000)
    separation_consecutive_fail = _int(_("Separation proposal after this many fail years in a row (0 = never)"),
                                       0, 10)
    early_promotion_allowed = forms.BooleanField(label=_("Early promotion by commendation allowed"), required=False)
    early_promotion_min_level = forms.ChoiceField(label=_("Early promotion: commendation level at least"),
                                                  choices=COMMENDATION_CHOICES)
    early_promotion_years_waived = _int(_("Early promotion: years in grade waived"), 0, 10)
    publicity_working_days = _int(_("Public notice (公示): working days at least"), 5, 30)


class IndicatorForm(forms.Form):
    """§7.2 one indicator of the monthly scorecard."""

    code = _code_field()
    name = forms.CharField(label=_("Indicator"), max_length=40)
    max_points = _decimal(_("Maximum points"), Decimal("0.01"), 100)

    def clean_code(self):
        return _clean_code(self.cleaned_data["code"])


class ComponentForm(forms.Form):
    """§7.2 one component of the skills assessment (集中考核) and its weight."""

    code = _code_field()
    name = forms.CharField(label=_("Component"), max_length=40)
    weight = _decimal(_("Weight"), 0, 1, places=3)

    def clean_code(self):
        return _clean_code(self.cleaned_data["code"])


class _UniqueCodes(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed() and form.empty_permitted or self.can_delete and self._should_delete_form(form):
                continue
            code = form.cleaned_data.get("code")
            if code in seen:
                raise ValidationError(_("Code “%(code)s” appears twice.") % {"code": code})
            seen.add(code)

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms
                if f.cleaned_data and not (self.can_delete and self._should_delete_form(f))]


IndicatorFormSet = forms.formset_factory(IndicatorForm, formset=_UniqueCodes, extra=1, can_delete=True,
                                         min_num=1, validate_min=True, max_num=20, validate_max=True)
ComponentFormSet = forms.formset_factory(ComponentForm, formset=_UniqueCodes, extra=1, can_delete=True,
                                         min_num=1, validate_min=True, max_num=20, validate_max=True)


class AssessmentSettingsForm(forms.Form):
    """§7.2/§7.3 rounds, composite weights, the 优秀 cap and the vetoes."""

    skills_rounds_per_year = _int(_("Skills assessments (集中考核) per year"), 1, 12)
    weight_monthly = _decimal(_("Weight of the mean monthly score"), 0, 1, places=3)
    weight_skills = _decimal(_("Weight of the mean skills score"), 0, 1, places=3)
    weight_points = _decimal(_("Weight of the annual points"), 0, 1, places=3)
    points_ceiling = _decimal(_("Annual points counted up to"), Decimal("0.01"), 1000)
    excellent_cap_percent = _decimal(_("Excellent (优秀) at most (% of the unit)"), 0, 20)
    cap_unit_level = forms.ChoiceField(label=_("Excellent cap applies per"), choices=UnitKind.choices)
    veto_absence_days = _int(_("Veto: days of absence (旷工) in the year → fail"), 1, 366)
    veto_lates = _int(_("Veto: lates in the year → no excellent"), 1, 1000)
    veto_sanction = forms.BooleanField(label=_("Veto: a disciplinary sanction → no excellent"), required=False)


class BandForm(forms.Form):
    min_score = _decimal(_("From score"), 0, 100)


class PointsSettingsForm(forms.Form):
    annual_base = _int(_("Annual base"), 0, 1000)
    floor = _int(_("Annual points floor"), 0, 1000)
    ceiling = _int(_("Annual points ceiling"), 0, 1000)


class PointsRuleForm(forms.Form):
    """§10 one rule of the catalogue (its code and source are fixed: other records refer to them)."""

    name = forms.CharField(label=_("Rule"), max_length=60)
    points = _int(_("Points"), -1000, 1000)
    per_quantity = _int(_("Per how many units"), 1, 1000)
    unit = forms.CharField(label=_("Counting unit"), max_length=10)

    def clean_points(self):
        value = self.cleaned_data["points"]
        if value == 0:
            raise ValidationError(_("Points: must not be 0."))
        return value


class IncentivesForm(forms.Form):
    """§9 the monthly grade allowance per grade, the bonus base and the two sets of coefficients.

    Field names are ``allowance_<grade>``, ``bonus_base``, ``coefficient_<grade>`` and
    ``coefficient_<band>``; :meth:`document` turns them into the stored document."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for g in GRADES_DOWN:
            self.fields[f"allowance_{g}"] = _decimal(
                _("Monthly grade allowance, %(grade)s (RMB)") % {"grade": GRADE_LABEL[g]}, 0, 100000)
        self.fields["bonus_base"] = _decimal(_("Annual bonus base (RMB)"), 0, 1000000, max_digits=10)
        for g in GRADES_DOWN:
            self.fields[f"coefficient_{g}"] = _decimal(
                _("Bonus coefficient, %(grade)s") % {"grade": GRADE_LABEL[g]}, 0, 10, places=3)
        for code, label in BAND_CHOICES:
            self.fields[f"coefficient_{code}"] = _decimal(
                _("Bonus coefficient, result %(band)s") % {"band": label}, 0, 10, places=3)

    @staticmethod
    def initial_from(document: dict) -> dict:
        d = incentives_to_dict(incentives_from_dict(document)) if document is not None else {}
        initial = {f"allowance_{g}": v for g, v in d.get("monthly_allowance", {}).items()}
        initial["bonus_base"] = d.get("bonus_base")
        initial |= {f"coefficient_{g}": v for g, v in d.get("grade_coefficients", {}).items()}
        initial |= {f"coefficient_{b}": v for b, v in d.get("result_coefficients", {}).items()}
        return initial

    def document(self) -> dict:
        c = self.cleaned_data
        return {
            "monthly_allowance": {str(g): str(_dec(c[f"allowance_{g}"])) for g in GRADES_DOWN},
            "bonus_base": str(_dec(c["bonus_base"])),
            "grade_coefficients": {str(g): str(_dec(c[f"coefficient_{g}"])) for g in GRADES_DOWN},
            "result_coefficients": {code: str(_dec(c[f"coefficient_{code}"])) for code, _l in BAND_CHOICES},
        }

    @staticmethod
    def field_of(part: str) -> str | None:
        """The input an error of the incentives codec belongs to (``monthly_allowance.4`` → allowance_4)."""
        name, _dot, key = part.partition(".")
        return {"monthly_allowance": f"allowance_{key}", "grade_coefficients": f"coefficient_{key}",
                "result_coefficients": f"coefficient_{key}", "bonus_base": "bonus_base"}.get(name)


class WorkforceForm(forms.Form):
    """§5.2.1–§5.2.4 recruitment, training, certificates and separation values (cfg).

    Field names are ``<section>__<name>`` of ``auxpost.policy.workforce``; the codec checks the rest
    (age order, weights summing to 1) when the service decodes the document."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["recruitment__min_age"] = _int(_("Recruitment: youngest age at application"), 16, 70)
        f["recruitment__max_age"] = _int(_("Recruitment: oldest age at application"), 16, 70)
        f["recruitment__min_education"] = forms.ChoiceField(
            label=_("Recruitment: lowest education"), choices=Education.choices)
        f["recruitment__weight_exam"] = _decimal(_("Recruitment: weight of the written exam"), 0, 1)
        f["recruitment__weight_interview"] = _decimal(_("Recruitment: weight of the interview"), 0, 1)
        f["recruitment__weight_fitness"] = _decimal(_("Recruitment: weight of the fitness test"), 0, 1)
        f["recruitment__pass_score"] = _decimal(_("Recruitment: pass mark of each score and the total"), 0, 100)
        f["recruitment__publicity_working_days"] = _int(_("Recruitment: public notice (working days)"), 5, 30)
        f["recruitment__min_contract_years"] = _int(_("Dispatch contract: at least (years)"), 2, 10)
        f["training__induction_hours"] = _decimal(_("Training hours: induction (once, on hiring)"), 0, 1000)
        f["training__annual_hours"] = _decimal(_("Training hours: annual (each year)"), 0, 1000)
        f["training__promotion_hours"] = _decimal(_("Training hours: before a promotion"), 0, 1000)
        f["training__pass_score"] = _decimal(_("Training: exam pass mark"), 0, 100)
        f["certificates__validity_years"] = _int(_("Duty certificate: valid for (years)"), 1, 10)
        f["certificates__reminder_days"] = _int(_("Duty certificate: remind before expiry (days)"), 1, 365)
        f["separation__retirement_notice_days"] = _int(
            _("Retirement: propose the separation this many days ahead"), 1, 365)

    @staticmethod
    def initial_from(document: dict | None) -> dict:
        d = workforce_to_dict(workforce_from_dict(document or {}))
        return {f"{section}__{name}": v for section, values in d.items() for name, v in values.items()}

    def document(self) -> dict:
        out: dict = {}
        for key, value in self.cleaned_data.items():
            section, _sep, name = key.partition("__")
            out.setdefault(section, {})[name] = str(_dec(value)) if isinstance(value, Decimal) else value
        return out

    @staticmethod
    def field_of(part: str) -> str:
        """The input an error of the workforce codec belongs to (``recruitment.max_age`` → recruitment__max_age)."""
        return part.replace(".", "__")


_SEP = re.compile(r"\s*[|｜]\s*")


def _lines_field(label, help_text):
    return forms.CharField(label=label, help_text=help_text, required=False,
                           widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}))


class DailyForm(forms.Form):
    """§5.3 the daily links (cfg): shifts, roll-call marks, duty, leave, uniform checklist, meeting kinds.

    Scalars are ``<section>__<name>`` of ``auxpost.policy.daily``; each list is a text box with one item
    per line, its parts separated by “|”. The codec checks everything (times, orders, codes) when the
    service decodes the document, and its errors come back onto the box they are about."""

    LISTS = {
        "shifts": ("code", "name", "start", "end", "break_start", "break_end"),
        "leave__types": ("code", "name", "counting", "max_days", "note_from_days"),
        "leave__approval": ("max_days", "approver"),
        "uniform__checklist": ("code", "name"),
        "meetings__kinds": ("code", "name"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["shifts"] = _lines_field(_("Shifts"), _("One per line: code | name | start | end | break start | break "
                                                  "end, e.g. day | 早班 | 08:30 | 17:30 | 12:00 | 14:00 (the break may "
                                                  "be left out; an end before the start is the next day)."))
        f["roll_call__grace_minutes"] = _int(_("Roll call: on time up to this many minutes after the start"), 0, 60)
        f["roll_call__late_minor_minutes"] = _int(_("Roll call: late (minor) up to (minutes)"), 1, 240)
        f["roll_call__late_major_minutes"] = _int(_("Roll call: late (major) up to (minutes)"), 1, 240)
        f["roll_call__late_over_absence_days"] = _decimal(
            _("Roll call: later than that counts as absence of (days)"), 0, 1, places=1)
        f["roll_call__no_mark_absence_days"] = _decimal(
            _("Roll call: no mark by the shift end counts as absence of (days)"), 0, 1, places=1)
        f["roll_call__proxy_absence_days"] = _decimal(
            _("Roll call: a confirmed proxy check-in counts as absence of (days), for both"), 0, 1, places=1)
        f["roll_call__opens_minutes_before"] = _int(_("Roll call: phone check-in opens before the start (minutes)"),
                                                    0, 240)
        f["roll_call__max_accuracy_m"] = _int(_("Roll call: refuse a location less accurate than (metres)"),
                                              10, 5000)
        f["duty__min_patrol_size"] = _int(_("Duty: a patrol group has at least (people)"), 1, 10)
        f["duty__handover_ack_hours"] = _int(_("Handover: flag when not acknowledged within (hours)"), 1, 72)
        f["leave__types"] = _lines_field(_("Leave types"), _(
            "One per line: code | name | working or calendar (how its days count) | longest (days, empty: no "
            "cap) | medical note from (days, empty: never). 事假 personal, 病假 sick, 年休假 annual and 产假 "
            "maternity cannot be removed."))
        f["leave__approval"] = _lines_field(_("Leave approval by length"), _(
            "One per line, shortest first: up to (days) | approver (squadron, brigade or bureau); the last line "
            "has no limit, e.g. “| bureau”."))
        f["leave__hr_copy_over_days"] = _decimal(_("Leave: copied to the HR company when longer than (days)"),
                                                 0, 365, places=1)
        f["leave__report_back_working_days"] = _int(_("Leave: report back (销假) within (working days)"), 0, 30)
        f["leave__annual_days_1"] = _int(_("Annual leave: 1–10 years of service (days)"), 0, 60)
        f["leave__annual_days_10"] = _int(_("Annual leave: 10–20 years of service (days)"), 0, 60)
        f["leave__annual_days_20"] = _int(_("Annual leave: 20 years of service or more (days)"), 0, 60)
        f["leave__maternity_days"] = _int(_("Maternity leave (days)"), 0, 365)
        f["leave__maternity_difficult_extra"] = _int(_("Maternity leave: extra for a difficult birth (days)"), 0, 365)
        f["leave__maternity_per_extra_baby"] = _int(_("Maternity leave: extra per additional baby (days)"), 0, 365)
        f["leave__injury_extra_days"] = _int(_("Work-injury leave: provincial extra days"), 0, 365)
        f["uniform__checklist"] = _lines_field(_("Uniform checklist"), _("One item per line: code | name."))
        f["meetings__kinds"] = _lines_field(_("Meeting kinds"), _("One per line: code | name."))

    @classmethod
    def initial_from(cls, document: dict | None) -> dict:
        d = daily_to_dict(daily_from_dict(document or {}))
        out = {}
        for key, parts in cls.LISTS.items():
            section, _sep, name = key.partition("__")
            items = d[section] if not name else d[section][name]
            out[key] = "\n".join(" | ".join("" if item.get(p) is None else str(item[p]) for p in parts).rstrip(" |")
                                 for item in items)
        for section in ("roll_call", "duty", "leave"):
            for name, value in d[section].items():
                if f"{section}__{name}" not in cls.LISTS:
                    out[f"{section}__{name}"] = value
        return out

    def document(self) -> dict:
        out: dict = {}
        for key, value in self.cleaned_data.items():
            section, _sep, name = key.partition("__")
            if key in self.LISTS:
                parts = self.LISTS[key]
                items = []
                for line in (value or "").splitlines():
                    if not line.strip():
                        continue
                    bits = _SEP.split(line.strip())
                    items.append({p: (bits[i].strip() if i < len(bits) and bits[i].strip() else None)
                                  for i, p in enumerate(parts)})
                if name:
                    out.setdefault(section, {})[name] = items
                else:
                    out[section] = items
            else:
                out.setdefault(section, {})[name] = str(_dec(value)) if isinstance(value, Decimal) else value
        return out

    def field_of(self, part: str) -> str | None:
        """The input an error of the daily codec belongs to (``roll_call.grace_minutes`` →
        roll_call__grace_minutes, ``leave.types`` → leave__types, ``shifts`` → shifts)."""
        name = part.replace(".", "__")
        return name if name in self.fields else None


# --- the whole edit page --------------------------------------------------------------------------


class PolicyForms:
    """Every form of the edit page, bound to POST data or to the version's current documents."""

    def __init__(self, pv: PolicyVersion, data=None):
        self.pv = pv
        g, a, p = pv.grade, pv.assessment, pv.points
        self.reqs = {r["grade"]: r for r in g.get("requirements", [])}
        self.meta = MetaForm(data, prefix="meta", initial={
            "name": pv.name, "effective_from": pv.effective_from, "notes": pv.notes})
        self.grade_rows = [
            GradeRowForm(data, prefix=f"req{grade}", initial={
                k: ("" if v is None else v) for k, v in self.reqs.get(grade, {}).items()})
            for grade in PROMOTION_GRADES
        ]
        self.grade_pairs = [(GRADE_LABEL[g], form) for g, form in zip(PROMOTION_GRADES, self.grade_rows, strict=True)]
        # A grade document stored before §8.4's 公示 setting existed reads as the rule's default.
        self.grade_settings = GradeSettingsForm(data, prefix="grade", initial={
            "publicity_working_days": GradePolicy.publicity_working_days} | g)
        self.indicators = IndicatorFormSet(data, prefix="ind", initial=a.get("monthly_indicators", []))
        self.components = ComponentFormSet(data, prefix="comp", initial=a.get("skills_components", []))
        self.assessment = AssessmentSettingsForm(data, prefix="asmt", initial=a | {
            "excellent_cap_percent": _dec(Decimal(str(a.get("excellent_cap", "0"))) * 100)})
        self.bands = [(b, BandForm(data, prefix=f"band-{b['code']}", initial=b))
                      for b in a.get("bands", []) if b["code"] != "fail"]
        self.fixed_bands = [b for b in a.get("bands", []) if b["code"] == "fail"]
        self.points_settings = PointsSettingsForm(data, prefix="pts", initial=p)
        self.rules = [(r, PointsRuleForm(data, prefix=f"rule-{r['code']}", initial=r)) for r in p.get("rules", [])]
        self.incentives = IncentivesForm(data, prefix="inc", initial=IncentivesForm.initial_from(pv.incentives))
        self.workforce = WorkforceForm(data, prefix="wf", initial=WorkforceForm.initial_from(pv.workforce))
        self.daily = DailyForm(data, prefix="day", initial=DailyForm.initial_from(pv.daily))
        #: errors of a whole section (sums, orders) that belong to no single input
        self.section_errors: dict[str, list[str]] = {}

    def all_forms(self):
        yield self.meta
        yield from self.grade_rows
        yield self.grade_settings
        yield self.assessment
        yield from (f for _b, f in self.bands)
        yield self.points_settings
        yield from (f for _r, f in self.rules)
        yield self.incentives
        yield self.workforce
        yield self.daily

    def is_valid(self) -> bool:
        ok = [f.is_valid() for f in self.all_forms()]
        ok += [self.indicators.is_valid(), self.components.is_valid()]
        return all(ok)

    def documents(self) -> dict:
        """The four documents with the submitted values (fields no form shows are kept as they were)."""
        g = copy.deepcopy(self.pv.grade)
        requirements = []
        for grade, form in zip(PROMOTION_GRADES, self.grade_rows, strict=True):
            row = dict(self.reqs.get(grade, {"grade": grade, "from_grade": grade + 1}))
            c = form.cleaned_data
            row.update(years_in_grade=c["years_in_grade"], min_education=c["min_education"],
                       points_average=_number(c["points_average"]), points_floor=_number(c["points_floor"]),
                       results_min_band=c["results_min_band"], excellent_needed=c["excellent_needed"],
                       skills_min=_number(c["skills_min"]), decided_by=c["decided_by"].strip(),
                       shortcut_education=c["shortcut_education"] or None, shortcut_years=c["shortcut_years"])
            requirements.append(row)
        g["requirements"] = requirements
        c = self.grade_settings.cleaned_data
        g.update({k: v for k, v in c.items() if k != "demote_points_below"})
        g["demote_points_below"] = _number(c["demote_points_below"])
        g["entry_decided_by"] = c["entry_decided_by"].strip()

        a = copy.deepcopy(self.pv.assessment)
        a["monthly_indicators"] = [{"code": r["code"], "name": r["name"].strip(), "max_points": str(_dec(r["max_points"]))}
                                   for r in self.indicators.rows()]
        a["skills_components"] = [{"code": r["code"], "name": r["name"].strip(), "weight": str(_dec(r["weight"]))}
                                  for r in self.components.rows()]
        c = self.assessment.cleaned_data
        for k in ("skills_rounds_per_year", "cap_unit_level", "veto_absence_days", "veto_lates", "veto_sanction"):
            a[k] = c[k]
        for k in ("weight_monthly", "weight_skills", "weight_points", "points_ceiling"):
            a[k] = str(_dec(c[k]))
        a["excellent_cap"] = str(_dec(c["excellent_cap_percent"] / 100))
        mins = {b["code"]: str(_dec(f.cleaned_data["min_score"])) for b, f in self.bands}
        a["bands"] = [dict(b, min_score=mins.get(b["code"], b["min_score"])) for b in a.get("bands", [])]

        p = copy.deepcopy(self.pv.points)
        p.update(self.points_settings.cleaned_data)
        edited = {r["code"]: f.cleaned_data for r, f in self.rules}
        p["rules"] = [dict(r, name=edited[r["code"]]["name"].strip(), points=edited[r["code"]]["points"],
                           per_quantity=edited[r["code"]]["per_quantity"], unit=edited[r["code"]]["unit"].strip())
                      if r["code"] in edited else r for r in p.get("rules", [])]
        return {"grade": g, "assessment": a, "points": p, "incentives": self.incentives.document(),
                "workforce": self.workforce.document(), "daily": self.daily.document()}

    # -- service errors back onto the inputs ------------------------------------------------------

    def _section(self, key: str, message: str) -> None:
        self.section_errors.setdefault(key, []).append(message)

    def _on(self, form: forms.Form, field: str | None, message: str) -> None:
        form.add_error(field if field in form.fields else None, message)

    def add_service_error(self, field: str, part: str, message: str) -> None:
        """Show one error of ``policy_version_update_draft`` next to the input it is about."""
        if field in ("name", "effective_from", "notes"):
            self._on(self.meta, field, message)
        elif field == "grade":
            self._grade_error(part, message)
        elif field == "assessment":
            self._assessment_error(part, message)
        elif field == "points":
            self._points_error(part, message)
        elif field == "incentives":
            name = IncentivesForm.field_of(part)
            if name in self.incentives.fields:
                self._on(self.incentives, name, message)
            else:
                self._section("incentives", message)
        elif field == "workforce":
            name = WorkforceForm.field_of(part)
            if name in self.workforce.fields:
                self._on(self.workforce, name, message)
            else:
                self._section("workforce", message)
        elif field == "daily":
            name = self.daily.field_of(part)
            if name:
                self._on(self.daily, name, message)
            else:
                self._section("daily", message)
        else:
            self._section("top", message)

    def _grade_error(self, part: str, message: str) -> None:
        bits = part.split(".")
        if bits[0] == "requirements" and len(bits) >= 2 and bits[1].isdigit() and int(bits[1]) in PROMOTION_GRADES:
            form = self.grade_rows[PROMOTION_GRADES.index(int(bits[1]))]
            self._on(form, bits[2] if len(bits) > 2 else None, message)
        elif bits[0] == "requirements":
            self._section("grade_table", message)
        elif part in self.grade_settings.fields:
            self._on(self.grade_settings, part, message)
        else:
            self._section("grade_settings", message)

    def _assessment_error(self, part: str, message: str) -> None:
        ind_codes = {f.cleaned_data.get("code"): f for f in self.indicators.forms if f.cleaned_data}
        comp_codes = {f.cleaned_data.get("code"): f for f in self.components.forms if f.cleaned_data}
        settings_field = {"excellent_cap": "excellent_cap_percent", "vetoes": None}.get(part, part)
        if part in ind_codes:
            self._on(ind_codes[part], "max_points", message)
        elif part in comp_codes:
            self._on(comp_codes[part], "weight", message)
        elif part.startswith("monthly_indicators"):
            self._section("indicators", message)
        elif part.startswith("skills_components"):
            self._section("components", message)
        elif part.startswith("bands"):
            self._section("bands", message)
        elif part in ("weights", "vetoes") or settings_field in self.assessment.fields:
            self._on(self.assessment, settings_field, message)
        else:
            self._section("assessment", message)

    def _points_error(self, part: str, message: str) -> None:
        by_code = {r["code"]: f for r, f in self.rules}
        if part in by_code:
            self._on(by_code[part], "points", message)
        elif part in self.points_settings.fields:
            self._on(self.points_settings, part, message)
        else:
            self._section("points", message)
