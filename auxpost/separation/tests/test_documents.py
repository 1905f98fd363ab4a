"""§5.2.4/§11 the 解除/终止劳动合同通知书: text extracted with pypdf, access, export log."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from auxpost.audit.models import AuditEntry
from auxpost.separation.services import case_approve, case_execute, proposal_create

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))


@pytest.fixture
def executed(district, contract):
    today = dt.date.today()
    case = proposal_create(actor=district.bureau_user, member=district.m1, ground="art40_unfit", reason="不胜任")
    case = case_approve(actor=district.bureau_user, case=case)
    return case_execute(actor=district.hrco, case=case, last_day=today + dt.timedelta(days=31))


def test_notice_text(client_for, district, executed):
    r = client_for(district.hrco).get(reverse("separation:notice_pdf", args=[executed.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    t = text_of(r.content)
    for phrase in ("解除劳动合同通知书", "李一", district.m1.id_number, "HX-2024-001", "第四十条第（二）项",
                   "经过培训或者调整工作岗位，仍不能胜任工作", "提前三十日以书面形式通知你本人", "制服", "上岗证",
                   "恒信人才发展有限公司", "第1页共1页"):
        assert re.sub(r"\s+", "", phrase) in t, phrase
    assert AuditEntry.objects.filter(action="export", object_type="separation.separationcase",
                                     object_id=str(executed.pk)).exists()


def test_notice_masks_id_for_line_manager_and_access(client_for, district, executed):
    url = reverse("separation:notice_pdf", args=[executed.pk])
    r = client_for(district.squadron1).get(url)
    assert r.status_code == 200
    assert district.m1.id_number not in text_of(r.content)
    for who in ("squadron2", "nobody"):
        assert client_for(getattr(district, who)).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_no_notice_before_execution_and_termination_title(client_for, district):
    case = proposal_create(actor=district.bureau_user, member=district.m2, ground="death", reason="病故")
    url = reverse("separation:notice_pdf", args=[case.pk])
    assert client_for(district.bureau_user).get(url).status_code == 404
    case = case_approve(actor=district.bureau_user, case=case)
    case = case_execute(actor=district.hrco, case=case, last_day=dt.date.today() - dt.timedelta(days=2))
    t = text_of(client_for(district.bureau_user).get(url).content)
    assert "终止劳动合同通知书" in t and "第四十四条第（四）项" in t
