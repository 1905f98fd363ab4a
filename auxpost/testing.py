"""Test factories shared by every app's tests (kept in the package so bench/ can use them too).

The standard cast, after healthchecks' hc/test.py: a bureau with one brigade and two squadrons,
each with two teams; a user per role; a member in each squadron. Every access test takes a
permitted user, an out-of-scope user and an anonymous client.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from auxpost.accounts.models import DEFAULT_SCOPE, Role, RoleAssignment, User
from auxpost.org.models import Organisation, OrganisationKind, Unit, UnitKind
from auxpost.people.models import Education, GradeHistory, Member, MemberStatus
from auxpost.people.rules import id_check_digit

PASSWORD = "test-pass-123!"
_seq = itertools.count(1)


def make_id_number(birth: dt.date = dt.date(1990, 5, 17), *, male: bool = True, region: str = "510115") -> str:
    """A valid GB 11643 ID number, unique per call within a test run."""
    n = next(_seq) % 500
    order = n * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_digit(first17)


def make_unit(name: str, kind: str, parent: Unit | None = None, quota: int | None = None) -> Unit:
    from auxpost.org.services import unit_create

    return unit_create(actor=None, name=name, kind=kind, parent=parent, quota=quota)


def make_member(unit: Unit, *, name: str = "张三", grade: int | None = 5, status: str = MemberStatus.ACTIVE,
                birth: dt.date = dt.date(1990, 5, 17), male: bool = True, hire_date: dt.date = dt.date(2020, 3, 1),
                education: str = Education.HIGH_SCHOOL, phone: str = "13800001234", **extra) -> Member:
    id_number = extra.pop("id_number", None) or make_id_number(birth, male=male)
    m = Member.objects.create(
        name=name, id_number=id_number, sex="M" if male else "F", birth_date=birth, phone=phone,
        education=education, hire_date=hire_date, unit=unit, status=status, grade=grade,
        grade_effective_date=hire_date if grade else None, **extra,
    )
    if grade:
        GradeHistory.objects.create(member=m, grade=grade, effective_date=hire_date, source="manual",
                                    recorded_at=timezone.now())
    return m


def make_user(username: str, role: str | None = None, *, unit: Unit | None = None, member: Member | None = None,
              scope: str | None = None, organisation: Organisation | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, organisation=organisation)
    if role:
        RoleAssignment.objects.create(user=user, role=role, scope=scope or DEFAULT_SCOPE[role], unit=unit)
    if member is not None:
        member.user = user
        member.save(update_fields=["user"])
    return user


@dataclass
class District:
    bureau: Unit
    brigade: Unit
    sq1: Unit
    sq2: Unit
    sq1_t1: Unit
    sq1_t2: Unit
    sq2_t1: Unit
    hr: Organisation
    assessor_org: Organisation
    staffing: Organisation
    m1: Member  # in squadron 1, team 1
    m2: Member  # in squadron 2, team 1
    admin: User
    bianban: User
    bureau_user: User
    squadron1: User
    squadron2: User
    hrco: User
    assessor: User
    member1: User
    nobody: User  # logged in, no role at all


def make_district() -> District:
    bureau = make_unit("区综合行政执法局", UnitKind.BUREAU, quota=400)
    brigade = make_unit("综合行政执法大队", UnitKind.BRIGADE, bureau, quota=300)
    sq1 = make_unit("第一中队", UnitKind.SQUADRON, brigade, quota=50)
    sq2 = make_unit("第二中队", UnitKind.SQUADRON, brigade, quota=50)
    sq1_t1 = make_unit("第一小队", UnitKind.TEAM, sq1)
    sq1_t2 = make_unit("第二小队", UnitKind.TEAM, sq1)
    sq2_t1 = make_unit("第一小队", UnitKind.TEAM, sq2)
    hr = Organisation.objects.create(name="恒信人才发展有限公司", kind=OrganisationKind.HR_COMPANY)
    assessor_org = Organisation.objects.create(name="某某评估咨询公司", kind=OrganisationKind.ASSESSOR)
    staffing = Organisation.objects.create(name="区委编办", kind=OrganisationKind.STAFFING_OFFICE)
    m1 = make_member(sq1_t1, name="李一", phone="13811112222")
    m2 = make_member(sq2_t1, name="王二", phone="13933334444")
    return District(
        bureau=bureau, brigade=brigade, sq1=sq1, sq2=sq2, sq1_t1=sq1_t1, sq1_t2=sq1_t2, sq2_t1=sq2_t1,
        hr=hr, assessor_org=assessor_org, staffing=staffing, m1=m1, m2=m2,
        admin=make_user("admin", Role.ADMIN),
        bianban=make_user("bianban", Role.STAFFING_OFFICE, organisation=staffing),
        bureau_user=make_user("bureau", Role.BUREAU, unit=bureau),
        squadron1=make_user("squadron1", Role.LINE_MANAGER, unit=sq1),
        squadron2=make_user("squadron2", Role.LINE_MANAGER, unit=sq2),
        hrco=make_user("hrco", Role.HR_COMPANY, organisation=hr),
        assessor=make_user("assessor", Role.ASSESSOR, organisation=assessor_org),
        member1=make_user("member1", Role.MEMBER, member=m1),
        nobody=make_user("nobody"),
    )
