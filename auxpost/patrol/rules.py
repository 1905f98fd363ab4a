"""§5.3.6 patrol logs and §5.3.2 交班 handover: the pure rules (no Django).

- What a patrol member may do about an issue found is one or more of 劝阻 (dissuade), 宣传 (inform,
  educate) and 上报 (report to the enforcement officers). 中发〔2015〕37号 (SPEC §3): auxiliary staff
  assist with 宣传教育、巡查、信息收集、违法行为劝阻 and may not take enforcement decisions, so no
  fine, seizure, closure or any other enforcement decision exists here as a choice.
- Which shift a moment belongs to (an overnight shift's small hours belong to the day it started),
  and which shift comes next (the incoming side of a handover).
- When an unacknowledged handover becomes overdue (``handover_ack_hours`` after it was recorded).
- Coordinates: latitude/longitude ranges and the coordinate system they were taken in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Protocol

# --- what was done (§5.3.6) ------------------------------------------------------------------------

DISSUADE = "dissuade"  # 劝阻
INFORM = "inform"  # 宣传
REPORT = "report"  # 上报
#: The only actions a patrol member can record, in display order. There is deliberately no
#: enforcement decision (罚款, 扣押, 查封 …): auxiliary staff have no enforcement power (中发〔2015〕37号).
ACTIONS = (DISSUADE, INFORM, REPORT)
ACTION_NAMES = {DISSUADE: "劝阻", INFORM: "宣传", REPORT: "上报"}


def actions_errors(actions: Iterable[str], reported_to: str = "") -> dict[str, str]:
    """Chinese reasons per field (``actions``, ``reported_to``) why this choice cannot be recorded;
    {} when it can. At least one action; only 劝阻, 宣传, 上报; 上报 names to whom."""
    chosen = list(actions)
    errors: dict[str, str] = {}
    unknown = [a for a in chosen if a not in ACTIONS]
    if unknown:
        names = "、".join(str(a) for a in unknown)
        errors["actions"] = f"处置方式只能是劝阻、宣传、上报（辅助人员无执法权，不作执法决定）：不认识“{names}”。"
    elif not chosen:
        errors["actions"] = "处置方式：至少选择一项（劝阻、宣传、上报）。"
    if REPORT in chosen and not (reported_to or "").strip():
        errors["reported_to"] = "上报对象：选择了上报时必须填写上报给谁。"
    return errors


def actions_display(actions: Iterable[str]) -> str:
    """The chosen actions in display order, in Chinese, joined by "、"."""
    chosen = set(actions)
    return "、".join(ACTION_NAMES[a] for a in ACTIONS if a in chosen)


# --- shifts (§5.3.1, used by §5.3.2 and §5.3.6) -----------------------------------------------------

class ShiftLike(Protocol):
    code: str
    start: dt.time
    end: dt.time

    @property
    def overnight(self) -> bool: ...

    def starts_at(self, day: dt.date) -> dt.datetime: ...

    def ends_at(self, day: dt.date) -> dt.datetime: ...


def shift_at(shifts: Sequence[ShiftLike], moment: dt.datetime) -> tuple[dt.date, str] | None:
    """The (day, code) of the shift running at the naive local ``moment`` (start inclusive, end
    exclusive); an overnight shift's hours after midnight belong to the day it started. None between
    shifts. When shifts overlap, the one that started last wins."""
    best: tuple[dt.datetime, dt.date, str] | None = None
    for day in (moment.date() - dt.timedelta(days=1), moment.date()):
        for s in shifts:
            start, end = s.starts_at(day), s.ends_at(day)
            if start <= moment < end and (best is None or start > best[0]):
                best = (start, day, s.code)
    return (best[1], best[2]) if best else None


def shift_nearest(shifts: Sequence[ShiftLike], moment: dt.datetime) -> tuple[dt.date, str] | None:
    """The shift running at ``moment``, or else the one that ended last before it (a log written
    just after the shift ends still belongs to it), looking back one day. None without shifts."""
    running = shift_at(shifts, moment)
    if running is not None:
        return running
    best: tuple[dt.datetime, dt.date, str] | None = None
    for day in (moment.date() - dt.timedelta(days=1), moment.date()):
        for s in shifts:
            end = s.ends_at(day)
            if end <= moment and (best is None or end > best[0]):
                best = (end, day, s.code)
    return (best[1], best[2]) if best else None


def next_shift(shifts: Sequence[ShiftLike], day: dt.date, code: str) -> tuple[dt.date, str] | None:
    """The shift that follows shift ``code`` of ``day``: the first one starting at or after its end
    (on the same or the next days); None when ``code`` is not a shift. With a single shift it is the
    same shift the next day."""
    current = next((s for s in shifts if s.code == code), None)
    if current is None:
        return None
    end = current.ends_at(day)
    best: tuple[dt.datetime, dt.date, str] | None = None
    for offset in range(0, 3):
        d = day + dt.timedelta(days=offset)
        for s in shifts:
            start = s.starts_at(d)
            if start >= end and (best is None or start < best[0]):
                best = (start, d, s.code)
    return (best[1], best[2]) if best else None


# --- handover acknowledgement (§5.3.2) --------------------------------------------------------------

def ack_due(recorded_at: dt.datetime, ack_hours: int) -> dt.datetime:
    """When a handover recorded at ``recorded_at`` becomes overdue if nobody has acknowledged it."""
    return recorded_at + dt.timedelta(hours=ack_hours)


def is_overdue(ack_due_at: dt.datetime, acknowledged: bool, now: dt.datetime) -> bool:
    """§5.3.2 flagged: not acknowledged and its due time has passed (at the due time it is not yet)."""
    return not acknowledged and now > ack_due_at


# --- coordinates --------------------------------------------------------------------------------------

WGS84 = "wgs84"
GCJ02 = "gcj02"
COORD_SYSTEMS = {WGS84: "WGS-84（浏览器定位）", GCJ02: "GCJ-02（国内地图）"}


def location_errors(lat, lng, system: str) -> tuple[dict[str, str], Decimal | None, Decimal | None]:
    """(errors, lat, lng): both coordinates or neither; decimal degrees within range, six decimals
    kept; a known coordinate system. Errors are Chinese per field."""
    if lat in (None, "") and lng in (None, ""):
        return {}, None, None
    errors: dict[str, str] = {}
    out: list[Decimal | None] = []
    for field, value, limit, name in (("lat", lat, 90, "纬度"), ("lng", lng, 180, "经度")):
        try:
            v = Decimal(str(value))
            if not v.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[field] = f"{name}：不是数字。" if value not in (None, "") else f"{name}：经纬度要成对填写。"
            out.append(None)
            continue
        if abs(v) > limit:
            errors[field] = f"{name}：应在 −{limit} 到 {limit} 度之间。"
            out.append(None)
            continue
        out.append(v.quantize(Decimal("0.000001")))
    if system not in COORD_SYSTEMS:
        errors["coord_system"] = "坐标系：只能是 WGS-84 或 GCJ-02。"
    if errors:
        return errors, None, None
    return {}, out[0], out[1]
