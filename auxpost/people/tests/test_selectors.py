"""§3 scope and §4.1 roster filters: what each user sees, each filter, each order."""

import datetime as dt

import pytest
from django.http import Http404

from auxpost.accounts.models import Role
from auxpost.duties.models import WorkLine
from auxpost.people.selectors import (
    PersonalDataView,
    RosterParams,
    member_get_for,
    members_visible_to,
    roster_filter,
    roster_page,
)
from auxpost.people.services import member_set_status
from auxpost.testing import make_member, make_user

TODAY = dt.date(2026, 6, 1)


def names(qs):
    return [m.name for m in qs]


def test_scope_per_role(district):
    d = district
    everyone = {"李一", "王二"}
    for user in (d.admin, d.bianban, d.bureau_user, d.hrco):
        assert set(names(members_visible_to(user))) == everyone
    assert names(members_visible_to(d.squadron1)) == ["李一"]
    assert names(members_visible_to(d.squadron2)) == ["王二"]
    assert names(members_visible_to(d.member1)) == ["李一"]
    assert names(members_visible_to(d.assessor)) == []  # assigned tasks only: none in the foundation
    assert names(members_visible_to(d.nobody)) == []
    assert names(members_visible_to(None)) == []


def test_member_get_for_same_404_for_missing_and_out_of_scope(district):
    d = district
    assert member_get_for(d.squadron1, d.m1.pk) == d.m1
    for pk in (d.m2.pk, 999999, "abc"):
        with pytest.raises(Http404):
            member_get_for(d.squadron1, pk)


def test_line_manager_of_a_team_sees_only_the_team(district):
    make_member(district.sq1_t2, name="陈八")
    lead = make_user("team2", Role.LINE_MANAGER, unit=district.sq1_t2)
    assert names(members_visible_to(lead)) == ["陈八"]


def test_several_roles_union(district):
    both = make_user("both", Role.LINE_MANAGER, unit=district.sq2)
    district.m1.user = both
    district.m1.save()
    from auxpost.accounts.models import RoleAssignment, Scope

    RoleAssignment.objects.create(user=both, role=Role.MEMBER, scope=Scope.SELF)
    assert set(names(members_visible_to(both))) == {"李一", "王二"}


@pytest.fixture
def roster(district):
    d = district
    dust = WorkLine.objects.create(name="扬尘", code="dust")
    people = {
        "a": make_member(d.sq1_t2, name="张伟", grade=3, hire_date=dt.date(2018, 1, 1), phone="13700005678",
                         cert_valid_until=dt.date(2026, 5, 1), work_line=dust),
        "b": make_member(d.sq2_t1, name="张丽", grade=4, hire_date=dt.date(2022, 5, 1), phone="",
                         cert_valid_until=dt.date(2026, 6, 20)),
        "c": make_member(d.sq1, name="刘强", grade=1, hire_date=dt.date(2015, 9, 1),
                         cert_valid_until=dt.date(2028, 1, 1)),
    }
    member_set_status(actor=None, member=make_member(d.sq1_t1, name="张离", hire_date=dt.date(2019, 1, 1)),
                      status="separated", on=dt.date(2025, 1, 1))
    people["dust"] = dust
    return people


def flt(district, params, user=None, personal_data=True):
    qs = members_visible_to(user or district.admin)
    return names(roster_filter(qs, params, today=TODAY, personal_data=personal_data))


def test_default_is_on_roster_ordered_by_unit(district, roster):
    # unit path order: squadron 1 (刘强), its team 1 (李一), team 2 (张伟), squadron 2's team 1 (two)
    result = flt(district, {})
    assert result[:3] == ["刘强", "李一", "张伟"] and set(result[3:]) == {"张丽", "王二"}


def test_status_filters(district, roster):
    assert flt(district, {"status": "separated"}) == ["张离"]
    assert "张离" in flt(district, {"status": "all"})
    assert flt(district, {"status": "probation"}) == []
    assert "张离" not in flt(district, {"status": "bogus"})  # unknown → default


def test_search_name_and_numbers(district, roster):
    assert sorted(flt(district, {"q": "张"})) == ["张丽", "张伟"]
    a = roster["a"]
    assert flt(district, {"q": a.id_number}) == ["张伟"]
    assert flt(district, {"q": a.id_number[-6:].lower()}) == ["张伟"]
    assert flt(district, {"q": "13700005678"}) == ["张伟"]
    assert flt(district, {"q": "5678"}) == ["张伟"]


def test_masked_users_cannot_search_beyond_what_they_see(district, roster):
    a = roster["a"]
    assert flt(district, {"q": a.id_number[-4:]}, personal_data=False) == ["张伟"]
    assert flt(district, {"q": a.id_number[-6:]}, personal_data=False) == []  # would uncover masked digits
    assert flt(district, {"q": a.id_number}, personal_data=False) == ["张伟"]  # a whole number they already hold
    assert flt(district, {"q": "13700005678"}, personal_data=False) == ["张伟"]


def test_unit_subtree_filter(district, roster):
    assert flt(district, {"unit": district.sq1.pk}) == ["刘强", "李一", "张伟"]  # unit order
    assert flt(district, {"unit": district.sq1_t2.pk}) == ["张伟"]
    assert flt(district, {"unit": 999999}) == []
    # A line manager filtering on a unit outside the subtree gets nothing from it.
    assert flt(district, {"unit": district.sq2.pk}, user=district.squadron1) == []


def test_grade_and_work_line_filters(district, roster):
    assert flt(district, {"grade": "4"}) == ["张丽"]
    assert flt(district, {"grade": "9"}) == flt(district, {})  # out of range → ignored
    assert flt(district, {"work_line": roster["dust"].pk}) == ["张伟"]


def test_certificate_filters(district, roster):
    assert flt(district, {"cert": "expired"}) == ["张伟"]
    assert flt(district, {"cert": "expiring"}) == ["张丽"]
    assert sorted(flt(district, {"cert": "missing"})) == sorted(["李一", "王二"])
    assert flt(district, {"cert": "valid"}) == ["刘强", "张丽"]


# Expected orders; a set stands for members whose relative order depends on the database's
# collation of Chinese names (a tie on the sort column broken by name).
@pytest.mark.parametrize("sort, expected", [
    ("unit", ["刘强", "李一", "张伟", {"张丽", "王二"}]),
    ("-unit", [{"张丽", "王二"}, "张伟", "李一", "刘强"]),
    ("hire_date", ["刘强", "张伟", "李一", "王二", "张丽"]),
    ("-hire_date", ["张丽", "王二", "李一", "张伟", "刘强"]),
    ("grade", ["刘强", "张伟", "张丽", {"李一", "王二"}]),
    ("-grade", [{"李一", "王二"}, "张丽", "张伟", "刘强"]),
    ("cert", ["张伟", "张丽", "刘强", "李一", "王二"]),
    ("-cert", ["刘强", "张丽", "张伟", "李一", "王二"]),  # no certificate last either way
])
def test_sorting(district, roster, sort, expected):
    result = flt(district, {"sort": sort})
    grouped, i = [], 0
    for item in expected:
        if isinstance(item, set):
            grouped.append(set(result[i:i + len(item)]))
            i += len(item)
        else:
            grouped.append(result[i])
            i += 1
    assert grouped == expected and i == len(result)


def test_sort_by_name_is_the_databases_name_order(district, roster):
    from auxpost.people.models import Member

    expected = list(Member.objects.filter(status__in=["active"]).order_by("name", "id").values_list("name", flat=True))
    assert flt(district, {"sort": "name"}) == expected
    assert flt(district, {"sort": "-name"}) == expected[::-1]


def test_unknown_sort_falls_back_to_unit():
    assert RosterParams.parse({"sort": "id_number"}).sort == "unit"
    assert RosterParams.parse({"sort": "-grade"}).sort == "-grade"


def test_active_filters_lists_only_what_differs():
    assert RosterParams.parse({"q": "张", "unit": "3", "page": "2"}).active_filters() == {"q": "张", "unit": 3}


def test_pagination(district):
    for i in range(55):
        make_member(district.sq1_t2, name=f"队员{i:02d}")
    qs = roster_filter(members_visible_to(district.admin), {"sort": "name"}, today=TODAY)
    page = roster_page(qs, 2)
    assert page.paginator.count == 57 and page.paginator.num_pages == 2 and len(page.object_list) == 7
    assert roster_page(qs, "x").number == 1 and roster_page(qs, 99).number == 2


def test_personal_data_view(district):
    d = district
    admin_view = PersonalDataView(d.admin)
    assert admin_view.id_number(d.m1) == d.m1.id_number and admin_view.phone(d.m1) == "13811112222"
    sq = PersonalDataView(d.squadron1)
    assert sq.id_number(d.m1) == d.m1.id_number[:6] + "********" + d.m1.id_number[-4:]
    assert sq.phone(d.m1) == "138****2222"
    assert sq.birth_date(d.m1) is None  # the masked digits are the birth date
    own = PersonalDataView(d.member1)
    assert own.id_number(d.m1) == d.m1.id_number and own.birth_date(d.m1) == d.m1.birth_date
    assert own.id_number(d.m2) != d.m2.id_number
    for user in (d.bianban, d.assessor):
        assert not PersonalDataView(user).reveals(d.m1)
    for user in (d.bureau_user, d.hrco):
        assert PersonalDataView(user).reveals(d.m2)
