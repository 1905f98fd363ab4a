"""The home dashboard per role: right numbers, nothing outside the caller's scope, few queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from auxpost.accounts.models import Role
from auxpost.core.dashboard import dashboard_context, member_url
from auxpost.org.models import UnitKind
from auxpost.org.services import unit_set_quota
from auxpost.people.models import MemberStatus
from auxpost.testing import make_member, make_unit, make_user

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def cast(district):
    """district + members with known statuses and certificates.

    squadron 1: 李一 (m1, no certificate), 陈试用 (probation, expires in 10 days),
                孙过期 (grade 3, expired yesterday)
    squadron 2: 王二 (m2, no certificate), 周停岗 (suspended, grade 4, valid 100 days),
                吴边界 (grade 1, expires in exactly 30 days), 郑正常 (valid 31 days), 冯离职 (separated)
    """
    d = district
    d.a = make_member(d.sq1_t2, name="陈试用", status=MemberStatus.PROBATION, cert_number="WJ-CG-2026-0001",
                      cert_valid_until=days(10))
    d.b = make_member(d.sq1_t1, name="孙过期", grade=3, cert_number="WJ-CG-2023-0002", cert_valid_until=days(-1))
    d.c = make_member(d.sq2_t1, name="周停岗", grade=4, status=MemberStatus.SUSPENDED, cert_valid_until=days(100))
    d.e = make_member(d.sq2_t1, name="吴边界", grade=1, cert_valid_until=days(30))
    d.f = make_member(d.sq2_t1, name="郑正常", grade=2, cert_valid_until=days(31))
    d.g = make_member(d.sq2_t1, name="冯离职", grade=None, status=MemberStatus.SEPARATED, cert_valid_until=days(5))
    return d


def headline(ctx):
    m = ctx["manager"]
    return (m.on_roster, m.probation, m.suspended, m.cert_expiring, m.cert_expired, m.cert_missing)


def bars(chart):
    return {b.full_label: b.value for b in chart.bars}


@pytest.mark.parametrize("who", ["admin", "bianban", "bureau_user", "hrco"])
def test_district_wide_roles_see_the_whole_district(cast, who):
    ctx = dashboard_context(getattr(cast, who), today=TODAY)
    assert headline(ctx) == (7, 1, 1, 2, 1, 2)
    m = ctx["manager"]
    assert m.whole_district
    assert bars(m.by_unit) == {"第一中队": 3, "第二中队": 4}
    assert m.by_unit.title == "Members by squadron"
    assert bars(m.by_grade) == {"Grade 1": 1, "Grade 2": 1, "Grade 3": 1, "Grade 4": 1, "Grade 5": 3}
    assert {s.label: s.value for s in m.by_status.segments} == {"Active": 5, "On probation": 1, "Suspended": 1}
    assert [e["name"] for e in m.expiring] == ["陈试用", "吴边界"]  # soonest first, the separated one not at all
    assert m.expiring[0]["days_left"] == 10 and m.expiring[0]["unit"] == "第一中队/第二小队"
    assert ctx["member_card"] is None and ctx["assessor"] is None and not ctx["no_role"]


def test_line_manager_counts_only_their_squadron(cast):
    ctx = dashboard_context(cast.squadron1, today=TODAY)
    assert headline(ctx) == (3, 1, 0, 1, 1, 1)
    m = ctx["manager"]
    assert not m.whole_district and m.scope_label == "第一中队"
    assert m.by_unit.title == "Members by team"
    assert bars(m.by_unit) == {"第一中队/第一小队": 2, "第一中队/第二小队": 1}
    assert [e["name"] for e in m.expiring] == ["陈试用"]
    assert sum(b.value for b in m.by_grade.bars) == 3
    assert sum(b.value for b in m.by_work_line.bars) == 3
    assert [q.name for q in m.quotas] == ["第一中队"]  # not the brigade or bureau, whose totals include others

    ctx2 = dashboard_context(cast.squadron2, today=TODAY)
    assert headline(ctx2) == (4, 0, 1, 1, 0, 1)
    assert [e["name"] for e in ctx2["manager"].expiring] == ["吴边界"]


def test_quota_use_is_subtree_headcount_and_red_from_95_percent(cast):
    unit_set_quota(actor=cast.bianban, unit=cast.sq1, quota=3)
    ctx = dashboard_context(cast.bureau_user, today=TODAY)
    rows = {q.name: q for q in ctx["manager"].quotas}
    assert (rows["区综合行政执法局"].headcount, rows["区综合行政执法局"].quota) == (7, 400)
    assert (rows["综合行政执法大队"].headcount, rows["综合行政执法大队"].quota) == (7, 300)
    assert (rows["第一中队"].headcount, rows["第一中队"].pct, rows["第一中队"].tone) == (3, 100, "bad")
    assert (rows["第二中队"].headcount, rows["第二中队"].pct, rows["第二中队"].tone) == (4, 8, "")


def test_manager_page_shows_figures_charts_and_links(cast, client_for):
    unit_set_quota(actor=cast.bianban, unit=cast.sq1, quota=3)
    r = client_for(cast.bureau_user).get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'role="img"' in html and "<desc" in html and "<svg" in html
    assert "Grade 5: 3" in html or "五级: 3" in html  # the numbers are in the accessible description
    assert f'href="{member_url(cast.a.pk)}"' in html and "陈试用" in html
    assert f"/people/{cast.a.pk}/" in html
    assert 'class="fill bad"' in html  # 第一中队 at 100 % of its quota
    assert "冯离职" not in html  # separated: not on the roster
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html  # no external asset


def test_line_manager_page_never_shows_another_squadron(cast, client_for):
    html = client_for(cast.squadron1).get("/").content.decode()
    assert "陈试用" in html
    for outside in ("吴边界", "周停岗", "郑正常", "第二中队"):
        assert outside not in html


def test_member_sees_only_their_own_card(cast, client_for):
    cast.m1.cert_number = "WJ-CG-2024-0100"
    cast.m1.cert_valid_until = timezone.localdate() + dt.timedelta(days=12)
    cast.m1.save()
    ctx = dashboard_context(cast.member1)
    assert ctx["manager"] is None
    card = ctx["member_card"]
    assert card["member"].pk == cast.m1.pk and card["unit"] == "综合行政执法大队/第一中队/第一小队"
    assert card["cert_state"] == "expiring" and card["days_left"] == 12
    html = client_for(cast.member1).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "李一" in html and "WJ-CG-2024-0100" in html and "2020-03-01" in html  # grade since the hire date
    assert "expires in 12 days" in html or "12 天后到期" in html
    for other in ("陈试用", "孙过期", "王二", "吴边界"):
        assert other not in html
    assert "<svg" not in html


@pytest.mark.parametrize("valid_until,state", [(-3, "expired"), (None, "missing"), (200, "valid"), (0, "expiring")])
def test_member_certificate_states(cast, valid_until, state):
    cast.m1.cert_valid_until = days(valid_until) if valid_until is not None else None
    cast.m1.save()
    assert dashboard_context(cast.member1, today=TODAY)["member_card"]["cert_state"] == state


def test_member_role_without_a_roster_record(district, client_for):
    user = make_user("lonely", Role.MEMBER)
    ctx = dashboard_context(user)
    assert ctx["member_card"] is None and ctx["member_missing"]
    html = client_for(user).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not linked to a record on the roster" in html or "尚未关联" in html


def test_assessor_sees_no_figures_and_zero_tasks(cast, client_for):
    ctx = dashboard_context(cast.assessor)
    assert ctx["manager"] is None and ctx["member_card"] is None
    assert ctx["assessor"]["assigned_tasks"] == 0
    html = client_for(cast.assessor).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">0<" in html and cast.assessor_org.name in html
    assert "李一" not in html and "<svg" not in html


def test_user_without_role_is_told_to_contact_the_administrator(cast, client_for):
    ctx = dashboard_context(cast.nobody)
    assert ctx["no_role"] and ctx["manager"] is None
    html = client_for(cast.nobody).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "contact the system administrator" in html or "请联系系统管理员" in html
    assert "李一" not in html


def test_anonymous_is_sent_to_login(client_for):
    r = client_for(None).get("/")
    assert r.status_code == 302 and "/accounts/login/" in r.url


def test_line_manager_who_is_also_a_member_gets_both_sections(cast):
    from auxpost.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=cast.member1, role=Role.LINE_MANAGER, scope="unit", unit=cast.sq1_t1)
    ctx = dashboard_context(cast.member1, today=TODAY)
    assert ctx["member_card"]["member"].pk == cast.m1.pk
    assert ctx["manager"].on_roster == 2  # 李一 and 孙过期 in 第一小队
    assert ctx["manager"].by_unit.title == "Members by team"


def test_empty_scope_renders(db, client_for):
    user = make_user("boss", Role.BUREAU)
    ctx = dashboard_context(user, today=TODAY)
    assert headline(ctx) == (0, 0, 0, 0, 0, 0)
    assert client_for(user).get("/").status_code == 200


def test_query_count_is_small_and_does_not_grow_with_units_or_members(cast, client_for):
    client = client_for(cast.bureau_user)
    client.get("/")  # the first request after login also writes the session
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    assert len(few) <= 14
    # Grow the district: four more squadrons with teams and members.
    for i in range(4):
        sq = make_unit(f"新{i}中队", UnitKind.SQUADRON, cast.brigade, quota=20)
        team = make_unit("第一小队", UnitKind.TEAM, sq)
        for j in range(5):
            make_member(team, name=f"新人{i}{j}", cert_valid_until=days(j))
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert len(many) == len(few)
    assert "新3中队" in html


def test_dashboard_context_query_count(cast, django_assert_max_num_queries):
    # One of them reads the policy version in force (§5.2.3 the certificate reminder window).
    with django_assert_max_num_queries(9):
        dashboard_context(cast.bureau_user, today=TODAY)
    with django_assert_max_num_queries(4):
        dashboard_context(cast.member1, today=TODAY)


def test_assessor_counts_its_open_rounds_and_candidates_to_score(cast, client_for):
    """§3/§7.1 the tasks are the open rounds commissioned from the assessor's own organisation."""
    from django.utils import timezone

    from auxpost.assessment.models import RoundStatus, SkillsRound, SkillsScore
    from auxpost.org.models import Organisation, OrganisationKind

    now = timezone.now()
    mine = SkillsRound.objects.create(year=2026, batch=1, name="本机构", assessor=cast.assessor_org,
                                      status=RoundStatus.OPEN, created_at=now)
    other_org = Organisation.objects.create(name="另一评估公司", kind=OrganisationKind.ASSESSOR)
    theirs = SkillsRound.objects.create(year=2026, batch=1, name="他机构", assessor=other_org,
                                        status=RoundStatus.OPEN, created_at=now)
    SkillsScore.objects.create(round=mine, member=cast.m1, year=2026)
    SkillsScore.objects.create(round=mine, member=cast.m2, year=2026, composite=80)
    SkillsScore.objects.create(round=theirs, member=cast.m1, year=2026)
    ctx = dashboard_context(cast.assessor)
    assert (ctx["assessor"]["assigned_tasks"], ctx["assessor"]["to_score"]) == (1, 1)
    html = client_for(cast.assessor).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/assessment/rounds/" in html
