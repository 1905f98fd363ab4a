"""§5.3 The daily-links policy (cfg): shifts, roll-call marks, duty, leave, uniform, meetings, handover.

Pure module, no Django import. A policy version stores it as its ``daily`` JSON document; an empty
document means the SPEC defaults below (versions published before the document existed read so).
A section or value left out keeps its default. Errors are Chinese and name the field
(``roll_call.late_minor_minutes`` …), like the other policy codecs.

The apps that run the daily links read it through ``auxpost.policy.selectors.policy_in_force(on)
.daily``; nothing here knows about the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any


class DailyFormatError(ValueError):
    """A stored or submitted daily-links document cannot be used; ``field`` is ``section.name``."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


# --- §5.3.1 shifts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shift:
    """One shift (班次). Times are local (Asia/Shanghai). ``end`` ≤ ``start`` means it ends the next day.
    A break (午休) inside the shift is optional."""

    code: str
    name: str
    start: dt.time
    end: dt.time
    break_start: dt.time | None = None
    break_end: dt.time | None = None

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    def starts_at(self, day: dt.date) -> dt.datetime:
        """Naive local start on ``day`` (the shift's calendar day)."""
        return dt.datetime.combine(day, self.start)

    def ends_at(self, day: dt.date) -> dt.datetime:
        """Naive local end of the shift that starts on ``day`` (the next day for an overnight shift)."""
        return dt.datetime.combine(day + dt.timedelta(days=1 if self.overnight else 0), self.end)


DEFAULT_SHIFTS = (
    Shift("day", "早班", dt.time(8, 30), dt.time(17, 30), dt.time(12, 0), dt.time(14, 0)),
    Shift("night", "夜班", dt.time(18, 0), dt.time(23, 0)),
)


# --- §5.3.1 roll call -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RollCallPolicy:
    """§5.3.1 点名 marks. A check-in at or before start + ``grace_minutes`` is on time; up to
    ``late_minor_minutes`` late is 迟到 (≤15 min); up to ``late_major_minutes`` late is 迟到 15–30 min;
    later than that counts ``late_over_absence_days`` (half a day) of 旷工; no mark by shift end
    counts ``no_mark_absence_days`` of 旷工 unless on approved leave or off duty. A confirmed proxy
    check-in counts ``proxy_absence_days`` of 旷工 for both people."""

    grace_minutes: int = 0
    late_minor_minutes: int = 15
    late_major_minutes: int = 30
    late_over_absence_days: Decimal = Decimal("0.5")
    no_mark_absence_days: Decimal = Decimal("1")
    proxy_absence_days: Decimal = Decimal("1")
    #: The phone check-in opens this many minutes before the shift starts.
    opens_minutes_before: int = 60
    #: A browser fix less accurate than this (metres, the reported accuracy) is refused.
    max_accuracy_m: int = 200


# --- §5.3.2 handover, §5.3.6 duty --------------------------------------------------------------------

@dataclass(frozen=True)
class DutyPolicy:
    """§5.3.6 执勤 and §5.3.2 交班."""

    #: A patrol group has at least this many people.
    min_patrol_size: int = 2
    #: A handover not acknowledged this many hours after it was recorded is flagged.
    handover_ack_hours: int = 2


# --- §5.3.4 leave ---------------------------------------------------------------------------------------

#: How a leave type counts its length: working days on the §11 calendar, or calendar days.
COUNTING = {"working": "工作日", "calendar": "自然日"}
#: Who approves, lowest first (the approval chain by length of leave).
APPROVERS = {"squadron": "中队长", "brigade": "大队长", "bureau": "局领导"}


@dataclass(frozen=True)
class LeaveType:
    """One kind of leave. ``max_days`` None = no fixed cap (年休假 and 产假 are computed per person)."""

    code: str
    name: str
    counting: str = "working"
    max_days: Decimal | None = None
    #: Needs a medical note from this many days (病假: 2); None = never.
    note_from_days: Decimal | None = None


DEFAULT_LEAVE_TYPES = (
    LeaveType("personal", "事假", "working"),
    LeaveType("sick", "病假", "working", None, Decimal("2")),
    LeaveType("annual", "年休假", "working"),
    LeaveType("marriage", "婚假", "calendar", Decimal("20")),
    LeaveType("maternity", "产假", "calendar"),
    LeaveType("paternity", "陪产假", "calendar", Decimal("20")),
    LeaveType("bereavement", "丧假", "working", Decimal("3")),
    LeaveType("injury", "工伤假", "calendar"),
)


@dataclass(frozen=True)
class ApprovalTier:
    """Leave up to ``max_days`` (inclusive; None = any length) is approved by ``approver``."""

    max_days: Decimal | None
    approver: str


@dataclass(frozen=True)
class LeavePolicy:
    """§5.3.4 请销假."""

    types: tuple[LeaveType, ...] = DEFAULT_LEAVE_TYPES
    #: ≤1 day 中队长; ≤3 days 大队长; longer 局领导.
    approval: tuple[ApprovalTier, ...] = (
        ApprovalTier(Decimal("1"), "squadron"), ApprovalTier(Decimal("3"), "brigade"), ApprovalTier(None, "bureau"))
    #: Leave longer than this is copied to the HR company.
    hr_copy_over_days: Decimal = Decimal("3")
    #: 销假 within this many working days after the leave ends.
    report_back_working_days: int = 1
    #: 年休假 by total years of service (职工带薪年休假条例 Art. 3): ≥1 yr 5, ≥10 yrs 10, ≥20 yrs 15.
    annual_days_1: int = 5
    annual_days_10: int = 10
    annual_days_20: int = 15
    #: 产假: 98 days, +15 for a difficult birth, +15 per extra baby (女职工劳动保护特别规定 Art. 7).
    maternity_days: int = 98
    maternity_difficult_extra: int = 15
    maternity_per_extra_baby: int = 15
    #: Provincial extra days of 工伤假 beyond the medical period (cfg; 0 = none).
    injury_extra_days: int = 0

    def type(self, code: str) -> LeaveType | None:
        return next((t for t in self.types if t.code == code), None)

    def approver_for(self, days: Decimal) -> str:
        """The approver (an ``APPROVERS`` code) for a leave of ``days``."""
        for tier in self.approval:
            if tier.max_days is None or days <= tier.max_days:
                return tier.approver
        return self.approval[-1].approver

    def annual_entitlement(self, service_years: int) -> int:
        """年休假 days a year for ``service_years`` whole years of total service (0 below one year)."""
        if service_years >= 20:
            return self.annual_days_20
        if service_years >= 10:
            return self.annual_days_10
        if service_years >= 1:
            return self.annual_days_1
        return 0

    def maternity_entitlement(self, *, difficult: bool = False, babies: int = 1) -> int:
        return (self.maternity_days + (self.maternity_difficult_extra if difficult else 0)
                + self.maternity_per_extra_baby * max(babies - 1, 0))


# --- §5.3.5 uniform, §5.3.3 meetings --------------------------------------------------------------------

@dataclass(frozen=True)
class ChecklistItem:
    code: str
    name: str


@dataclass(frozen=True)
class UniformPolicy:
    """§5.3.5 着装: the inspection checklist. Each failed item is one ``uniform_fail`` points entry
    (the points rule decides how many points, −2 by default)."""

    checklist: tuple[ChecklistItem, ...] = (
        ChecklistItem("complete", "制服整洁完整"),
        ChecklistItem("no_mixing", "不混穿便装、不混季着装"),
        ChecklistItem("insignia", "按规定佩戴工作证、编号和标志"),
        ChecklistItem("grooming", "仪容仪表端正"),
    )


@dataclass(frozen=True)
class MeetingPolicy:
    """§5.3.3 会议: the kinds of meeting. An unexcused absence is one ``meeting_absence`` points entry."""

    kinds: tuple[ChecklistItem, ...] = (
        ChecklistItem("pre_shift", "班前会"),
        ChecklistItem("weekly", "小队周例会"),
        ChecklistItem("monthly", "大队月度会"),
        ChecklistItem("topical", "专题会议"),
    )


@dataclass(frozen=True)
class DailyPolicy:
    shifts: tuple[Shift, ...] = DEFAULT_SHIFTS
    roll_call: RollCallPolicy = RollCallPolicy()
    duty: DutyPolicy = DutyPolicy()
    leave: LeavePolicy = LeavePolicy()
    uniform: UniformPolicy = UniformPolicy()
    meetings: MeetingPolicy = MeetingPolicy()

    def shift(self, code: str) -> Shift | None:
        return next((s for s in self.shifts if s.code == code), None)


DEFAULT = DailyPolicy()

SECTION_LABELS = {"shifts": "班次", "roll_call": "点名", "duty": "执勤与交班", "leave": "请销假",
                  "uniform": "着装检查", "meetings": "会议"}

#: (Chinese label, low, high) of every scalar value; integers where the default is an int.
_BOUNDS: dict[str, tuple[str, Any, Any]] = {
    "roll_call.grace_minutes": ("准时宽限分钟数", 0, 60),
    "roll_call.late_minor_minutes": ("迟到（轻）上限分钟数", 1, 240),
    "roll_call.late_major_minutes": ("迟到（重）上限分钟数", 1, 240),
    "roll_call.late_over_absence_days": ("迟到超时计旷工天数", Decimal(0), Decimal(1)),
    "roll_call.no_mark_absence_days": ("未点名计旷工天数", Decimal(0), Decimal(1)),
    "roll_call.proxy_absence_days": ("代签到计旷工天数", Decimal(0), Decimal(1)),
    "roll_call.opens_minutes_before": ("签到提前开放分钟数", 0, 240),
    "roll_call.max_accuracy_m": ("定位精度上限（米）", 10, 5000),
    "duty.min_patrol_size": ("巡查组最少人数", 1, 10),
    "duty.handover_ack_hours": ("交班确认时限（小时）", 1, 72),
    "leave.hr_copy_over_days": ("抄送人力资源公司的请假天数", Decimal(0), Decimal(365)),
    "leave.report_back_working_days": ("销假时限（工作日）", 0, 30),
    "leave.annual_days_1": ("年休假（满1年）", 0, 60),
    "leave.annual_days_10": ("年休假（满10年）", 0, 60),
    "leave.annual_days_20": ("年休假（满20年）", 0, 60),
    "leave.maternity_days": ("产假天数", 0, 365),
    "leave.maternity_difficult_extra": ("难产增加产假天数", 0, 365),
    "leave.maternity_per_extra_baby": ("多胞胎每多一婴增加天数", 0, 365),
    "leave.injury_extra_days": ("工伤假省定增加天数", 0, 365),
}
LABELS = {k: v[0] for k, v in _BOUNDS.items()}

_CODE_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def _fmt_time(t: dt.time | None) -> str | None:
    return None if t is None else t.strftime("%H:%M")


def _dec(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def daily_to_dict(policy: DailyPolicy) -> dict:
    """The policy as a JSON-able dict (times as "HH:MM", decimals as strings)."""
    def scalars(obj, skip=()):
        out = {}
        for f in fields(obj):
            if f.name in skip:
                continue
            v = getattr(obj, f.name)
            out[f.name] = str(v) if isinstance(v, Decimal) else v
        return out

    lv = policy.leave
    leave = scalars(lv, skip=("types", "approval"))
    leave["types"] = [{"code": t.code, "name": t.name, "counting": t.counting, "max_days": _dec(t.max_days),
                       "note_from_days": _dec(t.note_from_days)} for t in lv.types]
    leave["approval"] = [{"max_days": _dec(t.max_days), "approver": t.approver} for t in lv.approval]
    return {
        "shifts": [{"code": s.code, "name": s.name, "start": _fmt_time(s.start), "end": _fmt_time(s.end),
                    "break_start": _fmt_time(s.break_start), "break_end": _fmt_time(s.break_end)}
                   for s in policy.shifts],
        "roll_call": scalars(policy.roll_call),
        "duty": scalars(policy.duty),
        "leave": leave,
        "uniform": {"checklist": [{"code": c.code, "name": c.name} for c in policy.uniform.checklist]},
        "meetings": {"kinds": [{"code": c.code, "name": c.name} for c in policy.meetings.kinds]},
    }


def _value(raw: Any, key: str, default: Any) -> Any:
    label, low, high = _BOUNDS[key]
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise DailyFormatError(f"{label}：不能为空", key)
    if isinstance(default, int):
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise DailyFormatError(f"{label}：“{raw}”不是整数", key) from None
    else:
        value = _decimal(raw, label, key)
    if value < low or value > high:
        raise DailyFormatError(f"{label}：必须在{low}到{high}之间", key)
    return value


def _decimal(raw: Any, label: str, key: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise DailyFormatError(f"{label}：“{raw}”不是有效的数字", key) from None
    if not value.is_finite() or value < 0:
        raise DailyFormatError(f"{label}：“{raw}”不是有效的数字", key)
    if value != value.quantize(Decimal("0.1")):
        raise DailyFormatError(f"{label}：最多1位小数", key)
    return value


def _opt_decimal(raw: Any, label: str, key: str) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = _decimal(raw, label, key)
    if value <= 0:
        raise DailyFormatError(f"{label}：必须大于0", key)
    return value


def _time(raw: Any, label: str, key: str, *, optional: bool = False) -> dt.time | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if optional:
            return None
        raise DailyFormatError(f"{label}：不能为空", key)
    try:
        return dt.datetime.strptime(str(raw).strip(), "%H:%M").time()
    except ValueError:
        raise DailyFormatError(f"{label}：“{raw}”不是有效的时间（时:分）", key) from None


def _list(data: dict, name: str, key: str, what: str) -> list:
    value = data[name]
    if not isinstance(value, list) or not value:
        raise DailyFormatError(f"{what}：至少需要一项", key)
    for item in value:
        if not isinstance(item, dict):
            raise DailyFormatError(f"{what}：格式错误，每项应为对象", key)
    return value


def _code_name(item: dict, key: str, what: str, seen: set) -> tuple[str, str]:
    code = str(item.get("code") or "").strip()
    name = str(item.get("name") or "").strip()
    if not code or set(code) - _CODE_OK or len(code) > 30:
        raise DailyFormatError(f"{what}：代码“{code}”只能由小写字母、数字和下划线组成（最长30）", key)
    if code in seen:
        raise DailyFormatError(f"{what}：代码“{code}”重复", key)
    if not name or len(name) > 30:
        raise DailyFormatError(f"{what}：“{code}”的名称不能为空（最长30字）", key)
    seen.add(code)
    return code, name


def _shifts(raw: list) -> tuple[Shift, ...]:
    seen: set = set()
    out = []
    for item in raw:
        code, name = _code_name(item, "shifts", "班次", seen)
        start = _time(item.get("start"), f"班次“{name}”开始时间", "shifts")
        end = _time(item.get("end"), f"班次“{name}”结束时间", "shifts")
        bs = _time(item.get("break_start"), f"班次“{name}”休息开始", "shifts", optional=True)
        be = _time(item.get("break_end"), f"班次“{name}”休息结束", "shifts", optional=True)
        if start == end:
            raise DailyFormatError(f"班次“{name}”：开始和结束时间不能相同", "shifts")
        if (bs is None) != (be is None):
            raise DailyFormatError(f"班次“{name}”：休息开始和结束须同时填写", "shifts")
        shift = Shift(code, name, start, end, bs, be)
        if bs is not None:
            day = dt.date(2000, 1, 3)
            b0 = dt.datetime.combine(day, bs)
            b1 = dt.datetime.combine(day, be)
            s0, s1 = shift.starts_at(day), shift.ends_at(day)
            if b0 < s0:
                b0 += dt.timedelta(days=1)
                b1 += dt.timedelta(days=1)
            if b1 <= b0:
                b1 += dt.timedelta(days=1)
            if not (s0 < b0 < b1 < s1):
                raise DailyFormatError(f"班次“{name}”：休息时间须在班次之内", "shifts")
        out.append(shift)
    return tuple(out)


def _scalars(cls, given: dict, section: str, what: str, skip=()):
    names = {f.name for f in fields(cls)} - set(skip)
    defaults = cls()
    values = {}
    for name in names:
        if name in given:
            values[name] = _value(given[name], f"{section}.{name}", getattr(defaults, name))
    return values


def _check_keys(given: Any, allowed: set, section: str, what: str) -> dict:
    if not isinstance(given, dict):
        raise DailyFormatError(f"{what}：格式错误，应为对象", section)
    extra = set(given) - allowed
    if extra:
        raise DailyFormatError(f"{what}：未知的字段 {', '.join(sorted(extra))}", section)
    return given


def _leave(given: dict) -> LeavePolicy:
    names = {f.name for f in fields(LeavePolicy)}
    given = _check_keys(given, names, "leave", "请销假政策")
    values: dict[str, Any] = _scalars(LeavePolicy, given, "leave", "请销假政策", skip=("types", "approval"))
    if "types" in given:
        seen: set = set()
        types = []
        for item in _list(given, "types", "leave.types", "假别"):
            code, name = _code_name(item, "leave.types", "假别", seen)
            counting = item.get("counting") or "working"
            if counting not in COUNTING:
                raise DailyFormatError(f"假别“{name}”：计算方式“{counting}”无效（working 或 calendar）", "leave.types")
            types.append(LeaveType(code, name, counting,
                                   _opt_decimal(item.get("max_days"), f"假别“{name}”最长天数", "leave.types"),
                                   _opt_decimal(item.get("note_from_days"), f"假别“{name}”需病假证明天数",
                                                "leave.types")))
        for required in ("personal", "sick", "annual", "maternity"):
            if required not in seen:
                raise DailyFormatError(f"假别：缺少“{required}”（事假、病假、年休假、产假不可删除）", "leave.types")
        values["types"] = tuple(types)
    if "approval" in given:
        tiers = []
        last = Decimal(0)
        raw = _list(given, "approval", "leave.approval", "审批层级")
        for i, item in enumerate(raw):
            approver = item.get("approver")
            if approver not in APPROVERS:
                raise DailyFormatError(f"审批层级：审批人“{approver}”无效（squadron、brigade 或 bureau）",
                                       "leave.approval")
            max_days = _opt_decimal(item.get("max_days"), "审批层级天数", "leave.approval")
            if max_days is None and i != len(raw) - 1:
                raise DailyFormatError("审批层级：只有最后一级可以不设天数上限", "leave.approval")
            if max_days is not None and max_days <= last:
                raise DailyFormatError("审批层级：天数上限须逐级增大", "leave.approval")
            last = max_days or last
            tiers.append(ApprovalTier(max_days, approver))
        if tiers[-1].max_days is not None:
            raise DailyFormatError("审批层级：最后一级须不设天数上限", "leave.approval")
        values["approval"] = tuple(tiers)
    policy = replace(LeavePolicy(), **values)
    if not (policy.annual_days_1 <= policy.annual_days_10 <= policy.annual_days_20):
        raise DailyFormatError("年休假天数须随工龄不减", "leave.annual_days_10")
    return policy


def _items(given: dict, name: str, key: str, what: str) -> tuple[ChecklistItem, ...]:
    seen: set = set()
    return tuple(ChecklistItem(*_code_name(item, key, what, seen)) for item in _list(given, name, key, what))


def daily_from_dict(data: dict | None) -> DailyPolicy:
    """The policy stored in ``data``; ``None`` or ``{}`` means the defaults."""
    if data is None or data == {}:
        return DEFAULT
    if not isinstance(data, dict):
        raise DailyFormatError("日常管理政策：格式错误，应为对象", "")
    unknown = set(data) - set(SECTION_LABELS)
    if unknown:
        raise DailyFormatError(f"日常管理政策：未知的部分 {', '.join(sorted(unknown))}", "")
    values: dict[str, Any] = {}
    if "shifts" in data:
        values["shifts"] = _shifts(_list(data, "shifts", "shifts", "班次"))
    for section, cls in (("roll_call", RollCallPolicy), ("duty", DutyPolicy)):
        if section in data:
            what = f"{SECTION_LABELS[section]}政策"
            given = _check_keys(data[section], {f.name for f in fields(cls)}, section, what)
            values[section] = replace(cls(), **_scalars(cls, given, section, what))
    rc = values.get("roll_call", DEFAULT.roll_call)
    if rc.late_minor_minutes >= rc.late_major_minutes:
        raise DailyFormatError("迟到（轻）上限须小于迟到（重）上限", "roll_call.late_minor_minutes")
    if "leave" in data:
        values["leave"] = _leave(data["leave"])
    if "uniform" in data:
        given = _check_keys(data["uniform"], {"checklist"}, "uniform", "着装检查政策")
        if "checklist" in given:
            values["uniform"] = UniformPolicy(_items(given, "checklist", "uniform.checklist", "着装检查项目"))
    if "meetings" in data:
        given = _check_keys(data["meetings"], {"kinds"}, "meetings", "会议政策")
        if "kinds" in given:
            values["meetings"] = MeetingPolicy(_items(given, "kinds", "meetings.kinds", "会议类型"))
    return replace(DEFAULT, **values)


__all__ = [
    "APPROVERS", "COUNTING", "DEFAULT", "ApprovalTier", "ChecklistItem", "DailyFormatError", "DailyPolicy",
    "DutyPolicy", "LeavePolicy", "LeaveType", "MeetingPolicy", "RollCallPolicy", "Shift", "UniformPolicy",
    "daily_from_dict", "daily_to_dict",
]
