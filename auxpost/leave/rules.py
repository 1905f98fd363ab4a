"""§5.3.4 请销假 as pure functions (no Django): length of a leave, entitlements, the checks a request
must pass, the approver, the report-back deadline and the overdue days.

Days are counted on the §11 calendar's *schedule* (``{year: {date: kind}}``, see
``auxpost.workcal.rules``): a type counted in working days (事假, 病假, 年休假 …) counts the working days
of the period — make-up workdays count, statutory holidays and rest days do not; a type counted in
calendar days (产假, 婚假 …) counts every day. A half day (first day from the afternoon, last day until
noon) counts 0.5 when that day counts at all. A year without a confirmed schedule raises
``auxpost.workcal.rules.YearNotConfirmed``; the services turn it into the calendar's Chinese message.
Messages are Chinese literals (the house rule for pure rules), each naming its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import auxpost.workcal.rules as cal

AM = "am"
PM = "pm"
HALF = Decimal("0.5")
_ONE = dt.timedelta(days=1)


def _counts(day: dt.date, counting: str, schedule) -> bool:
    return counting == "calendar" or cal.is_working_day(day, schedule)


def leave_days(start: dt.date, end: dt.date, counting: str, schedule, *, start_half: str = AM,
               end_half: str = PM) -> Decimal:
    """§5.3.4 the length of a leave [start, end]: working days on the §11 calendar (``counting`` =
    "working") or calendar days ("calendar"), less half a day for a first day taken from the afternoon
    and for a last day ending at noon (when that day counts). 0 when ``end`` is before ``start``."""
    if end < start:
        return Decimal(0)
    if counting == "calendar":
        days = Decimal((end - start).days + 1)
    else:
        days = Decimal(cal.working_days_between(start, end, schedule))
    if start_half == PM and _counts(start, counting, schedule):
        days -= HALF
    if end_half == AM and _counts(end, counting, schedule):
        days -= HALF
    return max(days, Decimal(0))


def service_years(work_start: dt.date, on: dt.date) -> int:
    """Whole years from ``work_start`` to ``on`` (职工带薪年休假条例: total years of service)."""
    if on < work_start:
        return 0
    years = on.year - work_start.year
    if (on.month, on.day) < (work_start.month, work_start.day):
        years -= 1
    return years


def report_back_due(end: dt.date, working_days: int, schedule) -> dt.date:
    """§5.3.4 the last day to report back (销假): the ``working_days``-th working day after ``end``
    (the leave's last day); 0 = the last day itself."""
    if working_days <= 0:
        return end
    return cal.add_working_days(end + _ONE, working_days, schedule)


def overdue_days(end: dt.date, until: dt.date, schedule) -> list[dt.date]:
    """§5.3.4 the working days after ``end`` and before ``until`` (the day of the report back, or the day
    the overdue check runs): each one is a day of 旷工 for a leave not reported back in time."""
    out = []
    day = end + _ONE
    while day < until:
        if cal.is_working_day(day, schedule):
            out.append(day)
        day += _ONE
    return out


@dataclass(frozen=True)
class Proposal:
    """What a member asks for, with what the database knows about them (for the pure checks)."""

    type_code: str
    start: dt.date | None
    end: dt.date | None
    start_half: str = AM
    end_half: str = PM
    difficult_birth: bool = False
    babies: int = 1
    #: 年休假 already taken (approved or waiting) in the leave's year, excluding this request.
    annual_taken: Decimal = Decimal(0)
    #: Total years of service on the first day (年休假).
    service_years: int = 0
    #: Medical notes attached (病假).
    notes: int = 0
    #: Another request of the member over the same days, as "事假 2026-06-01至2026-06-02", or "".
    clash: str = ""


def check(p: Proposal, leave_policy, schedule) -> tuple[Decimal, dict[str, str]]:
    """§5.3.4 the length of a proposal and the problems refusing it ({field: Chinese reason}).

    Refused: an unknown type; an end before the start or a half-day pair that leaves nothing; a period
    with no day to count; more than the type's ``max_days``; 年休假 beyond the year's entitlement by
    years of service less what was taken; 产假 beyond 98 days (+15 for a difficult birth, +15 per extra
    baby); 病假 of ``note_from_days`` or more without a medical note; days already asked for.
    """
    errors: dict[str, str] = {}
    lt = leave_policy.type(p.type_code)
    if lt is None:
        errors["type_code"] = "请假类型：请选择一种请假类型。"
    if p.start is None:
        errors["start"] = "开始日期：请填写。"
    if p.end is None:
        errors["end"] = "结束日期：请填写。"
    if p.start_half not in (AM, PM):
        errors["start_half"] = "开始时段：只能是上午或下午。"
    if p.end_half not in (AM, PM):
        errors["end_half"] = "结束时段：只能是上午或下午。"
    if errors:
        return Decimal(0), errors
    if p.end < p.start:
        return Decimal(0), {"end": "结束日期：不能早于开始日期。"}
    if p.start == p.end and p.start_half == PM and p.end_half == AM:
        return Decimal(0), {"end_half": "结束时段：同一天从下午开始的请假不能在上午结束。"}
    if (p.end - p.start).days > 366:
        return Decimal(0), {"end": "结束日期：一次请假不能超过一年。"}
    days = leave_days(p.start, p.end, lt.counting, schedule, start_half=p.start_half, end_half=p.end_half)
    if days <= 0:
        return days, {"end": "结束日期：所选期间没有需要请假的工作日。"}
    if lt.max_days is not None and days > lt.max_days:
        errors["end"] = f"结束日期：{lt.name}最多{_fmt(lt.max_days)}天，所选期间为{_fmt(days)}天。"
    if p.type_code == "annual":
        entitled = Decimal(leave_policy.annual_entitlement(p.service_years))
        left = entitled - p.annual_taken
        if days > left:
            errors["end"] = (f"结束日期：{p.start.year}年年休假应休{_fmt(entitled)}天（工龄{p.service_years}年），"
                             f"已休或已申请{_fmt(p.annual_taken)}天，剩余{_fmt(max(left, Decimal(0)))}天，"
                             f"不足本次{_fmt(days)}天。")
    if p.type_code == "maternity":
        if p.babies < 1 or p.babies > 9:
            errors["babies"] = "婴儿数：应为1至9。"
        else:
            allowed = Decimal(leave_policy.maternity_entitlement(difficult=p.difficult_birth, babies=p.babies))
            if days > allowed:
                errors["end"] = f"结束日期：产假最多{_fmt(allowed)}天，所选期间为{_fmt(days)}天。"
    if lt.note_from_days is not None and days >= lt.note_from_days and p.notes == 0:
        errors["notes"] = f"病历或诊断证明：{lt.name}{_fmt(lt.note_from_days)}天及以上须上传。"
    if p.clash:
        errors["start"] = f"开始日期：与已申请的{p.clash}时间重叠。"
    return days, errors


def overlaps(a_start: dt.date, a_start_half: str, a_end: dt.date, a_end_half: str,
             b_start: dt.date, b_start_half: str, b_end: dt.date, b_end_half: str) -> bool:
    """Whether two periods share any half day (a morning or an afternoon)."""
    def halves(s, sh, e, eh):
        return (s.toordinal() * 2 + (1 if sh == PM else 0), e.toordinal() * 2 + (0 if eh == AM else 1))

    a0, a1 = halves(a_start, a_start_half, a_end, a_end_half)
    b0, b1 = halves(b_start, b_start_half, b_end, b_end_half)
    return a0 <= b1 and b0 <= a1


def _fmt(d: Decimal) -> str:
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d:f}"
