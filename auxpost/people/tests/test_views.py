"""Roster pages: every page with a permitted user, an out-of-scope user and an anonymous one (§3)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from auxpost.audit.models import AuditEntry
from auxpost.org.services import unit_set_quota
from auxpost.people.models import Member
from auxpost.people.rules import mask_id_number
from auxpost.testing import make_id_number, make_member


def url(name, *args):
    return reverse(name, args=args)


def same_page(a, b) -> bool:
    """Two responses are the same page but for the CSRF token and the page's own address (the
    language switcher's "next" field)."""
    def norm(r):
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", r.content.decode())
        return re.sub(r'name="next" type="hidden" value="[^"]*"', "", body)
    return norm(a) == norm(b)


def assert_login_redirect(response):
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- list ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["admin", "bianban", "bureau_user", "squadron1", "hrco"])
def test_list_for_managers(district, client_for, who):
    r = client_for(getattr(district, who)).get(url("people:list"))
    assert r.status_code == 200
    assert "李一" in r.content.decode()


def test_list_line_manager_never_sees_other_squadron(district, client_for):
    c = client_for(district.squadron1)
    for query in ("", "?status=all", f"?unit={district.sq2.pk}", "?q=王二", f"?q={district.m2.id_number}"):
        r = c.get(url("people:list") + query)
        assert district.m2 not in r.context["page"].object_list
        table = r.content.decode().split("<tbody>")[1]
        assert "王二" not in table and district.m2.id_number[-4:] not in table


def test_list_assessor_sees_nobody_in_the_foundation(district, client_for):
    r = client_for(district.assessor).get(url("people:list"))
    assert r.status_code == 200
    assert "李一" not in r.content.decode() and "王二" not in r.content.decode()


def test_list_member_is_sent_to_own_record(district, client_for):
    r = client_for(district.member1).get(url("people:list"))
    assert r.status_code == 302 and r["Location"] == url("people:me")


def test_list_no_role_is_404_and_anonymous_goes_to_login(district, client_for):
    assert client_for(district.nobody).get(url("people:list")).status_code == 404
    assert_login_redirect(client_for(None).get(url("people:list")))


def test_list_masks_numbers_per_role(district, client_for):
    m1 = district.m1
    masked = client_for(district.squadron1).get(url("people:list")).content.decode()
    assert m1.id_number not in masked and mask_id_number(m1.id_number) in masked
    assert "13811112222" not in masked and "138****2222" in masked
    full = client_for(district.hrco).get(url("people:list")).content.decode()
    assert m1.id_number in full and "13811112222" in full


def test_list_filters_and_sort_links(district, client_for):
    make_member(district.sq1_t2, name="张伟", grade=3)
    c = client_for(district.admin)
    body = c.get(url("people:list"), {"grade": "3"}).content.decode()
    assert "张伟" in body and "李一" not in body
    body = c.get(url("people:list"), {"unit": district.sq2.pk}).content.decode()
    assert "王二" in body and "李一" not in body
    body = c.get(url("people:list"), {"sort": "name"}).content.decode()
    assert "sort=-name" in body  # the active column's link reverses the order
    assert 'data-label="' in body  # stacked table on a phone


def test_list_query_count_does_not_grow_with_rows(district, client_for, django_assert_max_num_queries):
    for i in range(60):
        make_member(district.sq1_t2 if i % 2 else district.sq2_t1, name=f"队员{i:02d}")
    # Fixed cost: session, user, roles, own member, count, page, units (filter + names), work lines,
    # the unit filter's path, the policy in force (certificate reminder window) and the idle-expiry
    # session save; nothing per row.
    c = client_for(district.squadron1)
    with django_assert_max_num_queries(15):
        r = c.get(url("people:list"))
    assert r.status_code == 200
    c = client_for(district.admin)
    with django_assert_max_num_queries(15):
        r = c.get(url("people:list"), {"unit": district.sq1.pk, "cert": "missing", "q": "队员"})
    assert r.status_code == 200 and r.context["page"].paginator.count == 30


def test_list_paginates_50(district, client_for):
    for i in range(55):
        make_member(district.sq1_t2, name=f"队员{i:02d}")
    r = client_for(district.admin).get(url("people:list"))
    assert len(r.context["page"].object_list) == 50
    assert "page=2" in r.content.decode()


# --- detail -------------------------------------------------------------------------------------

def test_detail_permitted(district, client_for):
    r = client_for(district.squadron1).get(url("people:detail", district.m1.pk))
    assert r.status_code == 200
    body = r.content.decode()
    assert "李一" in body and "五级" in body and "2020-03-01" in body
    assert district.m1.id_number not in body  # masked for a line manager
    assert "1990-05-17" not in body  # no birth date beside a masked ID number
    assert f'href="/training/members/{district.m1.pk}/"' in body  # §5.2.2/§5.2.3 the training record


def test_detail_out_of_scope_is_the_same_404_as_missing(district, client_for):
    c = client_for(district.squadron1)
    out_of_scope = c.get(url("people:detail", district.m2.pk))
    missing = c.get(url("people:detail", 999999))
    assert out_of_scope.status_code == missing.status_code == 404
    assert same_page(out_of_scope, missing)


@pytest.mark.parametrize("who", ["member1", "assessor", "nobody"])
def test_detail_others_get_404(district, client_for, who):
    assert client_for(getattr(district, who)).get(url("people:detail", district.m2.pk)).status_code == 404


def test_detail_anonymous(district, client_for):
    assert_login_redirect(client_for(None).get(url("people:detail", district.m1.pk)))


def test_detail_full_numbers_and_edit_link_for_hr(district, client_for):
    body = client_for(district.hrco).get(url("people:detail", district.m2.pk)).content.decode()
    assert district.m2.id_number in body and "13933334444" in body
    assert url("people:edit", district.m2.pk) in body
    body = client_for(district.bianban).get(url("people:detail", district.m2.pk)).content.decode()
    assert url("people:edit", district.m2.pk) not in body


# --- me -----------------------------------------------------------------------------------------

def test_me_shows_own_full_record(district, client_for):
    r = client_for(district.member1).get(url("people:me"))
    body = r.content.decode()
    assert r.status_code == 200
    assert district.m1.id_number in body and "13811112222" in body and "五级" in body
    assert "王二" not in body


def test_me_without_member_record_is_404(district, client_for):
    assert client_for(district.admin).get(url("people:me")).status_code == 404
    assert_login_redirect(client_for(None).get(url("people:me")))


def test_member_can_open_own_detail_but_not_edit(district, client_for):
    c = client_for(district.member1)
    r = c.get(url("people:detail", district.m1.pk))
    assert r.status_code == 200 and 'href="/training/me/"' in r.content.decode()
    assert c.get(url("people:edit", district.m1.pk)).status_code == 404


# --- create -------------------------------------------------------------------------------------

def form_data(district, **over):
    data = {
        "name": "赵六", "id_number": make_id_number(dt.date(1995, 2, 3)), "phone": "13912345678",
        "education": "bachelor", "political_status": "", "work_start_date": "", "hire_date": "2021-03-01",
        "unit": district.sq1_t2.pk, "work_line": "", "status": "active", "grade": "5",
        "grade_effective_date": "", "cert_number": "", "cert_valid_until": "",
    }
    data.update(over)
    return data


@pytest.mark.parametrize("who", ["admin", "bureau_user", "hrco"])
def test_create_permitted(district, client_for, who):
    c = client_for(getattr(district, who))
    assert c.get(url("people:create")).status_code == 200
    r = c.post(url("people:create"), form_data(district))
    m = Member.objects.get(name="赵六")
    assert r.status_code == 302 and r["Location"] == url("people:detail", m.pk)
    assert AuditEntry.objects.filter(action="create", object_type="people.member", object_id=str(m.pk)).exists()


@pytest.mark.parametrize("who", ["squadron1", "bianban", "assessor", "member1", "nobody"])
def test_create_refused(district, client_for, who):
    c = client_for(getattr(district, who))
    assert c.get(url("people:create")).status_code == 404
    assert c.post(url("people:create"), form_data(district)).status_code == 404
    assert not Member.objects.filter(name="赵六").exists()


def test_create_anonymous(district, client_for):
    assert_login_redirect(client_for(None).post(url("people:create"), form_data(district)))


def test_create_errors_are_named_per_field_in_chinese(district, client_for):
    r = client_for(district.hrco).post(url("people:create"), form_data(district, id_number="510115199502030021",
                                                                     phone="12345"))
    assert r.status_code == 200
    form = r.context["form"]
    assert "校验位" in form.errors["id_number"][0]
    assert "手机号" in form.errors["phone"][0]
    body = r.content.decode()
    assert "校验位" in body and "以 1 开头的 11 位数字" in body


def test_create_over_quota_is_shown_plainly(district, client_for):
    unit_set_quota(actor=None, unit=district.sq1, quota=1)
    r = client_for(district.hrco).post(url("people:create"), form_data(district))
    assert r.status_code == 200
    assert "超出编制限额" in r.content.decode()
    assert not Member.objects.filter(name="赵六").exists()


# --- edit ---------------------------------------------------------------------------------------

def edit_data(member, **over):
    data = {
        "name": member.name, "id_number": member.id_number, "phone": member.phone, "education": member.education,
        "political_status": member.political_status, "work_start_date": "", "hire_date": member.hire_date.isoformat(),
        "unit": member.unit_id, "work_line": "", "status": member.status, "grade": member.grade,
        "grade_effective_date": "", "cert_number": member.cert_number, "cert_valid_until": "", "status_on": "",
        "grade_reason": "",
    }
    data.update(over)
    return data


@pytest.mark.parametrize("who", ["admin", "bureau_user", "hrco"])
def test_edit_permitted_and_audited(district, client_for, who):
    c = client_for(getattr(district, who))
    m2 = district.m2
    assert c.get(url("people:edit", m2.pk)).status_code == 200
    r = c.post(url("people:edit", m2.pk), edit_data(m2, phone="13700001111", grade="4",
                                                    grade_effective_date="2024-01-01", grade_reason="评定"))
    assert r.status_code == 302
    m2.refresh_from_db()
    assert (m2.phone, m2.grade, m2.grade_effective_date) == ("13700001111", 4, dt.date(2024, 1, 1))
    entry = AuditEntry.objects.get(action="update", object_type="people.member", object_id=str(m2.pk))
    assert entry.before == {"phone": "13933334444"} and entry.after == {"phone": "13700001111"}
    assert m2.grade_history.latest("id").reason == "评定"


@pytest.mark.parametrize("who", ["squadron1", "squadron2", "bianban", "assessor", "member1", "nobody"])
def test_edit_refused_with_404(district, client_for, who):
    c = client_for(getattr(district, who))
    assert c.get(url("people:edit", district.m1.pk)).status_code == 404
    assert c.post(url("people:edit", district.m1.pk), edit_data(district.m1, phone="13700001111")).status_code == 404
    district.m1.refresh_from_db()
    assert district.m1.phone == "13811112222"


def test_edit_anonymous(district, client_for):
    assert_login_redirect(client_for(None).get(url("people:edit", district.m1.pk)))


def test_edit_errors_and_separation(district, client_for):
    c = client_for(district.hrco)
    r = c.post(url("people:edit", district.m1.pk), edit_data(district.m1, hire_date="2099-01-01"))
    assert r.status_code == 200 and "晚于今天" in r.context["form"].errors["hire_date"][0]
    r = c.post(url("people:edit", district.m1.pk), edit_data(district.m1, status="separated", status_on="2026-01-31"))
    assert r.status_code == 302
    district.m1.refresh_from_db()
    assert (district.m1.status, district.m1.separated_on, district.m1.grade) == ("separated", dt.date(2026, 1, 31), None)
    # Archived: the edit page sends the user back to the record with the reason.
    r = c.get(url("people:edit", district.m1.pk), follow=True)
    assert "已归档" in r.content.decode()


def test_edit_form_offers_only_allowed_status_moves(district, client_for):
    r = client_for(district.hrco).get(url("people:edit", district.m1.pk))
    values = [v for v, _label in r.context["form"].fields["status"].choices]
    assert values == ["active", "separated", "suspended"]


def test_editor_with_a_unit_scope_is_offered_only_its_units(district, client_for):
    from auxpost.accounts.models import Role, Scope
    from auxpost.testing import make_user

    hr_sq2 = make_user("hr-sq2", Role.HR_COMPANY, unit=district.sq2, scope=Scope.UNIT)
    c = client_for(hr_sq2)
    r = c.get(url("people:create"))
    assert [pk for pk, _label in r.context["form"].fields["unit"].choices] == [district.sq2.pk, district.sq2_t1.pk]
    r = c.post(url("people:create"), form_data(district))  # squadron 1's team: not a choice
    assert r.status_code == 200 and "unit" in r.context["form"].errors
    assert c.get(url("people:edit", district.m1.pk)).status_code == 404


def test_member_page_links_to_basic_records_for_managers_only(district, client_for):
    """§6.1 the roster page leads to a member's basic-requirement records; a member sees their path."""
    url = f"/people/{district.m1.pk}/"
    records = f"/grading/members/{district.m1.pk}/records/"
    assert records in client_for(district.bureau_user).get(url).content.decode()
    assert records in client_for(district.squadron1).get(url).content.decode()
    own = client_for(district.member1).get("/people/me/").content.decode()
    assert records not in own and "/grading/me/" in own
