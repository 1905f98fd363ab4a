"""§5.3.6 / §5.3.2 demo data: a week of patrol logs and handovers for the demo teams.

- Teams: the team of the demo login ``member1`` and the other teams of its squadron (at most three); if
  that login does not exist, the first three teams with members.
- Patrol logs: for each of the last seven days and each team, two issues of the day shift by a patrol
  pair of the team (categories from the duties catalogue flagged ``patrol_category``; nothing without
  them), with what was done (劝阻/宣传/上报 only), a location in Wenjiang and, for every third log, a small
  generated PNG as the photo; half of the 上报 items are marked handled by the officers. Linked to the
  roster assignment of that day when the duty app's demo has rostered the writer.
- Handovers: day shift → night shift and night shift → next day's shift of each team for the last six
  days, acknowledged by the incoming side within the hour (one with a discrepancy and a correction
  note); yesterday's last handovers are left unacknowledged, so the overdue flags and the inbox show.

Rows are written directly (the writers are demo members without logins; ``recorded_by`` is the login of
the team member if there is one, else the squadron's leader, else the bureau) and audited in bulk. It
changes no member's status and no roster.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from auxpost.accounts.models import Role, RoleAssignment, User
from auxpost.audit.services import Change, audit_record_many
from auxpost.org.models import Unit, UnitKind
from auxpost.patrol import rules
from auxpost.patrol.models import FollowUp, Handover, HandoverNote, PatrolLog
from auxpost.patrol.selectors import daily_policy, shifts_on
from auxpost.people.models import ON_ROSTER, Member

ISSUES = [
    ("占道经营", "商铺门前摆放货架占用人行道约3米", [rules.DISSUADE], ""),
    ("乱堆乱放", "小区出入口堆放建筑垃圾和废旧家具", [rules.INFORM, rules.REPORT], "中队执法队员"),
    ("工地扬尘", "工地出入口未冲洗车辆，道路有明显泥土带出", [rules.REPORT], "扬尘治理专班"),
    ("渣土运输", "渣土车未密闭运输，沿途有遗撒", [rules.REPORT], "中队值班执法队员"),
    ("户外广告", "临街门店悬挂的横幅破损脱落", [rules.DISSUADE, rules.INFORM], ""),
    ("占道经营", "流动摊贩在公交站台旁售卖水果", [rules.DISSUADE, rules.INFORM], ""),
]
ADDRESSES = ["光华大道三段与芙蓉大道交叉口", "柳城大道与江安路口", "凤溪大道东侧工地", "天府路永宁段",
             "文化路与南浦路口", "公平街道惠民路"]
#: Around 温江 (WGS-84).
BASE_LAT, BASE_LNG = Decimal("30.682000"), Decimal("103.856000")


def _png(seed: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), ((seed * 53) % 256, (seed * 97) % 256, (seed * 31) % 256)).save(buf, format="PNG")
    return buf.getvalue()


def _teams() -> list[Unit]:
    login = Member.objects.filter(user__username="member1").select_related("unit").first()
    if login is not None and login.unit.parent_id is not None:
        teams = list(Unit.objects.filter(parent_id=login.unit.parent_id, kind=UnitKind.TEAM).order_by("path")[:3])
        if teams:
            return teams
    return list(Unit.objects.filter(kind=UnitKind.TEAM, members__status__in=ON_ROSTER).distinct().order_by("path")[:3])


def _writer_user(team: Unit, members: list[Member], fallback: User) -> User:
    for m in members:
        if m.user_id:
            return m.user
    ra = (RoleAssignment.objects.filter(role=Role.LINE_MANAGER, unit_id__in=[team.pk, team.parent_id])
          .select_related("user").first())
    return ra.user if ra is not None else fallback


def _local(day: dt.date, t: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, t))


def load(*, today: dt.date) -> Counter:
    """Load the patrol and handover demo (see the module docstring); returns what was created. Does nothing
    once any patrol log or handover exists (``auxpost demo`` may be run again)."""
    counts: Counter = Counter()
    if PatrolLog.objects.exists() or Handover.objects.exists():
        return counts
    from auxpost.duties.models import Duty

    fallback = User.objects.filter(username="bureau").first() or User.objects.filter(is_superuser=True).first()
    teams = _teams()
    if fallback is None or not teams:
        return counts
    cats = {d.name: d for d in Duty.objects.filter(patrol_category=True).order_by("pk")}
    changes: list[Change] = []
    n = 0
    from auxpost.duty.models import RosterAssignment

    for team in teams:
        members = list(Member.objects.filter(unit=team, status__in=ON_ROSTER).select_related("user")
                       .order_by("pk")[:12])
        if not members:
            continue
        user = _writer_user(team, members, fallback)
        leader = _writer_user(team, [], fallback)
        assignments = {(a.member_id, a.day): a for a in RosterAssignment.objects.filter(
            member__in=members, day__gte=today - dt.timedelta(days=6), day__lte=today, shift_code="day")
            .select_related("roster")}
        for offset in range(6, -1, -1):
            day = today - dt.timedelta(days=offset)
            for k in range(2):
                n += 1
                if not cats:
                    break
                name, text, actions, to = ISSUES[n % len(ISSUES)]
                category = cats.get(name) or list(cats.values())[n % len(cats)]
                pair = [members[(n + j) % len(members)] for j in range(2 if len(members) > 1 else 1)]
                observed = _local(day, dt.time(9 + 3 * k, (n * 7) % 60))
                a = assignments.get((pair[0].pk, day))
                log = PatrolLog.objects.create(
                    member=pair[0], team=team, day=day, shift_code="day", observed_at=observed, category=category,
                    description=text, dissuaded=rules.DISSUADE in actions, informed=rules.INFORM in actions,
                    reported=rules.REPORT in actions, reported_to=to,
                    lat=BASE_LAT + Decimal(n % 17) / 1000, lng=BASE_LNG + Decimal(n % 13) / 1000, accuracy_m=15,
                    coord_system=rules.WGS84, address=ADDRESSES[n % len(ADDRESSES)], assignment=a,
                    area=a.roster.area if a else None,
                    follow_up=FollowUp.REPORTED if rules.REPORT in actions else FollowUp.NONE,
                    recorded_by=user, recorded_at=observed + dt.timedelta(minutes=5))
                log.members.set(pair)
                if rules.REPORT in actions and n % 2 == 0 and offset > 0:
                    PatrolLog.objects.filter(pk=log.pk).update(
                        follow_up=FollowUp.HANDLED, follow_up_note="执法队员已到场处置，责令整改", follow_up_by=leader,
                        follow_up_at=observed + dt.timedelta(hours=2))
                if n % 3 == 0:
                    from auxpost.files.services import attachment_store

                    att = attachment_store(upload=SimpleUploadedFile(f"patrol-{n}.png", _png(n), "image/png"),
                                           purpose="patrol", uploaded_by=user, member=pair[0], unit=team,
                                           at=observed + dt.timedelta(minutes=5))
                    log.photos.add(att)
                    counts["patrol_photos"] += 1
                counts["patrol_logs"] += 1
                changes.append(Change("create", "patrol.patrollog", str(log.pk), str(log), "demo patrol log",
                                      after={"team": team.pk, "day": day.isoformat(), "category": category.pk,
                                             "actions": log.actions}))
        changes += _handovers(team, members, user, leader, today, counts)
    audit_record_many(actor=None, changes=changes, returning=False)
    return counts


def _handovers(team: Unit, members: list[Member], user: User, leader: User, today: dt.date,
               counts: Counter) -> list[Change]:
    changes = []
    hours = daily_policy(today).duty.handover_ack_hours
    for offset in range(6, 0, -1):
        day = today - dt.timedelta(days=offset)
        shifts = shifts_on(day)
        for s in shifts:
            nxt = rules.next_shift(shifts, day, s.code)
            if nxt is None:
                continue
            at = timezone.make_aware(s.ends_at(day))
            last = offset == 1 and (s.overnight or s.code != shifts[0].code or len(shifts) == 1)
            h = Handover.objects.create(
                from_team=team, day=day, shift_code=s.code, to_team=team, to_day=nxt[0], to_shift_code=nxt[1],
                open_issues="光华大道占道摊点已劝离，明早复查" if s.code == shifts[0].code else "无",
                cases="1起渣土遗撒已上报中队，待执法队员处理" if offset % 2 else "无",
                equipment="执法记录仪2台（已充电）、对讲机2部", vehicles="巡查电瓶车1辆，电量约60%",
                member=members[offset % len(members)], recorded_by=user, recorded_at=at,
                ack_due_at=rules.ack_due(at, hours))
            counts["handovers"] += 1
            after = {"team": team.pk, "day": day.isoformat(), "shift": s.code}
            if not last:
                taker = members[(offset + 1) % len(members)]
                discrepancy = offset == 3 and s.code == shifts[0].code
                Handover.objects.filter(pk=h.pk).update(
                    acknowledged_at=at + dt.timedelta(minutes=40), acknowledged_by=leader, ack_member=taker,
                    ack_remarks="对讲机只有1部，另1部在队部充电" if discrepancy else "", discrepancy=discrepancy)
                if discrepancy:
                    HandoverNote.objects.create(handover=h, text="更正：第2部对讲机留在队部充电，已当面说明",
                                                written_by=user, written_at=at + dt.timedelta(hours=1))
                    counts["handover_notes"] += 1
                after["acknowledged"] = True
            else:
                counts["handovers_unacknowledged"] += 1
            changes.append(Change("create", "patrol.handover", str(h.pk), str(h), "demo handover", after=after))
    return changes
