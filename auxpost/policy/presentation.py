"""§6.2, §7, §10, §9 a policy version as the readable tables of the SPEC (for the detail page).

Numbers print without trailing zeros (85, 0.4, 15%); grade, education and band names are the
rules' own Chinese labels, so the page reads like the standard's tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from auxpost.grading.rules import BAND_LABEL, COMMENDATION_LABEL, EDUCATION_MIN_LABEL, GRADE_LABEL
from auxpost.incentives.rules import BANDS, GRADES
from auxpost.points.models import Source
from auxpost.policy.rules import UNIT_LEVEL_LABEL, PolicyBundle
from auxpost.policy.workforce import EDUCATION_LABEL


def num(value) -> str:
    """85.0 → "85", Decimal("0.40") → "0.4", 92.5 → "92.5"."""
    if isinstance(value, bool):
        return str(value)
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(d.normalize(), "f")
    return text


def percent(fraction) -> str:
    return num(Decimal(str(fraction)) * 100) + "%"


@dataclass(frozen=True)
class GradeRow:
    grade: str
    from_grade: str
    years: str
    education: str
    points: str
    results: str
    skills: str
    decided_by: str


@dataclass(frozen=True)
class Item:
    label: str
    value: str


def grade_rows(bundle: PolicyBundle) -> list[GradeRow]:
    """§6.2 the grade table: 五级 (entry) then 四级 … 一级."""
    g = bundle.grade
    rows = [GradeRow(
        grade=GRADE_LABEL[5], from_grade=_("hire"), years=_("probation passed"),
        education=EDUCATION_MIN_LABEL.get(g.entry_min_education, g.entry_min_education), points="—",
        results=_("probation assessment passed"), skills="—", decided_by=g.entry_decided_by,
    )]
    for r in sorted(g.requirements, key=lambda r: -r.grade):
        years = f"≥{r.years_in_grade}"
        if r.shortcut_education and r.shortcut_years is not None:
            years = _("%(years)s (%(education)s: ≥%(short)s)") % {
                "years": years, "education": EDUCATION_MIN_LABEL.get(r.shortcut_education, r.shortcut_education),
                "short": r.shortcut_years}
        results = _("all ≥%(band)s") % {"band": BAND_LABEL.get(r.results_min_band, r.results_min_band)}
        if r.excellent_needed:
            results = _("%(results)s, ≥%(n)s × %(excellent)s") % {
                "results": results, "n": r.excellent_needed, "excellent": BAND_LABEL["excellent"]}
        rows.append(GradeRow(
            grade=GRADE_LABEL[r.grade], from_grade=GRADE_LABEL.get(r.from_grade, str(r.from_grade)), years=years,
            education=EDUCATION_MIN_LABEL.get(r.min_education, r.min_education),
            points=_("≥%(average)s, none <%(floor)s") % {"average": num(r.points_average),
                                                         "floor": num(r.points_floor)},
            results=results, skills=f"≥{num(r.skills_min)}" if r.skills_min else "—", decided_by=r.decided_by,
        ))
    return rows


def grade_settings(bundle: PolicyBundle) -> list[Item]:
    """§6.1/§6.2 the rest of the grade policy: age, sanctions, quotas, demotion, early promotion."""
    g = bundle.grade
    demotion = []
    if g.demote_on_fail:
        demotion.append(_("one %(fail)s year → down one grade (at %(g5)s: retraining, 待岗)") % {
            "fail": BAND_LABEL["fail"], "g5": GRADE_LABEL[5]})
    if g.demote_consecutive_basic:
        demotion.append(_("%(n)s %(basic)s years in a row → down one grade") % {
            "n": g.demote_consecutive_basic, "basic": BAND_LABEL["basic"]})
    demotion.append(_("annual points <%(points)s → down one grade") % {"points": num(g.demote_points_below)})
    if g.separation_consecutive_fail:
        demotion.append(_("%(n)s %(fail)s years in a row → separation (退回) proposal") % {
            "n": g.separation_consecutive_fail, "fail": BAND_LABEL["fail"]})
    if g.early_promotion_allowed and g.early_promotion_years_waived:
        early = _("a %(level)s-or-higher commendation waives %(n)s year(s) in grade") % {
            "level": COMMENDATION_LABEL.get(g.early_promotion_min_level, g.early_promotion_min_level),
            "n": g.early_promotion_years_waived}
    else:
        early = _("not allowed")
    return [
        Item(_("Age"), _("at least %(months)s months from statutory retirement (2025 progressive rule)") % {
            "months": g.promotion_age_margin_months}),
        Item(_("Sanctions"), _("a disciplinary sanction within the last %(months)s months blocks promotion") % {
            "months": g.sanction_lookback_months}),
        Item(_("Quotas"), f"{GRADE_LABEL[2]}+{GRADE_LABEL[1]} ≤{g.quota_grades_2_and_1_percent}%；"
                          f"{GRADE_LABEL[1]} ≤{g.quota_grade_1_percent}%"),
        Item(_("Demotion"), "；".join(demotion)),
        Item(_("Early promotion"), early),
        Item(_("Public notice (公示)"), _("at least %(days)s working days") % {"days": g.publicity_working_days}),
    ]


def incentives_tables(bundle: PolicyBundle) -> dict:
    """§9 per grade: the monthly allowance and the bonus coefficient; per result: the coefficient."""
    inc = bundle.incentives
    return {
        "grades": [{"grade": GRADE_LABEL[g], "allowance": num(inc.allowance(g)),
                    "coefficient": num(inc.grade_coefficient(g))} for g in GRADES],
        "results": [Item(BAND_LABEL[b], num(inc.result_coefficient(b))) for b in BANDS],
        "base": num(inc.bonus_base),
    }


def workforce_items(bundle: PolicyBundle) -> list[Item]:
    """§5.2.1–§5.2.4 the recruitment, training, certificate and separation values, one line each."""
    w = bundle.workforce
    r, t, c = w.recruitment, w.training, w.certificates
    return [
        Item(_("Recruitment: age at application"), f"{r.min_age}–{r.max_age}"),
        Item(_("Recruitment: lowest education"), EDUCATION_LABEL.get(r.min_education, r.min_education)),
        Item(_("Recruitment: score weights"), _("written exam %(e)s, interview %(i)s, fitness %(f)s") % {
            "e": num(r.weight_exam), "i": num(r.weight_interview), "f": num(r.weight_fitness)}),
        Item(_("Recruitment: pass mark"), num(r.pass_score)),
        Item(_("Recruitment: public notice"), _("at least %(days)s working days") % {"days": r.publicity_working_days}),
        Item(_("Dispatch contract"), _("at least %(years)s years (Labour Contract Law Art. 58)") % {
            "years": r.min_contract_years}),
        Item(_("Training hours"), _("induction %(i)s, annual %(a)s, before a promotion %(p)s; exam pass mark %(s)s") % {
            "i": num(t.induction_hours), "a": num(t.annual_hours), "p": num(t.promotion_hours),
            "s": num(t.pass_score)}),
        Item(_("Duty certificate"), _("valid %(years)s years; reminder %(days)s days before expiry") % {
            "years": c.validity_years, "days": c.reminder_days}),
        Item(_("Statutory retirement"), _("separation proposed %(days)s days ahead") % {
            "days": w.separation.retirement_notice_days}),
    ]


def daily_items(bundle: PolicyBundle) -> list[Item]:
    """§5.3 the daily links: shifts, roll-call marks, duty, leave, uniform checklist and meeting kinds."""
    d = bundle.daily
    rc, lv = d.roll_call, d.leave

    def hm(t):
        return t.strftime("%H:%M")

    shifts = []
    for s in d.shifts:
        text = f"{s.name} {hm(s.start)}–{hm(s.end)}" + (_("(next day)") if s.overnight else "")
        if s.break_start:
            text += _(", break %(a)s–%(b)s") % {"a": hm(s.break_start), "b": hm(s.break_end)}
        shifts.append(text)
    approvers = {"squadron": _("squadron leader"), "brigade": _("brigade leader"), "bureau": _("bureau leadership")}
    tiers = []
    for t in lv.approval:
        who = approvers.get(t.approver, t.approver)
        tiers.append(_("up to %(days)s days: %(who)s") % {"days": num(t.max_days), "who": who} if t.max_days
                     else _("longer: %(who)s") % {"who": who})
    types = []
    for t in lv.types:
        bits = [t.name, _("working days") if t.counting == "working" else _("calendar days")]
        if t.max_days:
            bits.append(_("at most %(n)s days") % {"n": num(t.max_days)})
        if t.note_from_days:
            bits.append(_("medical note from %(n)s days") % {"n": num(t.note_from_days)})
        types.append(" ".join(str(b) for b in bits))
    return [
        Item(_("Shifts"), "；".join(shifts)),
        Item(_("Marking the roll call"), _(
            "on time up to %(g)s min after the start; late up to %(a)s min; late up to %(b)s min; later: %(h)s "
            "day absent; no mark by the shift end: %(n)s day absent unless on leave or off duty; confirmed proxy "
            "check-in: %(p)s day absent for both") % {
            "g": rc.grace_minutes, "a": rc.late_minor_minutes, "b": rc.late_major_minutes,
            "h": num(rc.late_over_absence_days), "n": num(rc.no_mark_absence_days), "p": num(rc.proxy_absence_days)}),
        Item(_("Phone check-in"), _("opens %(m)s min before the shift; location accurate to %(a)s m or better") % {
            "m": rc.opens_minutes_before, "a": rc.max_accuracy_m}),
        Item(_("Duty"), _("patrol groups of at least %(n)s; a handover is flagged when not acknowledged within "
                          "%(h)s hours") % {"n": d.duty.min_patrol_size, "h": d.duty.handover_ack_hours}),
        Item(_("Leave types"), "；".join(types)),
        Item(_("Leave approval"), "；".join(str(t) for t in tiers) + "；" + _(
            "longer than %(n)s days copied to the HR company") % {"n": num(lv.hr_copy_over_days)}),
        Item(_("Annual leave"), _("%(a)s / %(b)s / %(c)s days for 1–10 / 10–20 / 20+ years of service") % {
            "a": lv.annual_days_1, "b": lv.annual_days_10, "c": lv.annual_days_20}),
        Item(_("Maternity leave"), _("%(d)s days, +%(x)s for a difficult birth, +%(y)s per additional baby") % {
            "d": lv.maternity_days, "x": lv.maternity_difficult_extra, "y": lv.maternity_per_extra_baby}),
        Item(_("Report back (销假)"), _("within %(n)s working days after the leave ends") % {
            "n": lv.report_back_working_days}),
        Item(_("Uniform checklist"), "；".join(c.name for c in d.uniform.checklist)),
        Item(_("Meeting kinds"), "；".join(c.name for c in d.meetings.kinds)),
    ]


def assessment_tables(bundle: PolicyBundle) -> dict:
    """§7.2/§7.3 indicators, components, composite weights, bands, the 优秀 cap and the vetoes."""
    a = bundle.assessment
    bands = []
    above = None
    for b in a.bands:
        if b.min_score == 0 and above is not None:
            rng = f"<{num(above)}"
        elif above is None:
            rng = f"≥{num(b.min_score)}"
        else:
            rng = f"≥{num(b.min_score)}，<{num(above)}"
        bands.append(Item(b.name, rng))
        above = b.min_score
    composite = _("%(wm)s × mean monthly score + %(ws)s × mean skills score + %(wp)s × min(annual points, "
                  "%(ceiling)s)") % {"wm": num(a.weight_monthly), "ws": num(a.weight_skills),
                                     "wp": num(a.weight_points), "ceiling": num(a.points_ceiling)}
    vetoes = [_("≥%(days)s days of absence (旷工) in the year → %(fail)s") % {
        "days": a.veto_absence_days, "fail": BAND_LABEL["fail"]}]
    if a.veto_sanction:
        vetoes.append(_("a disciplinary sanction → no %(excellent)s") % {"excellent": BAND_LABEL["excellent"]})
    vetoes.append(_("≥%(lates)s lates in the year → no %(excellent)s") % {
        "lates": a.veto_lates, "excellent": BAND_LABEL["excellent"]})
    return {
        "indicators": [Item(i.name, num(i.max_points)) for i in a.monthly_indicators],
        "indicator_total": num(sum((i.max_points for i in a.monthly_indicators), Decimal(0))),
        "rounds": a.skills_rounds_per_year,
        "components": [Item(c.name, num(c.weight)) for c in a.skills_components],
        "composite": composite,
        "weights": [Item(_("Monthly assessment (日常考核)"), num(a.weight_monthly)),
                    Item(_("Skills assessment (集中考核)"), num(a.weight_skills)),
                    Item(_("Annual points"), num(a.weight_points))],
        "points_ceiling": num(a.points_ceiling),
        "bands": bands,
        "cap": _("%(excellent)s ≤%(cap)s per %(unit)s (rounded down)") % {
            "excellent": BAND_LABEL["excellent"], "cap": percent(a.excellent_cap),
            "unit": UNIT_LEVEL_LABEL.get(a.cap_unit_level, a.cap_unit_level)},
        "vetoes": vetoes,
    }


def points_tables(bundle: PolicyBundle) -> dict:
    """§10 the rule catalogue with base, floor and ceiling."""
    p = bundle.points
    sources = dict(Source.choices)
    rules = []
    for r in p.rules:
        per = pgettext("points rule unit", "per %(n)s %(unit)s") % {"n": r.per_quantity, "unit": r.unit} \
            if r.per_quantity != 1 else pgettext("points rule unit", "per %(unit)s") % {"unit": r.unit}
        rules.append({"name": r.name, "points": f"{r.points:+d}", "per": per,
                      "source": sources.get(r.source, r.source), "code": r.code,
                      "second_approval": r.needs_second_approval})
    return {"rules": rules, "base": p.annual_base, "floor": p.floor, "ceiling": p.ceiling}
