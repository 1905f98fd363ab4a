"""The audit page (§11): administrators only, filters, readable diffs, the verify button."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from auxpost.audit.models import AuditEntry
from auxpost.audit.services import audit_record
from auxpost.audit.tests.helpers import lift_guard, raw

pytestmark = pytest.mark.django_db

LIST = reverse("audit:list")
VERIFY = reverse("audit:verify")


@pytest.mark.parametrize("who", ["bianban", "bureau_user", "squadron1", "hrco", "assessor", "member1", "nobody"])
def test_others_get_404(district, client_for, who):
    client = client_for(getattr(district, who))
    assert client.get(LIST).status_code == 404
    assert client.post(VERIFY).status_code == 404


def test_anonymous_goes_to_login(client_for):
    client = client_for(None)
    for response in (client.get(LIST), client.post(VERIFY)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_admin_sees_entries_with_readable_diff(district, client_for):
    m1 = district.m1
    audit_record(actor=district.bureau_user, action="update", obj=m1, summary="phone",
                 before={"phone": "13811112222", "status": "active", "name": "李一"},
                 after={"phone": "13899990000", "status": "suspended", "name": "李一"})
    response = client_for(district.admin).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "13811112222" in html and "13899990000" in html
    rows = dict((entry.seq, diff) for entry, diff in response.context["rows"])
    latest = AuditEntry.objects.order_by("-seq").first()
    diff = {row.field: row for row in rows[latest.seq]}
    assert set(diff) == {"phone", "status"}  # unchanged fields are left out
    assert diff["status"].before.startswith("在岗") and diff["status"].after.startswith("停岗")
    assert diff["phone"].label == "手机号"


def test_create_shows_every_field(district, client_for):
    response = client_for(district.admin).get(LIST, {"object_type": "org.unit", "action": "create"})
    entries = response.context["rows"]
    assert entries, "make_district creates units through the audited service"
    entry, diff = entries[0]
    assert entry.object_type == "org.unit"
    fields = {row.field for row in diff}
    assert {"name", "kind"} <= fields
    assert all(row.before == "—" for row in diff)


def test_filters(district, client_for):
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        audit_record(actor=district.admin, action="export", object_type="people.member", object_id="roster",
                     summary="roster export")
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        audit_record(actor=district.hrco, action="update", obj=district.m2, before={"phone": "1"},
                     after={"phone": "2"})
    client = client_for(district.admin)

    def seqs(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200
        return [entry.object_id for entry, _diff in response.context["rows"]]

    assert seqs(actor="hrc") == [str(district.m2.pk)]
    assert seqs(action="export") == ["roster"]
    assert seqs(object_type="People.Member", object_id=str(district.m2.pk)) == [str(district.m2.pk)]
    assert seqs(date_from="2026-03-10", date_to="2026-03-10") == ["roster"]
    assert seqs(date_from="2026-03-11", date_to="2026-03-31") == [str(district.m2.pk)]
    response = client.get(LIST, {"date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert response.context["form"].errors["date_to"]


def test_pagination_and_query_count(district, client_for, django_assert_max_num_queries):
    from auxpost.audit.services import Change, audit_record_many

    audit_record_many(actor=district.admin, changes=[
        Change("import", "people.member", str(i), f"m{i}", "", None, {"phone": str(i)}) for i in range(120)])
    client = client_for(district.admin)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"page": 2})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50
    assert response.context["page"].number == 2


def test_verify_button_reports_intact_chain(district, client_for):
    response = client_for(district.admin).post(VERIFY, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and str(AuditEntry.objects.count()) in messages[0]
    assert "msg-success" in response.content.decode()


def test_verify_button_reports_broken_link(district, client_for):
    lift_guard()
    raw("UPDATE audit_auditentry SET summary = 'x' WHERE seq = 2")
    response = client_for(district.admin).post(VERIFY, follow=True)
    html = response.content.decode()
    assert "msg-error" in html
    entry = AuditEntry.objects.get(seq=2)
    assert entry.object_type in html


def test_verify_needs_post(district, client_for):
    assert client_for(district.admin).get(VERIFY).status_code == 405
