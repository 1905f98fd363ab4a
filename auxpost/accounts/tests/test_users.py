"""User administration (§3): administrators create users, give and take roles with their data
scope, reset passwords, unlock and deactivate — every change audited, errors per field in Chinese."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from auxpost.accounts import scope, services
from auxpost.accounts.models import Role, RoleAssignment, Scope, User
from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_verify
from auxpost.people.models import Member
from auxpost.testing import PASSWORD, make_member, make_user

pytestmark = pytest.mark.django_db

GOOD = "Quite-long-pass-2026"
LIST = reverse("accounts:users")
CREATE = reverse("accounts:user_create")


def detail(user):
    return reverse("accounts:user_detail", args=[user.pk])


def _entries(user):
    return list(AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).order_by("seq"))


# --- access ---------------------------------------------------------------------------------------

def _all_urls(district):
    u = district.squadron1
    ra = RoleAssignment.objects.get(user=u)
    gets = [LIST, CREATE, detail(u)]
    posts = [CREATE, reverse("accounts:user_edit", args=[u.pk]), reverse("accounts:user_role_add", args=[u.pk]),
             reverse("accounts:user_role_remove", args=[u.pk, ra.pk]),
             reverse("accounts:user_password_reset", args=[u.pk]), reverse("accounts:user_unlock", args=[u.pk]),
             reverse("accounts:user_set_active", args=[u.pk])]
    return gets, posts


def test_admin_reaches_every_page(district, client_for):
    client = client_for(district.admin)
    gets, _posts = _all_urls(district)
    for url in gets:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["bianban", "bureau_user", "squadron1", "hrco", "assessor", "member1", "nobody"])
def test_others_get_404_and_change_nothing(district, client_for, who):
    client = client_for(getattr(district, who))
    gets, posts = _all_urls(district)
    before = AuditEntry.objects.count()
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"active": "0", "role": "admin", "password1": GOOD, "password2": GOOD}).status_code \
            == 404, url
    assert AuditEntry.objects.count() == before
    assert RoleAssignment.objects.filter(user=district.squadron1).count() == 1


def test_anonymous_goes_to_login(district, client_for):
    client = client_for(None)
    gets, posts = _all_urls(district)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url
    for url in posts:
        response = client.post(url, {})
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url


def test_unknown_user_is_404(district, client_for):
    assert client_for(district.admin).get(reverse("accounts:user_detail", args=[99999])).status_code == 404


def test_actions_need_post(district, client_for):
    client = client_for(district.admin)
    for name in ("user_unlock", "user_set_active", "user_password_reset", "user_role_add", "user_edit"):
        assert client.get(reverse(f"accounts:{name}", args=[district.squadron1.pk])).status_code == 405


# --- list -----------------------------------------------------------------------------------------

def test_list_shows_roles_and_scopes_without_n_plus_one(district, client_for, django_assert_max_num_queries):
    for i in range(30):
        make_user(f"lm{i:02d}", Role.LINE_MANAGER, unit=district.sq2)
    client = client_for(district.admin)
    client.get(LIST)
    with django_assert_max_num_queries(9):
        response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "中队负责人" in html or "小队负责人" in html
    assert "本单位及下级" in html and "第二中队" in html
    assert "李一" in html  # member1's linked member


def test_list_search_and_filters(district, client_for):
    client = client_for(district.admin)

    def names(**params):
        return [u.username for u in client.get(LIST, params).context["page"]]

    assert names(q="squad") == ["squadron1", "squadron2"]
    assert names(q="李一") == ["member1"]
    assert names(role=Role.HR_COMPANY) == ["hrco"]
    User.objects.filter(pk=district.hrco.pk).update(is_active=False)
    User.objects.filter(pk=district.assessor.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
    assert names(status="inactive") == ["hrco"]
    assert names(status="locked") == ["assessor"]
    assert "hrco" not in names(status="active")


# --- create ---------------------------------------------------------------------------------------

def test_create_user(district, client_for):
    client = client_for(district.admin)
    response = client.post(CREATE, {"username": "zhang", "display_name": "张三", "organisation": district.hr.pk,
                                    "password1": GOOD, "password2": GOOD})
    user = User.objects.get(username="zhang")
    assert response.status_code == 302 and response.url == detail(user)
    assert user.check_password(GOOD) and user.display_name == "张三" and user.organisation == district.hr
    (entry,) = _entries(user)
    assert entry.action == "create" and entry.actor_name == "admin"
    assert entry.after["username"] == "zhang" and entry.after["organisation_id"] == district.hr.pk
    assert "password" not in entry.after
    assert audit_verify().ok


@pytest.mark.parametrize(("data", "field", "fragment"), [
    ({"username": "ADMIN"}, "username", "已被占用"),
    ({"username": "bad name!"}, "username", "用户名"),
    ({"username": ""}, "username", "必填"),
    ({"password1": "123", "password2": "123"}, "password1", "密码"),
    ({"password1": "zhangwei2026", "password2": "zhangwei2026", "username": "zhangwei2026"}, "password1", "相似"),
    ({"password2": "Other-long-pass-1"}, "password2", "不一致"),
    ({"display_name": "名" * 101}, "display_name", "100"),
])
def test_create_user_errors_per_field_in_chinese(district, client_for, data, field, fragment):
    post = {"username": "zhang", "display_name": "张三", "password1": GOOD, "password2": GOOD, **data}
    response = client_for(district.admin).post(CREATE, post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(fragment in e for e in errors[field]), errors[field]
    label = str(response.context["form"].fields[field].label)
    assert f"{label}: " in response.content.decode() or f"{label}：" in response.content.decode()
    assert not User.objects.filter(username="zhang").exists()


# --- roles ----------------------------------------------------------------------------------------

def _add_role(client, user, **data):
    return client.post(reverse("accounts:user_role_add", args=[user.pk]), data)


def test_add_line_manager_role_with_unit(district, client_for):
    user = make_user("newlead")
    response = _add_role(client_for(district.admin), user, role=Role.LINE_MANAGER, unit=district.sq2.pk)
    assert response.status_code == 302
    ra = RoleAssignment.objects.get(user=user)
    assert (ra.role, ra.scope, ra.unit) == (Role.LINE_MANAGER, Scope.UNIT, district.sq2)
    assert set(Member.objects.filter(scope.member_q(User.objects.get(pk=user.pk)))) == {district.m2}
    (entry,) = _entries(user)
    assert entry.before == {"roles": []}
    assert entry.after["roles"] == [{"role": "line_manager", "scope": "unit", "unit_id": district.sq2.pk,
                                     "unit": "综合行政执法大队/第二中队"}]


@pytest.mark.parametrize(("data", "field", "fragment"), [
    ({"role": Role.LINE_MANAGER}, "unit", "单位"),
    ({"role": Role.LINE_MANAGER, "scope": Scope.ALL}, "scope", "数据权限"),
    ({"role": Role.BUREAU, "scope": Scope.ALL, "unit": "sq1"}, "unit", "单位"),
    ({"role": Role.MEMBER}, "member_id_number", "身份证号"),
    ({"role": Role.MEMBER, "member_id_number": "110101199003077777"}, "member_id_number", "110101199003077777"),
    ({"role": Role.MEMBER, "member_id_number": "m1"}, "member_id_number", "member1"),
    ({"role": Role.ADMIN, "member_id_number": "m2"}, "member_id_number", "辅岗人员"),
    ({"role": ""}, "role", "必填"),
    ({"role": Role.LINE_MANAGER, "unit": "99999"}, "unit", "选择"),
])
def test_role_errors_per_field_in_chinese(district, client_for, data, field, fragment):
    user = make_user("newbie")
    data = dict(data)
    if data.get("unit") == "sq1":
        data["unit"] = district.sq1.pk
    if data.get("member_id_number") in ("m1", "m2"):
        data["member_id_number"] = getattr(district, data["member_id_number"]).id_number
    response = _add_role(client_for(district.admin), user, **data)
    assert response.status_code == 200
    errors = response.context["role_form"].errors
    assert field in errors, errors
    assert any(fragment in e for e in errors[field]), errors[field]
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not _entries(user)


def test_duplicate_role_is_refused(district, client_for):
    client = client_for(district.admin)
    response = _add_role(client, district.bianban, role=Role.STAFFING_OFFICE)
    assert response.status_code == 200
    assert any("已有" in e for e in response.context["role_form"].errors["role"])
    # ... also at the database level, for the same role without a unit
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=district.bianban, role=Role.STAFFING_OFFICE, scope=Scope.ALL)


def test_member_login_is_linked_by_id_number(district, client_for):
    user = make_user("wanger")
    id_number = district.m2.id_number
    messy = f" {id_number[:6]} {id_number[6:].lower()} "
    response = _add_role(client_for(district.admin), user, role=Role.MEMBER, member_id_number=messy)
    assert response.status_code == 302
    district.m2.refresh_from_db()
    assert district.m2.user == user
    user = User.objects.get(pk=user.pk)
    assert list(Member.objects.filter(scope.member_q(user))) == [district.m2]
    member_entry = AuditEntry.objects.get(object_type="people.member", object_id=str(district.m2.pk),
                                          summary="linked to a login")
    assert member_entry.after == {"user_id": user.pk}
    # Taking the role away unlinks the member again.
    ra = RoleAssignment.objects.get(user=user)
    client_for(district.admin).post(reverse("accounts:user_role_remove", args=[user.pk, ra.pk]))
    district.m2.refresh_from_db()
    assert district.m2.user is None
    assert audit_verify().ok


def test_separated_member_cannot_be_linked(district, client_for):
    gone = make_member(district.sq1_t2, name="离职者", status="separated", grade=None)
    response = _add_role(client_for(district.admin), make_user("gone"), role=Role.MEMBER,
                         member_id_number=gone.id_number)
    assert "member_id_number" in response.context["role_form"].errors


def test_remove_role(district, client_for):
    ra = RoleAssignment.objects.get(user=district.squadron1)
    response = client_for(district.admin).post(reverse("accounts:user_role_remove",
                                                       args=[district.squadron1.pk, ra.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=district.squadron1).exists()
    (entry,) = _entries(district.squadron1)
    assert entry.before["roles"][0]["role"] == "line_manager" and entry.after == {"roles": []}


def test_role_of_another_user_is_404(district, client_for):
    ra = RoleAssignment.objects.get(user=district.squadron2)
    response = client_for(district.admin).post(reverse("accounts:user_role_remove",
                                                       args=[district.squadron1.pk, ra.pk]))
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=ra.pk).exists()


def test_last_administrator_keeps_the_role(district, client_for):
    client = client_for(district.admin)
    ra = RoleAssignment.objects.get(user=district.admin, role=Role.ADMIN)
    response = client.post(reverse("accounts:user_role_remove", args=[district.admin.pk, ra.pk]), follow=True)
    assert RoleAssignment.objects.filter(pk=ra.pk).exists()
    assert "最后" in response.content.decode()
    second = make_user("admin2", Role.ADMIN)
    client_for(second).post(reverse("accounts:user_role_remove", args=[district.admin.pk, ra.pk]))
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()


# --- password, lock, active -----------------------------------------------------------------------

def test_reset_password_also_unlocks(district, client_for, client):
    user = district.squadron1
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5), failed_logins=2)
    response = client_for(district.admin).post(reverse("accounts:user_password_reset", args=[user.pk]),
                                               {"password1": GOOD, "password2": GOOD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD) and user.locked_until is None and user.failed_logins == 0
    (entry,) = _entries(user)
    assert entry.after["password"] == "reset" and GOOD not in str(entry.after)
    assert client.post(reverse("accounts:login"), {"username": "squadron1", "password": GOOD}).status_code == 302


def test_reset_password_errors(district, client_for):
    response = client_for(district.admin).post(reverse("accounts:user_password_reset", args=[district.hrco.pk]),
                                               {"password1": "hrco", "password2": "hrco"})
    assert response.status_code == 200
    errors = response.context["password_form"].errors["password1"]
    assert any("密码" in e for e in errors)
    assert User.objects.get(pk=district.hrco.pk).check_password(PASSWORD)


def test_unlock(district, client_for):
    user = district.squadron1
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
    page = client_for(district.admin).get(detail(user)).content.decode()
    assert "锁定" in page
    client_for(district.admin).post(reverse("accounts:user_unlock", args=[user.pk]))
    user.refresh_from_db()
    assert user.locked_until is None
    (entry,) = _entries(user)
    assert entry.summary == "account unlocked" and entry.before["locked_until"] and entry.after["locked_until"] is None


def test_deactivate_and_reactivate(district, client_for, client):
    admin = client_for(district.admin)
    url = reverse("accounts:user_set_active", args=[district.squadron1.pk])
    assert admin.post(url, {"active": "0"}).status_code == 302
    assert not User.objects.get(pk=district.squadron1.pk).is_active
    assert client.post(reverse("accounts:login"), {"username": "squadron1", "password": PASSWORD}).status_code == 200
    # an open session of the deactivated user ends too
    assert client_for(district.squadron1).get(reverse("core:home")).status_code == 302
    assert admin.post(url, {"active": "1"}).status_code == 302
    assert User.objects.get(pk=district.squadron1.pk).is_active
    assert [e.summary for e in _entries(district.squadron1)] == ["user deactivated", "user reactivated"]


def test_cannot_deactivate_oneself_or_the_last_administrator(district, client_for):
    response = client_for(district.admin).post(reverse("accounts:user_set_active", args=[district.admin.pk]),
                                               {"active": "0"})
    assert response.status_code == 200 and "不能停用自己" in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        services.user_set_active(actor=None, user=district.admin, active=False)
    assert "is_active" in exc.value.message_dict
    assert User.objects.get(pk=district.admin.pk).is_active


def test_edit_details(district, client_for):
    response = client_for(district.admin).post(reverse("accounts:user_edit", args=[district.hrco.pk]),
                                               {"display_name": "人力公司张经理", "organisation": district.hr.pk})
    assert response.status_code == 302
    assert User.objects.get(pk=district.hrco.pk).display_name == "人力公司张经理"
    (entry,) = _entries(district.hrco)
    assert entry.before["display_name"] == "" and entry.after["display_name"] == "人力公司张经理"


def test_every_change_leaves_the_chain_intact(district, client_for):
    client = client_for(district.admin)
    client.post(CREATE, {"username": "chain", "password1": GOOD, "password2": GOOD})
    user = User.objects.get(username="chain")
    _add_role(client, user, role=Role.BUREAU, scope=Scope.UNIT, unit=district.brigade.pk)
    client.post(reverse("accounts:user_password_reset", args=[user.pk]), {"password1": GOOD + "x",
                                                                          "password2": GOOD + "x"})
    client.post(reverse("accounts:user_set_active", args=[user.pk]), {"active": "0"})
    assert len(_entries(user)) == 4
    assert audit_verify().ok
