"""§5.2.4 pages: access (permitted / out of scope / anonymous), flow buttons per role, refusals 409/403,
the member's own resignation, protections, retirements, pick-up; list query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from auxpost.separation.models import ProtectionRecord, SeparationCase
from auxpost.separation.services import case_approve, case_execute, proposal_create
from auxpost.testing import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(district):
    return proposal_create(actor=district.bureau_user, member=district.m1, ground="art39_breach", reason="多次旷工")


def _body(r):
    return r.content.decode()


# --- access ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["separation:cases", "separation:new", "separation:protections_index",
                                  "separation:retirements", "separation:pickup", "separation:mine"])
def test_anonymous_redirected_to_login(client_for, district, name):
    r = client_for(None).get(reverse(name))
    assert r.status_code == 302 and "login" in r["Location"]


def test_case_pages_anonymous(client_for, case, district):
    for url in (reverse("separation:case", args=[case.pk]), reverse("separation:protections", args=[district.m1.pk])):
        r = client_for(None).get(url)
        assert r.status_code == 302 and "login" in r["Location"]


@pytest.mark.parametrize(("who", "name", "code"), [
    ("bureau_user", "separation:cases", 200), ("hrco", "separation:cases", 200), ("squadron1", "separation:cases", 200),
    ("admin", "separation:cases", 200), ("nobody", "separation:cases", 404), ("bianban", "separation:cases", 404),
    ("member1", "separation:cases", 302),
    ("bureau_user", "separation:new", 200), ("hrco", "separation:new", 404), ("member1", "separation:new", 404),
    ("bureau_user", "separation:protections_index", 200), ("hrco", "separation:protections_index", 200),
    ("squadron1", "separation:protections_index", 404), ("member1", "separation:protections_index", 404),
    ("bureau_user", "separation:retirements", 200), ("hrco", "separation:retirements", 200),
    ("squadron1", "separation:retirements", 404), ("member1", "separation:retirements", 404),
    ("bureau_user", "separation:pickup", 200), ("hrco", "separation:pickup", 404), ("squadron1", "separation:pickup", 404),
    ("member1", "separation:mine", 200), ("bureau_user", "separation:mine", 404), ("nobody", "separation:mine", 404),
])
def test_page_access_by_role(client_for, district, who, name, code):
    r = client_for(getattr(district, who)).get(reverse(name))
    assert r.status_code == code


def test_case_detail_in_and_out_of_scope(client_for, district, case):
    url = reverse("separation:case", args=[case.pk])
    for who in ("bureau_user", "hrco", "squadron1", "member1", "admin"):
        r = client_for(getattr(district, who)).get(url)
        assert r.status_code == 200, who
        assert "第三十九条第（二）项" in _body(r) and "严重违反" in _body(r)
    for who in ("squadron2", "nobody", "bianban", "assessor"):
        assert client_for(getattr(district, who)).get(url).status_code == 404, who
    assert client_for(district.bureau_user).get(reverse("separation:case", args=[99999])).status_code == 404


def test_protections_page_scope(client_for, district):
    url = reverse("separation:protections", args=[district.m1.pk])
    assert client_for(district.hrco).get(url).status_code == 200
    assert client_for(district.bureau_user).get(url).status_code == 200
    for who in ("squadron1", "member1", "nobody"):
        assert client_for(getattr(district, who)).get(url).status_code == 404


# --- flow buttons and refusals ------------------------------------------------------------------

def test_buttons_per_role(client_for, district, case):
    url = reverse("separation:case", args=[case.pk])
    assert 'data-action="approve"' in _body(client_for(district.bureau_user).get(url))
    assert 'data-action="approve"' not in _body(client_for(district.hrco).get(url))
    assert 'data-action="' not in _body(client_for(district.member1).get(url))  # not their resignation
    assert 'data-action="' not in _body(client_for(district.squadron1).get(url))


def test_flow_through_pages(client_for, district, case):
    d = district
    url = reverse("separation:case", args=[case.pk])
    r = client_for(d.bureau_user).post(url, {"op": "move", "action": "approve", "reason": "同意"})
    assert r.status_code == 302
    today = dt.date.today()
    r = client_for(d.hrco).post(url, {"op": "move", "action": "execute", "last_day": today.isoformat()})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "executed" and case.effect_applied_at is not None
    assert 'data-action="return_item"' in _body(client_for(d.squadron1).get(url))
    for item, who in (("uniform", d.hrco), ("badge", d.squadron1), ("certificate", d.hrco)):
        r = client_for(who).post(url, {"op": "item", "item": item, "returned_on": today.isoformat()})
        assert r.status_code == 302, _body(r)
    r = client_for(d.bureau_user).post(url, {"op": "move", "action": "archive"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "archived"
    page = _body(client_for(d.bureau_user).get(url))
    assert "已归档" in page and "制服" in page and "上岗证" in page


def test_out_of_order_409_and_without_authority_403_on_the_page(client_for, district, case):
    url = reverse("separation:case", args=[case.pk])
    r = client_for(district.bureau_user).post(url, {"op": "move", "action": "archive"})
    assert r.status_code == 409 and "已提出" in _body(r) and "审核" in _body(r)
    r = client_for(district.hrco).post(url, {"op": "move", "action": "approve"})
    assert r.status_code == 403 and "区综合行政执法局" in _body(r)
    r = client_for(district.hrco).post(url, {"op": "item", "item": "uniform"})
    assert r.status_code == 409


def test_refuse_without_reason_marks_the_field(client_for, district, case):
    r = client_for(district.bureau_user).post(reverse("separation:case", args=[case.pk]),
                                              {"op": "move", "action": "refuse", "reason": ""})
    assert r.status_code == 200 and "请填写理由" in _body(r)
    assert SeparationCase.objects.get(pk=case.pk).status == "proposed"


def test_art42_refusal_on_review_page(client_for, district):
    f = make_member(district.sq1_t1, name="孙丽", male=False, birth=dt.date(1994, 2, 2))
    case = proposal_create(actor=district.bureau_user, member=f, ground="art40_unfit", reason="不胜任")
    ProtectionRecord.objects.create(member=f, kind="pregnancy", start=dt.date.today(), recorded_by=district.hrco,
                                    recorded_at=case.created_at)
    r = client_for(district.bureau_user).post(reverse("separation:case", args=[case.pk]),
                                              {"op": "move", "action": "approve"})
    assert r.status_code == 409 and "孕期" in _body(r) and "第四十二条" in _body(r)


# --- new proposal ------------------------------------------------------------------------------

def test_new_proposal_search_and_create(client_for, district):
    c = client_for(district.bureau_user)
    r = c.get(reverse("separation:new"), {"q": "李"})
    assert "李一" in _body(r)
    r = c.get(reverse("separation:new"), {"member": district.m1.pk})
    assert "第四十条第（二）项" in _body(r) and "法定退休" in _body(r) or "Statutory" in _body(r)
    r = c.post(reverse("separation:new"), {"member": district.m1.pk, "ground": "death", "reason": "因病去世",
                                           "last_day": "2026-05-01"})
    assert r.status_code == 302
    assert SeparationCase.objects.get(member=district.m1).ground == "death"


def test_new_proposal_art42_refusal_on_the_ground_field(client_for, district):
    f = make_member(district.sq1_t1, name="孙丽", male=False, birth=dt.date(1994, 2, 2))
    ProtectionRecord.objects.create(member=f, kind="nursing", start=dt.date.today() - dt.timedelta(days=30),
                                    recorded_by=district.hrco, recorded_at=f.created_at)
    r = client_for(district.bureau_user).post(reverse("separation:new"),
                                              {"member": f.pk, "ground": "art40_unfit", "reason": "不胜任"})
    assert r.status_code == 200 and "哺乳期" in _body(r) and "第四十二条" in _body(r)
    assert not SeparationCase.objects.filter(member=f).exists()


def test_new_proposal_member_out_of_scope_404(client_for, district):
    r = client_for(district.bureau_user).get(reverse("separation:new"), {"member": 999999})
    assert r.status_code == 404


# --- member's own -----------------------------------------------------------------------------------

def test_member_resigns_and_withdraws_on_phone_page(client_for, district):
    c = client_for(district.member1)
    today = dt.date.today()
    r = c.post(reverse("separation:mine"), {"op": "resign", "last_day": (today + dt.timedelta(days=5)).isoformat(),
                                            "reason": "另谋职业"})
    assert r.status_code == 200 and "第三十七条" in _body(r)
    r = c.post(reverse("separation:mine"), {"op": "resign", "last_day": (today + dt.timedelta(days=31)).isoformat(),
                                            "reason": "另谋职业"})
    assert r.status_code == 302
    case = SeparationCase.objects.get(member=district.m1)
    assert case.source == "resignation" and case.status == "proposed"
    r = c.get(reverse("separation:mine"))
    assert "撤回" in _body(r) or "Withdraw" in _body(r)
    r = c.post(reverse("separation:mine"), {"op": "withdraw", "reason": "不辞了"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "cancelled"


# --- protections, retirements, pick-up ------------------------------------------------------------

def test_record_protection_page(client_for, district):
    f = make_member(district.sq1_t1, name="孙丽", male=False, birth=dt.date(1994, 2, 2))
    url = reverse("separation:protections", args=[f.pk])
    r = client_for(district.hrco).post(url, {"kind": "pregnancy", "start": "2026-01-10"})
    assert r.status_code == 302
    rec = ProtectionRecord.objects.get(member=f)
    r = client_for(district.hrco).post(url, {"kind": "pregnancy", "start": "2026-01-10", "end": "2026-01-01"})
    assert r.status_code == 200 and "早于" in _body(r)
    r = client_for(district.bureau_user).post(url, {"kind": "pregnancy", "start": "2026-01-10", "end": "2026-09-30",
                                                    "supersedes": rec.pk})
    assert r.status_code == 302
    assert ProtectionRecord.objects.get(supersedes=rec).end == dt.date(2026, 9, 30)
    page = _body(client_for(district.hrco).get(url))
    assert "孕期" in page and "第四十二条" in page


def test_retirements_page_lists_due_member(client_for, district):
    today = dt.date.today()
    old = make_member(district.sq1_t1, name="老王", birth=today.replace(year=today.year - 60) - dt.timedelta(days=1))
    r = client_for(district.hrco).get(reverse("separation:retirements"))
    assert "老王" in _body(r) and "第四十四条" in _body(r)
    assert old.pk


def test_pickup_page_takes_up_an_annual_result_pair(client_for, district):
    from django.utils import timezone

    from auxpost.assessment.models import AnnualResult

    for year in (2024, 2025):
        AnnualResult.objects.create(member=district.m2, year=year, composite=50, band="fail", status="confirmed",
                                    computed_at=timezone.now())
    c = client_for(district.bureau_user)
    r = c.get(reverse("separation:pickup"))
    assert "王二" in _body(r) and "2024年、2025年" in _body(r)
    r = c.post(reverse("separation:pickup"), {"kind": "annual_result", "ref": f"{district.m2.pk}:2024-2025",
                                              "ground": "art40_unfit"})
    assert r.status_code == 302
    case = SeparationCase.objects.get(member=district.m2)
    assert (case.source, case.ground, case.source_ref) == ("annual_result", "art40_unfit", f"{district.m2.pk}:2024-2025")
    assert "王二" not in _body(c.get(reverse("separation:pickup")))
    r = client_for(district.hrco).post(reverse("separation:pickup"), {"kind": "annual_result", "ref": "1:2024-2025",
                                                                      "ground": "art40_unfit"})
    assert r.status_code == 404


# --- lists: query counts ---------------------------------------------------------------------------

def test_cases_list_query_count(client_for, district, django_assert_max_num_queries):
    for i in range(12):
        m = make_member(district.sq1_t1, name=f"队员{i}", birth=dt.date(1990, 1, 1 + i))
        c = proposal_create(actor=district.bureau_user, member=m, ground="art39_breach", reason="x")
        if i % 2:
            case_approve(actor=district.bureau_user, case=c)
        if i % 4 == 1:
            case_execute(actor=district.hrco, case=c, last_day=dt.date.today() + dt.timedelta(days=9))
    client = client_for(district.bureau_user)
    with django_assert_max_num_queries(14):
        r = client.get(reverse("separation:cases"), {"status": "open"})
    assert r.status_code == 200 and _body(r).count("data-case=") == 12
    r = client_for(district.squadron2).get(reverse("separation:cases"))
    assert _body(r).count("data-case=") == 0


def test_cases_list_filters(client_for, district, case):
    c = client_for(district.bureau_user)
    assert _body(c.get(reverse("separation:cases"), {"ground": "death"})).count("data-case=") == 0
    assert _body(c.get(reverse("separation:cases"), {"ground": "art39_breach"})).count("data-case=") == 1
    assert _body(c.get(reverse("separation:cases"), {"status": "archived"})).count("data-case=") == 0
    assert _body(c.get(reverse("separation:cases"), {"unit": district.sq2.pk})).count("data-case=") == 0
    assert _body(c.get(reverse("separation:cases"), {"unit": district.sq1.pk})).count("data-case=") == 1


def test_protections_are_health_data_not_shown_to_line_managers(client_for, district):
    f = make_member(district.sq1_t1, name="孙丽", male=False, birth=dt.date(1994, 2, 2))
    ProtectionRecord.objects.create(member=f, kind="medical_period", start=dt.date.today(), recorded_by=district.hrco,
                                    recorded_at=f.created_at)
    case = proposal_create(actor=district.bureau_user, member=f, ground="art39_breach", reason="x")
    url = reverse("separation:case", args=[case.pk])
    assert "医疗期" in _body(client_for(district.bureau_user).get(url))
    assert "医疗期" not in _body(client_for(district.squadron1).get(url))
    api = f"/api/v1/separation/cases/{case.pk}/"
    assert client_for(district.squadron1).get(api).json()["protections"] == []
    assert client_for(district.hrco).get(api).json()["protections"][0]["kind"] == "medical_period"


def test_other_lists_query_counts(client_for, district, django_assert_max_num_queries):
    from django.utils import timezone

    from auxpost.assessment.models import AnnualResult

    today = dt.date.today()
    for i in range(8):
        m = make_member(district.sq2_t1, name=f"老{i}", birth=today.replace(year=today.year - 60) - dt.timedelta(days=i),
                        male=i % 2 == 0)
        for year in (2024, 2025):
            AnnualResult.objects.create(member=m, year=year, composite=40, band="fail", status="confirmed",
                                        computed_at=timezone.now())
        ProtectionRecord.objects.create(member=m, kind="medical_period", start=today, recorded_by=district.hrco,
                                        recorded_at=timezone.now())
    client = client_for(district.bureau_user)
    for name, marker, n in (("separation:pickup", "data-pickup=", 8), ("separation:retirements", "data-member=", 4),
                            ("separation:protections_index", "separation/protections/", 8)):
        with django_assert_max_num_queries(14):
            r = client.get(reverse(name))
        assert r.status_code == 200 and _body(r).count(marker) >= n, name
