"""Shared helpers for the patrol tests: a team with a leader and two members on today's roster, patrol
categories, a small PNG."""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from auxpost.accounts.models import Role
from auxpost.duties.models import Duty, WorkLine
from auxpost.duty.models import DutyArea, Roster, RosterAssignment
from auxpost.testing import make_member, make_user

#: 2026-06-01 (a Monday) 10:00 in Asia/Shanghai: the day shift (08:30–17:30) is running.
NOW = timezone.make_aware(dt.datetime(2026, 6, 1, 10, 0))
TODAY = dt.date(2026, 6, 1)


def png_bytes(color=(200, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, format="PNG")
    return buf.getvalue()


def png_upload(name="scene.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@dataclass
class World:
    district: object
    line: WorkLine
    cats: list
    area: DutyArea
    roster: Roster
    m3: object  # a second member of sq1_t1, same patrol group as m1
    member3: object  # m3's login
    leader: object  # team leader of sq1_t1 (LINE_MANAGER at the team)
    leader2: object  # team leader of sq1_t2
    t2_member: object  # a member of sq1_t2 with login member4
    member4: object


def make_world(district, day=TODAY, shift_code="day") -> World:
    line, _ = WorkLine.objects.get_or_create(code="city", defaults={"name": "市容市貌"})
    cats = [Duty.objects.create(work_line=line, code=f"p{i}", name=n, patrol_category=True)
            for i, n in enumerate(["占道经营", "乱堆乱放", "工地扬尘", "渣土运输", "户外广告"], 1)]
    Duty.objects.create(work_line=line, code="x1", name="内业整理", patrol_category=False)
    area = DutyArea.objects.create(unit=district.sq1, work_line=line, name="光华大道片区", created_at=timezone.now())
    roster = Roster.objects.create(team=district.sq1_t1, day=day, shift_code=shift_code, work_line=line, area=area,
                                   created_at=timezone.now())
    m3 = make_member(district.sq1_t1, name="赵三", phone="13700005555")
    member3 = make_user("member3", Role.MEMBER, member=m3)
    for m in (district.m1, m3):
        RosterAssignment.objects.create(roster=roster, member=m, day=day, shift_code=shift_code, group=1)
    leader = make_user("leader1", Role.LINE_MANAGER, unit=district.sq1_t1)
    leader2 = make_user("leader2", Role.LINE_MANAGER, unit=district.sq1_t2)
    m4 = make_member(district.sq1_t2, name="钱四", phone="13700006666")
    member4 = make_user("member4", Role.MEMBER, member=m4)
    for u in (district.member1, member3, member4):
        u.refresh_from_db()
    return World(district=district, line=line, cats=cats, area=area, roster=roster, m3=m3, member3=member3,
                 leader=leader, leader2=leader2, t2_member=m4, member4=member4)


@pytest.fixture
def world(district):
    return make_world(district)
