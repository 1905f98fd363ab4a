"""The home dashboard per role (§3 data scope): managers see figures for what they may see, a member
sees their own card, an assessor their assigned tasks.

Every figure comes from a handful of group-by queries over the caller's scope (``member_q`` /
``unit_q``), never from a loop of per-unit queries, so the page costs the same number of queries
for 300 members as for 100,000.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auxpost.accounts.models import Role, Scope
from auxpost.accounts.scope import member_q, role_assignments, unit_q
from auxpost.core.navigation import MANAGERS
from auxpost.org.models import Unit
from auxpost.people.models import ON_ROSTER, Grade, Member, MemberStatus
from auxpost.people.selectors import cert_reminder_days

# §5.2.3 a certificate expiring within this many days raises a reminder (cfg; default 30).
CERT_REMINDER_DAYS = 30
# §4.1 quota use at or above this share is shown in red.
QUOTA_ALERT_PCT = 95
QUOTA_WARN_PCT = 85
EXPIRING_LIST_LIMIT = 10
MAX_CHART_BARS = 20
MAX_QUOTA_ROWS = 30

_SEG = 5  # a Unit.path segment is "0001/"
SQUADRON_DEPTH = 3
TEAM_DEPTH = 4

# Horizontal bar charts: the SVG uses percentages of its own width, so it fills a phone or a
# desktop column without scaling its text. Label column, then the bar, then the value.
_LABEL_PCT = 26.0
_BAR_MAX_PCT = 60.0
_ROW_H = 28
_BAR_H = 18


def member_url(pk: int) -> str:
    """The member's detail page (the people app owns it)."""
    return reverse("people:detail", args=[pk])


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass
class Bar:
    label: str
    value: int
    tone: str = ""  # "" | "warn" | "bad"
    full_label: str = ""
    # Filled in by Chart: geometry as strings, so template localisation cannot turn "." into ",".
    y: str = "0"
    y_mid: str = "0"
    width: str = "0"
    value_x: str = "0"


@dataclass
class Chart:
    """A horizontal bar chart rendered as inline SVG by core/_bar_chart.html."""

    key: str
    title: str
    bars: list[Bar]
    note: str = ""
    label_x: str = _fmt(_LABEL_PCT)
    bar_h: int = _BAR_H
    height: int = 0
    total: int = 0
    description: str = ""

    def __post_init__(self):
        biggest = max((b.value for b in self.bars), default=0)
        self.total = sum(b.value for b in self.bars)
        for i, b in enumerate(self.bars):
            width = (_BAR_MAX_PCT * b.value / biggest) if biggest else 0.0
            if b.value and width < 0.6:
                width = 0.6  # a non-zero value stays visible
            b.y = str(i * _ROW_H + (_ROW_H - _BAR_H) // 2)
            b.y_mid = str(i * _ROW_H + _ROW_H // 2)
            b.width = _fmt(width)
            b.value_x = _fmt(_LABEL_PCT + width)
            b.full_label = b.full_label or b.label
            if len(b.label) > 7:
                b.label = b.label[:6] + "…"
        self.height = max(1, len(self.bars)) * _ROW_H
        self.description = "; ".join(f"{b.full_label}: {b.value}" for b in self.bars)


@dataclass
class Segment:
    label: str
    value: int
    tone: str
    dash: str = "0 100"
    offset: str = "25"
    pct: str = "0"


@dataclass
class Donut:
    """A ring split by category (members by status), with a legend; the total sits in the middle.

    The circle's radius makes its circumference 100, so a segment's dash length is its percentage.
    """

    key: str
    title: str
    segments: list[Segment]
    total_label: str = ""
    total: int = 0
    description: str = ""

    def __post_init__(self):
        self.total = sum(s.value for s in self.segments)
        done = 0.0
        for s in self.segments:
            share = 100.0 * s.value / self.total if self.total else 0.0
            s.dash = f"{_fmt(share)} {_fmt(100 - share)}"
            s.offset = _fmt(25 - done)  # start at 12 o'clock, go clockwise
            s.pct = _fmt(round(share, 1))
            done += share
        self.description = "; ".join(f"{s.label}: {s.value}" for s in self.segments)


@dataclass
class QuotaRow:
    unit_id: int
    name: str
    headcount: int
    quota: int
    pct: int = 0
    width: str = "0"
    tone: str = ""

    def __post_init__(self):
        self.pct = round(100 * self.headcount / self.quota) if self.quota else (100 if self.headcount else 0)
        self.width = _fmt(min(100.0, 100.0 * self.headcount / self.quota) if self.quota else 100.0)
        self.tone = "bad" if self.pct >= QUOTA_ALERT_PCT else "warn" if self.pct >= QUOTA_WARN_PCT else ""


@dataclass
class ManagerDashboard:
    scope_label: str
    whole_district: bool
    on_roster: int
    probation: int
    suspended: int
    cert_expiring: int
    cert_expired: int
    cert_missing: int
    by_grade: Chart
    by_status: Donut
    by_unit: Chart
    by_work_line: Chart
    quotas: list[QuotaRow]
    quota_units_total: int
    expiring: list[dict] = field(default_factory=list)
    reminder_days: int = CERT_REMINDER_DAYS
    quota_alert_pct: int = QUOTA_ALERT_PCT
    quota_warn_pct: int = QUOTA_WARN_PCT

    @property
    def cert_problems(self) -> int:
        return self.cert_expired + self.cert_missing


def dashboard_context(user, *, today: dt.date | None = None) -> dict:
    """What the home page shows this user; several roles give several sections."""
    today = today or timezone.localdate()
    assignments = role_assignments(user)
    mine = {ra.role for ra in assignments}
    ctx: dict = {"today": today, "no_role": not mine, "manager": None, "member_card": None, "assessor": None}
    if mine & set(MANAGERS):
        ctx["manager"] = _manager_dashboard(user, assignments, today)
    if Role.MEMBER in mine:
        ctx["member_card"] = _member_card(user, today)
        ctx["member_missing"] = ctx["member_card"] is None
    if Role.ASSESSOR in mine:
        ctx["assessor"] = _assessor_card(user)
    return ctx


def _assessor_card(user) -> dict:
    """§3/§7.1 an assessor's tasks: the open 集中考核 rounds commissioned from its organisation and
    how many of their candidates still wait for a score."""
    from auxpost.assessment.models import RoundStatus, SkillsRound, SkillsScore

    if not user.organisation_id:
        return {"organisation": "", "assigned_tasks": 0, "to_score": 0}
    rounds = SkillsRound.objects.filter(assessor_id=user.organisation_id, status=RoundStatus.OPEN)
    return {
        "organisation": user.organisation.name,
        "assigned_tasks": rounds.count(),
        "to_score": SkillsScore.objects.filter(round__in=rounds, composite__isnull=True).count(),
    }


def _group_depth(manager_assignments) -> int:
    """Members by unit: squadrons for the whole district, the level below a line manager's unit."""
    if any(ra.scope == Scope.ALL for ra in manager_assignments):
        return SQUADRON_DEPTH
    depths = [ra.unit.depth for ra in manager_assignments if ra.scope == Scope.UNIT and ra.unit is not None]
    if not depths:
        return SQUADRON_DEPTH
    return min(TEAM_DEPTH, max(SQUADRON_DEPTH, min(depths) + 1))


def _manager_dashboard(user, assignments, today: dt.date) -> ManagerDashboard:
    managing = [ra for ra in assignments if ra.role in MANAGERS]
    mq = member_q(user, roles_allowed=tuple(MANAGERS))
    uq = unit_q(user)
    whole = any(ra.scope == Scope.ALL for ra in managing)
    if whole:
        scope_label = _("Whole district")
    else:
        scope_label = "、".join(sorted({ra.unit.name for ra in managing if ra.unit is not None})) or _("No units")

    if mq is None or uq is None:
        roster = Member.objects.none()
        units = []
    else:
        roster = Member.objects.filter(mq, status__in=ON_ROSTER)
        units = list(Unit.objects.filter(uq).order_by("path").values("id", "name", "path", "quota"))
    reminder_days = cert_reminder_days(today)
    soon_until = today + dt.timedelta(days=reminder_days)
    soon_q = Q(cert_valid_until__gte=today, cert_valid_until__lte=soon_until)

    # 1 query: headline figures and the status split.
    heads = roster.aggregate(
        total=Count("id"),
        probation=Count("id", filter=Q(status=MemberStatus.PROBATION)),
        active=Count("id", filter=Q(status=MemberStatus.ACTIVE)),
        suspended=Count("id", filter=Q(status=MemberStatus.SUSPENDED)),
        soon=Count("id", filter=soon_q),
        expired=Count("id", filter=Q(cert_valid_until__lt=today)),
        missing=Count("id", filter=Q(cert_valid_until__isnull=True)),
    )
    # 3 group-by queries: grade, work line, unit.
    grades = {r["grade"]: r["n"] for r in roster.values("grade").annotate(n=Count("id")).order_by()}
    lines = list(roster.values("work_line_id", "work_line__name", "work_line__sort_order")
                 .annotate(n=Count("id")).order_by("work_line__sort_order", "work_line__name"))
    per_unit = {r["unit_id"]: r["n"] for r in roster.values("unit_id").annotate(n=Count("id")).order_by()}
    # 1 query: the certificates expiring soonest.
    expiring_rows = list(roster.filter(soon_q).order_by("cert_valid_until", "name", "id")
                         .values("id", "name", "unit_id", "cert_valid_until")[:EXPIRING_LIST_LIMIT])

    by_id = {u["id"]: u for u in units}
    by_path = {u["path"]: u for u in units}

    by_grade = Chart("grade", _("Members by grade"), [
        Bar(str(Grade(g).label), grades.get(g, 0)) for g in (1, 2, 3, 4, 5)
    ] + ([Bar(_("No grade"), grades[None], tone="warn")] if grades.get(None) else []))

    by_status = Donut("status", _("Members by status"), total_label=_("on roster"), segments=[
        Segment(str(MemberStatus.ACTIVE.label), heads["active"], "ok"),
        Segment(str(MemberStatus.PROBATION.label), heads["probation"], "info"),
        Segment(str(MemberStatus.SUSPENDED.label), heads["suspended"], "bad"),
    ])

    line_bars = [Bar(r["work_line__name"] or _("No work line"), r["n"], tone="" if r["work_line_id"] else "warn")
                 for r in lines]
    line_bars.sort(key=lambda b: b.tone == "warn")  # "no work line" last
    by_work_line = Chart("work-line", _("Members by work line"), line_bars)

    depth = _group_depth(managing)
    grouped: dict[str, int] = {}
    for unit_id, n in per_unit.items():
        u = by_id.get(unit_id)
        path = u["path"] if u else ""
        key = path[:depth * _SEG] if path.count("/") >= depth else path
        grouped[key] = grouped.get(key, 0) + n
    unit_bars = [Bar(by_path[p]["name"] if p in by_path else _("Other units"), n, full_label=_short_name(p, by_path))
                 for p, n in sorted(grouped.items())]
    unit_note = ""
    if len(unit_bars) > MAX_CHART_BARS:
        unit_bars.sort(key=lambda b: -b.value)
        rest = unit_bars[MAX_CHART_BARS - 1:]
        unit_bars = unit_bars[:MAX_CHART_BARS - 1] + [Bar(_("All other units"), sum(b.value for b in rest))]
        unit_note = _("The %(n)s largest units are shown; the rest are added up.") % {"n": MAX_CHART_BARS - 1}
    unit_title = _("Members by squadron") if depth == SQUADRON_DEPTH else _("Members by team")
    by_unit = Chart("unit", unit_title, unit_bars, note=unit_note)

    # Quota use: subtree headcounts from the per-unit counts (no query per unit).
    subtree: dict[str, int] = {}
    for unit_id, n in per_unit.items():
        u = by_id.get(unit_id)
        if u is None:
            continue
        p = u["path"]
        for k in range(1, p.count("/") + 1):
            subtree[p[:k * _SEG]] = subtree.get(p[:k * _SEG], 0) + n
    quotas = [QuotaRow(u["id"], _short_name(u["path"], by_path), subtree.get(u["path"], 0), u["quota"])
              for u in units if u["quota"] is not None]
    quota_total = len(quotas)
    if quota_total > MAX_QUOTA_ROWS:
        quotas = sorted(quotas, key=lambda r: (-r.pct, r.name))[:MAX_QUOTA_ROWS]

    expiring = [{
        "url": member_url(r["id"]), "name": r["name"],
        "unit": _short_name(by_id[r["unit_id"]]["path"], by_path) if r["unit_id"] in by_id else "",
        "valid_until": r["cert_valid_until"], "days_left": (r["cert_valid_until"] - today).days,
    } for r in expiring_rows]

    return ManagerDashboard(
        scope_label=scope_label, whole_district=whole, on_roster=heads["total"], probation=heads["probation"],
        suspended=heads["suspended"], cert_expiring=heads["soon"], cert_expired=heads["expired"],
        cert_missing=heads["missing"], by_grade=by_grade, by_status=by_status, by_unit=by_unit,
        by_work_line=by_work_line, quotas=quotas, quota_units_total=quota_total, expiring=expiring, reminder_days=reminder_days,
    )


def _short_name(path: str, by_path: dict) -> str:
    """A unit's name, with its squadron in front for a team ("第一中队/第一小队"), from units in memory."""
    u = by_path.get(path)
    if u is None:
        return ""
    depth = path.count("/")
    parent = by_path.get(path[:(depth - 1) * _SEG]) if depth >= TEAM_DEPTH else None
    return f"{parent['name']}/{u['name']}" if parent else u["name"]


def _member_card(user, today: dt.date) -> dict | None:
    """§3 self-service: the member's own record, nothing about anyone else."""
    member = Member.objects.select_related("unit", "work_line").filter(user=user).first()
    if member is None:
        return None
    path = member.unit.path
    prefixes = [path[:k * _SEG] for k in range(1, path.count("/") + 1)]
    names = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "name"))
    unit_names = [names[p] for p in prefixes if p in names]
    if len(unit_names) > 1:
        unit_names = unit_names[1:]
    valid_until = member.cert_valid_until
    reminder_days = cert_reminder_days(today)
    if valid_until is None:
        cert_state = "missing"
    elif valid_until < today:
        cert_state = "expired"
    elif (valid_until - today).days <= reminder_days:
        cert_state = "expiring"
    else:
        cert_state = "valid"
    return {
        "member": member,
        "unit": "/".join(unit_names),
        "grade_label": Grade(member.grade).label if member.grade else "",
        "cert_state": cert_state,
        "days_left": (valid_until - today).days if valid_until else None,
        "status_tone": {"active": "ok", "probation": "", "suspended": "bad"}.get(member.status, "warn"),
        "reminder_days": reminder_days,
    }
