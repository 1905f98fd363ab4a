"""§9 pages and API — who sees pay: the HR company, the bureau and the administrator everyone; a member
only themself; line managers, the staffing office, assessors and users without a role nothing;
anonymous users are sent to log in (pages) or refused (API). Every download is a logged export."""

import html
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from auxpost.audit.models import AuditEntry

from .conftest import EXPECTED_SUMMARY, EXPECTED_TOTAL

API = "/api/v1/incentives/paysheet"
ALL_PAY = ["hrco", "bureau_user", "admin"]
NO_PAY = ["squadron1", "squadron2", "bianban", "assessor", "nobody"]


def text(r) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.content.decode())))


def test_routes():
    assert reverse("incentives:paysheet") == "/incentives/"
    assert reverse("incentives:download") == "/incentives/download/"
    assert reverse("incentives:me") == "/incentives/me/"
    assert reverse("incentives-paysheet") == API


@pytest.mark.parametrize("who", ALL_PAY)
def test_paysheet_page_shows_sums_by_grade_and_result(pay, client_for, who, django_assert_max_num_queries):
    c = client_for(getattr(pay.d, who))
    c.get(reverse("incentives:paysheet"), {"year": 2025})  # warm the session
    with django_assert_max_num_queries(14):
        r = c.get(reverse("incentives:paysheet"), {"year": 2025})
    assert r.status_code == 200
    t = text(r)
    for grade, band, count, allowance, bonus in EXPECTED_SUMMARY:
        assert f"{grade} {band} {count} {allowance} {bonus}" in t
    assert f"合计 {EXPECTED_TOTAL[0]} {EXPECTED_TOTAL[1]} {EXPECTED_TOTAL[2]}" in t
    assert pay.d.m1.id_number not in t and "李一" not in t  # the overview names nobody
    assert "/incentives/download/?year=2025" in r.content.decode()


@pytest.mark.parametrize("who", NO_PAY + ["member1"])
def test_paysheet_page_refused_to_others(pay, client_for, who):
    c = client_for(getattr(pay.d, who))
    assert c.get(reverse("incentives:paysheet")).status_code == 404
    assert c.get(reverse("incentives:download"), {"year": 2025}).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_anonymous_is_sent_to_login(pay, client_for):
    c = client_for(None)
    for url in (reverse("incentives:paysheet"), reverse("incentives:download"), reverse("incentives:me")):
        r = c.get(url)
        assert r.status_code == 302 and "/login" in r["Location"]
    assert c.get(API, {"year": 2025}).status_code in (401, 403)


def test_bad_year_on_the_page_says_why(pay, client_for):
    r = client_for(pay.d.hrco).get(reverse("incentives:paysheet"), {"year": "20x5"})
    assert r.status_code == 200 and "年度：“20x5”不是有效的年度" in text(r)
    r = client_for(pay.d.hrco).get(reverse("incentives:download"), {"year": "2025", "month": "13"})
    assert r.status_code == 400 and "月份" in r.content.decode()


@pytest.mark.parametrize("who", ["hrco", "bureau_user"])
def test_download_is_the_xlsx_and_is_logged(pay, client_for, who):
    user = getattr(pay.d, who)
    r = client_for(user).get(reverse("incentives:download"), {"year": 2025})
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="paysheet-2025.xlsx"'
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb["工资表"].iter_rows(values_only=True))
    assert len(rows) == 1 + 7 + 1
    assert pay.d.m1.id_number in {row[1] for row in rows}
    entry = AuditEntry.objects.get(action="export", object_type="incentives.paysheet")
    assert entry.actor_id == user.pk and entry.after["rows"] == 7 and entry.after["format"] == "xlsx"


def test_download_up_to_a_month(pay, client_for):
    r = client_for(pay.d.hrco).get(reverse("incentives:download"), {"year": 2025, "month": 6})
    assert r["Content-Disposition"] == 'attachment; filename="paysheet-2025-01-06.xlsx"'
    rows = list(load_workbook(io.BytesIO(r.content))["工资表"].iter_rows(values_only=True))
    assert all(row[11] is None for row in rows[1:])  # July empty


def test_member_sees_their_own_pay(pay, client_for):
    r = client_for(pay.d.member1).get(reverse("incentives:me"), {"year": 2025})
    assert r.status_code == 200
    t = text(r)
    assert "6000 × 1.0（五级）× 1.0（合格） = 6000.00" in t
    assert "五级" in t and "合格" in t and "12月" in t
    assert "王二" not in t
    assert not AuditEntry.objects.filter(action="export").exists()  # one's own pay is no export


def test_member_page_current_year_runs_to_this_month(pay, client_for):
    import time_machine

    with time_machine.travel("2026-03-10 10:00 +0800", tick=False):
        r = client_for(pay.d.member1).get(reverse("incentives:me"))
    assert r.status_code == 200
    t = text(r)
    assert "3月" in t and "4月" not in t and "年终奖金在全年工资表中计发" in t


@pytest.mark.parametrize("who", ["hrco", "nobody", "squadron1"])
def test_member_page_needs_a_member_record(pay, client_for, who):
    assert client_for(getattr(pay.d, who)).get(reverse("incentives:me")).status_code == 404


@pytest.mark.parametrize("who", ["hrco", "bureau_user"])
def test_api_gives_everyone_to_pay_roles(pay, client_for, who):
    r = client_for(getattr(pay.d, who)).get(API, {"year": 2025})
    assert r.status_code == 200
    body = r.json()
    assert body["year"] == 2025 and body["last_month"] == 12 and body["policy_versions"] == "1–12月：1；年终奖金：1"
    rows = {row["name"]: row for row in body["rows"]}
    assert len(rows) == 7
    a = rows["甲"]
    assert a["months"][6] == "309.68" and a["allowance_total"] == "3509.68" and a["bonus"] == "8640.00"
    assert a["grade"] == 3 and a["band"] == "excellent"
    assert rows["丁"]["bonus"] is None and rows["丁"]["remarks"] == ["无年终奖金：无年度考核结果"]
    assert [(s["grade_label"], s["band_label"], s["count"]) for s in body["summary"]] == [
        (g, b, n) for g, b, n, _a, _b in EXPECTED_SUMMARY]
    assert (body["totals"]["count"], body["totals"]["allowance_total"], body["totals"]["bonus_total"]) == (
        7, "19543.01", "26340.00")
    assert AuditEntry.objects.filter(action="export", object_type="incentives.paysheet").count() == 1


def test_api_member_gets_only_self(pay, client_for):
    body = client_for(pay.d.member1).get(API, {"year": 2025}).json()
    assert [row["name"] for row in body["rows"]] == ["李一"]
    assert body["totals"]["count"] == 1 and body["totals"]["bonus_total"] == "6000.00"


@pytest.mark.parametrize("who", NO_PAY)
def test_api_refused_to_roles_without_pay(pay, client_for, who):
    assert client_for(getattr(pay.d, who)).get(API, {"year": 2025}).status_code == 403


def test_api_errors_name_the_field(pay, client_for):
    c = client_for(pay.d.hrco)
    r = c.get(API)
    assert r.status_code == 400 and "年度" in r.json()["year"][0]
    r = c.get(API, {"year": 2025, "month": 0})
    assert r.status_code == 400 and "月份" in r.json()["month"][0]
    assert not AuditEntry.objects.filter(action="export").exists()


def test_pages_render_in_english_too(pay, client_for):
    from django.conf import settings

    c = client_for(pay.d.hrco)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = text(c.get(reverse("incentives:paysheet"), {"year": 2025}))
    assert "Pay sheet" in body and "By year-end grade and annual result" in body and "19543.01" in body
    m = client_for(pay.d.member1)
    m.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = text(m.get(reverse("incentives:me"), {"year": 2025}))
    assert "My allowance and bonus" in body and "6000.00" in body
