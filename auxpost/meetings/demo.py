"""§5.3.3 demo data for meetings, run once on a fresh demo district (after the logins exist).

For the squadrons of the demo logins ``squadron1`` and ``squadron2`` (their 中队长 host everything):
- the last four weeks' 小队周例会 of each team (Monday 08:00–08:30) and last month's 中队 专题会议, all
  closed through the services: most members signed in (``member1`` on the phone, the others marked by the
  host), a few sent an excuse the host accepted, one was refused, and a few were simply absent — so the
  ledger holds pending ``meeting_absence`` entries for the points approvers;
- minutes and follow-ups on the latest meetings (one overdue, one done);
- next week's meetings scheduled, one with an excuse waiting for the host.
Members' status and roster are not touched.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone

from auxpost.accounts.models import User
from auxpost.meetings import services
from auxpost.meetings.models import Meeting
from auxpost.org.models import Unit
from auxpost.people.models import Member

LOGINS = ("squadron1", "squadron2")


def _at(day: dt.date, h: int, m: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h, m), timezone.get_current_timezone())


def _fate(member_id: int, salt: int) -> str:
    """A fixed pattern: about 1 in 25 absent, 1 in 20 excused, one in 60 refused."""
    r = (member_id * 31 + salt * 17) % 60
    return "absent" if r < 2 else "excused" if r < 5 else "refused" if r == 5 else "present"


@transaction.atomic
def load(*, today: dt.date) -> Counter:
    """Load the meetings demo (see the module docstring); returns what was created."""
    counts: Counter = Counter()
    if Meeting.objects.exists():
        return counts
    monday = today - dt.timedelta(days=today.weekday())
    for username in LOGINS:
        host = User.objects.filter(username=username).first()
        ra = host.role_assignments.filter(unit__isnull=False).select_related("unit").first() if host else None
        if ra is None:
            continue
        squadron = ra.unit
        teams = list(Unit.objects.filter(parent=squadron).order_by("path"))
        salt = 0
        for week in range(4, 0, -1):
            day = monday - dt.timedelta(weeks=week)
            for team in teams:
                salt += 1
                _held(host, team, "weekly", f"{team.name}第{day.isocalendar()[1]}周例会", day, 8, 30, salt, counts)
        first_of_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        topical_day = first_of_month + dt.timedelta(days=(7 - first_of_month.weekday()) % 7 + 2)
        m = _held(host, squadron, "topical", "汛期安全与文明执法专题会", topical_day, 14, 90, 99, counts)
        att = list(m.attendees.select_related("member").order_by("pk")[:2])
        end = m.ends_at + dt.timedelta(minutes=10)
        services.minutes_save(actor=host, meeting=m, at=end, minutes=(
            "一、传达区局汛期安全工作部署；\n二、重申文明执法“六不准”；\n三、各小队排查易涝点位并建立台账。"))
        counts["minutes"] += 1
        if att:
            services.follow_up_add(actor=host, meeting=m, title="排查辖区易涝点位并建立台账", owner=att[0].member,
                                   due_date=topical_day + dt.timedelta(days=7), at=end)
            counts["follow-ups"] += 1
        if len(att) > 1:
            fu = services.follow_up_add(actor=host, meeting=m, title="更新巡查组联系方式", owner=att[1].member,
                                        due_date=topical_day + dt.timedelta(days=3), at=end)
            services.follow_up_done(actor=host, follow_up=fu, note="已更新并发至工作群",
                                    at=end + dt.timedelta(days=2))
            counts["follow-ups"] += 1
        nxt = monday + dt.timedelta(weeks=1)
        for team in teams:
            services.meeting_schedule(actor=host, unit=team, title=f"{team.name}第{nxt.isocalendar()[1]}周例会",
                                      kind="weekly", starts_at=_at(nxt, 8), ends_at=_at(nxt, 8, 30),
                                      place=f"{squadron.name}会议室", agenda="1. 上周工作小结\n2. 本周勤务安排",
                                      at=_at(today, 9))
            counts["meetings scheduled"] += 1
        mine = Member.objects.filter(user__username="member1", unit__path__startswith=squadron.path).first()
        if mine is not None and mine.user is not None:
            upcoming = Meeting.objects.filter(unit=mine.unit, starts_at__gt=_at(today, 23)).first()
            if upcoming is not None:
                services.excuse_send(actor=mine.user, meeting=upcoming, reason="当天陪同家人就医",
                                     at=_at(today, 9))
                counts["excuses waiting"] += 1
    return counts


def _held(host, unit, kind: str, title: str, day: dt.date, hour: int, minutes: int, salt: int,
          counts: Counter) -> Meeting:
    """Schedule a meeting a week before, collect excuses, sign in, close it (through the services)."""
    start = _at(day, hour)
    end = start + dt.timedelta(minutes=minutes)
    m = services.meeting_schedule(actor=host, unit=unit, title=title, kind=kind, starts_at=start, ends_at=end,
                                  place=f"{unit.name}会议室", agenda="1. 工作小结\n2. 下步安排", host=host,
                                  at=start - dt.timedelta(days=7))
    counts["meetings held"] += 1
    for row in m.attendees.select_related("member", "member__user").order_by("pk"):
        fate = _fate(row.member_id, salt)
        user = row.member.user
        if fate == "excused" and user is None:
            services.excuse_record(actor=host, attendee=row, reason="电话请假：家中有事", at=start - dt.timedelta(hours=2))
            continue
        if fate in ("excused", "refused") and user is not None:
            services.excuse_send(actor=user, meeting=m, reason="临时外出办事", at=start - dt.timedelta(days=1))
            services.excuse_decide(actor=host, attendee=row, accept=fate == "excused",
                                   note="" if fate == "excused" else "未说明事由，不予批准",
                                   at=start - dt.timedelta(hours=1))
        elif fate == "present":
            if user is not None:
                services.attendance_sign_in(actor=user, meeting=m, at=start - dt.timedelta(minutes=5))
            else:
                services.attendance_mark(actor=host, attendee=row, present=True, at=start + dt.timedelta(minutes=2))
    tally = services.meeting_close(actor=host, meeting=m, at=end + dt.timedelta(minutes=5))
    counts["absences recorded"] += tally.absent
    return m
