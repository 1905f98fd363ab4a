"""§12 `auxpost demo`: the demo district, its idempotence, its refusal outside demo mode, and the
member generator the benchmark reuses."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import translation

from auxpost.accounts.models import Role, RoleAssignment, Scope, User
from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_verify
from auxpost.core.demo import (
    BRIGADE_NAME,
    BUREAU_NAME,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    SQUADRON_NAMES,
    generate_members,
    load_demo,
)
from auxpost.duties.models import WorkLine
from auxpost.org.models import Organisation, Unit, UnitKind
from auxpost.people.models import ON_ROSTER, GradeHistory, Member, MemberStatus
from auxpost.people.rules import parse_id_number

TODAY = dt.date(2026, 11, 27)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_settings(settings):
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = FAST_HASHER  # the demo hashes once; checking eight logins stays quick
    return settings


def run_demo(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("demo", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db, demo_settings):
    return run_demo()


def _table_counts() -> dict:
    return {m.__name__: m.objects.count() for m in (Unit, WorkLine, Organisation, Member, GradeHistory, User,
                                                    RoleAssignment, AuditEntry)}


def test_unit_tree_is_exactly_the_wenjiang_district(demo):
    bureau = Unit.objects.get(parent=None)
    assert (bureau.name, bureau.kind) == (BUREAU_NAME, UnitKind.BUREAU)
    brigade = Unit.objects.get(parent=bureau)
    assert (brigade.name, brigade.kind) == (BRIGADE_NAME, UnitKind.BRIGADE)
    squadrons = list(Unit.objects.filter(parent=brigade).order_by("path"))
    assert [s.name for s in squadrons] == SQUADRON_NAMES
    assert {s.kind for s in squadrons} == {UnitKind.SQUADRON}
    team_sets = set()
    for sq in squadrons:
        teams = [t.name for t in Unit.objects.filter(parent=sq).order_by("path")]
        assert teams in (["第一小队", "第二小队"], ["第一小队", "第二小队", "第三小队"])
        team_sets.add(len(teams))
        assert not Unit.objects.filter(parent__parent=sq).exists()
    assert team_sets == {2, 3}  # some squadrons have a third team
    assert set(Unit.objects.filter(kind=UnitKind.TEAM).values_list("kind", flat=True)) == {UnitKind.TEAM}
    assert Unit.objects.get(parent=squadrons[0], name="第一小队").full_name() == "综合行政执法大队/第一中队/第一小队"


def test_work_lines_and_organisations(demo):
    assert {(w.code, w.name) for w in WorkLine.objects.all()} >= {("dust", "扬尘"), ("mobile", "机动"),
                                                                   ("appearance", "市容市貌")}
    kinds = {o.kind: o.name for o in Organisation.objects.all()}
    assert kinds["staffing_office"] == "区委编办"
    assert kinds["hr_company"] == "成都恒信人才发展有限公司"
    assert kinds["assessor"]


def test_members_are_realistic_and_every_id_number_is_valid(demo):
    members = list(Member.objects.all())
    assert len(members) == 300
    assert len({m.id_number for m in members}) == 300
    for m in members:
        info = parse_id_number(m.id_number, today=TODAY)
        assert info.birth_date == m.birth_date and info.sex == m.sex
        assert m.id_number[:2] == "51"  # Sichuan
        age = (TODAY - m.birth_date).days / 365.25
        assert 20 <= age <= 55
        assert m.work_start_date <= m.hire_date <= TODAY
        if m.status == MemberStatus.SEPARATED:  # §5.2.4 the demo's one resignation, in effect
            assert m.grade is None and m.separated_on is not None and m.separated_on < TODAY
            continue
        assert m.status in ON_ROSTER and m.grade in (1, 2, 3, 4, 5)
        assert m.phone.isdigit() and len(m.phone) == 11 and m.phone[0] == "1"
        assert m.unit.kind == UnitKind.TEAM and m.work_line_id is not None
    assert sum(m.status == MemberStatus.SEPARATED for m in members) == 1
    grades = Counter(m.grade for m in members if m.grade is not None)
    assert set(grades) == {1, 2, 3, 4, 5}
    assert grades[5] > grades[3] > grades[1] and grades[4] > grades[1]  # a pyramid
    statuses = Counter(m.status for m in members)
    assert statuses[MemberStatus.ACTIVE] > 250
    assert 1 <= statuses[MemberStatus.SUSPENDED] <= 2
    probation = [m for m in members if m.status == MemberStatus.PROBATION]
    assert probation and all(m.grade == 5 and m.hire_date.year == TODAY.year for m in probation)
    assert {m.education for m in members} >= {"high_school", "vocational", "junior_college", "bachelor", "master"}
    assert {m.political_status for m in members} == {"群众", "共青团员", "中共党员"}
    assert min(m.hire_date for m in members).year == 2012
    certs = Counter(
        "missing" if m.cert_valid_until is None else "expired" if m.cert_valid_until < TODAY
        else "soon" if (m.cert_valid_until - TODAY).days <= 30 else "valid" for m in members)
    assert certs["soon"] >= 5 and certs["expired"] >= 3 and certs["missing"] >= 3 and certs["valid"] > 200
    numbered = [m.cert_number for m in members if m.cert_valid_until]
    assert all(n.startswith("WJ-CG-20") for n in numbered) and len(set(numbered)) == len(numbered)


def test_grade_history_matches_the_current_grade(demo):
    rows: dict[int, list] = {}
    for h in GradeHistory.objects.order_by("effective_date", "id"):
        rows.setdefault(h.member_id, []).append(h)
    members = list(Member.objects.all())
    assert len(rows) == len(members)
    for m in members:
        last = rows[m.pk][-1]
        assert (last.grade, last.effective_date) == (m.grade, m.grade_effective_date)
        assert rows[m.pk][0].effective_date >= m.hire_date or rows[m.pk][0].reason == "初次定级"
    # Two rows of grades: a promotion (the demo's one separation adds a cancelling row, grade None).
    promoted = [r for r in rows.values() if len(r) == 2 and r[1].grade is not None]
    assert promoted and all(r[0].grade == r[1].grade + 1 for r in promoted)  # e.g. 五级 then 四级


def test_quotas_leave_headroom_and_one_squadron_is_nearly_full(demo):
    uses = []
    for unit in Unit.objects.exclude(kind=UnitKind.TEAM):
        assert unit.quota is not None
        headcount = Member.objects.filter(unit__path__startswith=unit.path, status__in=ON_ROSTER).count()
        assert headcount <= unit.quota
        uses.append(headcount / unit.quota)
    assert any(u >= 0.95 for u in uses)
    assert any(u < 0.85 for u in uses)


def test_one_login_per_role_with_the_demo_password(demo):
    expected = {
        "admin": (Role.ADMIN, Scope.ALL, None, None),
        "bianban": (Role.STAFFING_OFFICE, Scope.ALL, None, "区委编办"),
        "bureau": (Role.BUREAU, Scope.ALL, None, None),
        "squadron1": (Role.LINE_MANAGER, Scope.UNIT, "第一中队", None),
        "squadron2": (Role.LINE_MANAGER, Scope.UNIT, "第二中队", None),
        "brigade1": (Role.LINE_MANAGER, Scope.UNIT, "综合行政执法大队", None),
        "team1": (Role.LINE_MANAGER, Scope.UNIT, "第一小队", None),
        "hrco": (Role.HR_COMPANY, Scope.ALL, None, "成都恒信人才发展有限公司"),
        "assessor": (Role.ASSESSOR, Scope.ASSIGNED, None, None),
        "member1": (Role.MEMBER, Scope.SELF, None, None),
    }
    assert {d.username for d in DEMO_LOGINS} == set(expected)
    for username, (role, scope, unit_name, org_name) in expected.items():
        user = authenticate(None, username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        (ra,) = RoleAssignment.objects.filter(user=user)
        assert (ra.role, ra.scope) == (role, scope)
        assert (ra.unit.name if ra.unit else None) == unit_name
        if org_name:
            assert user.organisation.name == org_name
    assert User.objects.get(username="assessor").organisation.kind == "assessor"
    assert authenticate(None, username="admin", password="wrong-password") is None
    member = Member.objects.get(user__username="member1")
    assert member.unit.full_name() == "综合行政执法大队/第一中队/第一小队"
    assert member.status == MemberStatus.ACTIVE


def test_loading_is_recorded_in_a_verifiable_audit_chain(demo):
    assert AuditEntry.objects.filter(object_type="people.member", action="create").count() == 300
    assert AuditEntry.objects.filter(object_type="org.unit", action="create").count() == 23
    assert AuditEntry.objects.filter(object_type="accounts.user").count() == len(DEMO_LOGINS)
    assert audit_verify().ok


def test_second_run_changes_nothing_and_says_so(demo):
    assert "Demo district loaded" in demo and "auxpost-demo" in demo
    before = _table_counts()
    out = run_demo()
    assert "already loaded; nothing changed" in out
    assert _table_counts() == before


def test_refused_without_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError) as exc, translation.override("en"):
        call_command("demo", stdout=StringIO())
    assert "AUXPOST_DEMO=1" in str(exc.value) and "--force" in str(exc.value)
    assert not Unit.objects.exists() and not User.objects.exists() and not Member.objects.exists()


def test_force_loads_without_demo_mode(db, settings):
    settings.DEMO_MODE = False
    settings.PASSWORD_HASHERS = FAST_HASHER
    run_demo("--force")
    assert Member.objects.count() == 300


def test_bad_today_is_a_user_error(db, demo_settings):
    with pytest.raises(CommandError, match="YYYY-MM-DD"), translation.override("en"):
        call_command("demo", "--today", "27.11.2026", stdout=StringIO())


def test_demo_next_to_existing_members_keeps_id_numbers_unique(db, demo_settings, district):
    load_demo(today=TODAY)
    ids = list(Member.objects.values_list("id_number", flat=True))
    assert len(ids) == len(set(ids)) == 302


def test_generate_members_is_deterministic_fast_and_unique():
    units = [Unit(pk=i, name=f"u{i}", kind=UnitKind.TEAM, path=f"0001/{i:04d}/") for i in range(1, 6)]
    lines = [WorkLine(pk=1, code="dust", name="扬尘"), WorkLine(pk=2, code="appearance", name="市容市貌")]
    a = generate_members(5000, units, lines, 7, TODAY)
    b = generate_members(5000, units, lines, 7, TODAY)
    assert [m.id_number for m in a.members] == [m.id_number for m in b.members]
    assert all(m.pk is None for m in a.members)
    assert len({m.id_number for m in a.members}) == 5000
    for m in a.members[:500]:
        assert parse_id_number(m.id_number, today=TODAY).birth_date == m.birth_date
    assert {m.unit_id for m in a.members} == {1, 2, 3, 4, 5}
    assert {id(h.member) for h in a.grade_history} == {id(m) for m in a.members}  # everyone has a history
    other = generate_members(50, units, lines, 8, TODAY,
                             taken_id_numbers={m.id_number[:17] for m in a.members})
    assert not {m.id_number for m in other.members} & {m.id_number for m in a.members}


@pytest.mark.parametrize("username, expect", [
    ("admin", "在册人员"),
    ("bianban", "在册人员"),
    ("bureau", "在册人员"),
    ("squadron1", "第一中队"),
    ("squadron2", "第二中队"),
    ("brigade1", "综合行政执法大队"),
    ("team1", "第一小队"),
    ("hrco", "在册人员"),
    ("assessor", "委托本机构的进行中考核批次"),
    ("member1", "第一中队/第一小队"),
])
def test_every_demo_login_reaches_its_own_home_page(demo, client, username, expect):
    """Issue 2: each demo login works through the real login form and sees its own home page."""
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    html = response.content.decode()
    assert expect in html
    if username == "squadron1":
        assert "第二中队" not in html  # a line manager's home page counts only their own squadron


def test_history_gives_five_years_and_this_years_records(demo):
    """§6/§7/§10 the demo carries what outcomes are computed from."""
    from auxpost.assessment.models import AnnualResult, MonthlyScore, SkillsRound, SkillsScore
    from auxpost.grading.models import BasicRecord
    from auxpost.points.models import AnnualPoints, EntryStatus, PointsEntry

    years = sorted(set(AnnualResult.objects.values_list("year", flat=True)))
    assert years == [2021, 2022, 2023, 2024, 2025]
    assert AnnualPoints.objects.count() == AnnualResult.objects.count()
    assert SkillsScore.objects.filter(year=2025).count() == 2 * AnnualResult.objects.filter(year=2025).count()
    bands = Counter(AnnualResult.objects.filter(year=2025).values_list("band", flat=True))
    assert bands["excellent"] and bands["pass"]  # a realistic spread, not one band
    ledger = PointsEntry.objects.filter(date__year=2026)
    assert ledger.count() > 300
    # Deductions on record were approved by a second person; the last days' wait for approval.
    assert not ledger.filter(status=EntryStatus.APPROVED, points__lt=0, approved_by__isnull=True).exists()
    assert ledger.filter(status=EntryStatus.PENDING).exists()
    assert MonthlyScore.objects.filter(month=dt.date(2026, 10, 1)).exists()
    assert MonthlyScore.objects.filter(month=dt.date(2026, 10, 1)).count() < Member.objects.filter(
        status__in=ON_ROSTER).count()  # some members still to be scored for last month
    open_round = SkillsRound.objects.get(assessor__isnull=False, status="open")
    assert open_round.assessor.name == "四川蜀衡公共管理评估咨询有限公司"
    waiting = open_round.scores.filter(composite__isnull=True).count()
    assert 0 < waiting < open_round.scores.count()  # in progress: some scored, some still to score
    # History recomputes to what was imported: the monthly totals carry the imported means.
    from auxpost.assessment.services import annual_results_compute

    computed = {c.id_number: c.band for c in annual_results_compute(year=2025)}
    imported = dict(AnnualResult.objects.filter(year=2025).values_list("member__id_number", "band"))
    agree = sum(computed[k] == b for k, b in imported.items())
    assert agree >= 0.8 * len(imported)  # the 优秀 cap and vetoes move a few, nothing more
    # Everyone on the roster when the health checks were recorded: those on it now and the one who resigned since.
    assert BasicRecord.objects.filter(kind="health").count() == Member.objects.count()


def test_this_years_evaluation_round_is_open_for_applications(demo, client):
    """§8.3/§8.4 the demo carries a computed round: every member on the roster is a candidate, half
    the promotion candidates have applied (recorded as moves), the demo member sees their outcome."""
    from auxpost.evaluation import rules as evaluation_rules
    from auxpost.evaluation.models import Candidate, EvaluationRound, Transition

    rnd = EvaluationRound.objects.get()
    assert rnd.status == evaluation_rules.APPLICATIONS
    assert rnd.as_of == TODAY and rnd.policy_version == "1"
    on_roster = Member.objects.filter(status__in=ON_ROSTER).exclude(grade=None).count()
    # Computed before the demo's resignation took effect: the one who left since is still a candidate
    # (``evaluation-effect`` skips members no longer on the roster).
    assert rnd.candidates.filter(member__status__in=ON_ROSTER).count() == on_roster
    assert rnd.candidates.exclude(member__status__in=ON_ROSTER).count() == 1
    promotions = Candidate.objects.filter(round=rnd, outcome=evaluation_rules.PROMOTE)
    applied = promotions.filter(status=evaluation_rules.APPLIED).count()
    assert 0 < applied and abs(applied - (promotions.count() - applied)) <= 2
    assert Transition.objects.filter(round=rnd, action="apply").count() == applied
    client.force_login(User.objects.get(username="member1"))
    page = client.get("/evaluation/me/")
    assert page.status_code == 200
    assert rnd.name in page.content.decode()
    out = StringIO()
    call_command("demo", "--today", TODAY.isoformat(), stdout=out)  # idempotent: no second round
    assert EvaluationRound.objects.count() == 1
