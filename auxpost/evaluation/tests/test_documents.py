"""§8.4/§11 The 公示 notice and the 职级评定审批表 as PDFs: the Chinese text extracted with pypdf,
access (permitted / out of scope / anonymous) and the personal-data export log."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from auxpost.audit.models import AuditEntry
from auxpost.core import pdf
from auxpost.evaluation import documents, rules
from auxpost.evaluation.models import Approval, Candidate, EvaluationRound, Material, Objection, Transition
from auxpost.evaluation.selectors import NOTICE_STATES

AT = timezone.make_aware(dt.datetime(2026, 2, 10, 9, 30))
REASONS = [
    {"requirement": "现等级年限", "required": "≥2年", "actual": "6年", "met": True},
    {"requirement": "年度积分", "required": "≥85，单年不低于70", "actual": "82", "met": False},
]


def pages_text(content: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(content)).pages]


def compact(text: str) -> str:
    """Line wrapping may split a phrase anywhere: compare without whitespace."""
    return re.sub(r"\s+", "", text)


def has(text: str, *phrases: str) -> bool:
    t = compact(text)
    missing = [p for p in phrases if compact(p) not in t]
    assert not missing, f"missing {missing} in {t}"
    return True


def make_round(district, *, status=rules.PUBLICITY, kind=rules.ANNUAL, name="2026年度职级评定") -> EvaluationRound:
    rnd = EvaluationRound.objects.create(
        name=name, kind=kind, as_of=dt.date(2026, 1, 1), effective_date=dt.date(2026, 4, 1), status=status,
        policy_version="1", headcount=2, objection_contact="局政治处（电话 028-82600000）",
        created_by=district.bureau_user, created_at=AT,
    )
    if status in NOTICE_STATES:
        rnd.publicity_days, rnd.publicity_start, rnd.publicity_end = 5, dt.date(2026, 3, 2), dt.date(2026, 3, 6)
        rnd.save()
    return rnd


def make_candidate(rnd, member, *, status=rules.APPROVED, outcome=rules.PROMOTE, from_grade=5, target=4,
                   decision=rules.PROMOTE, decision_grade=4, reasons=REASONS) -> Candidate:
    return Candidate.objects.create(
        round=rnd, member=member, unit=member.unit, status=status, from_grade=from_grade, outcome=outcome,
        target_grade=target, quota_rank=None, reasons=reasons, decision=decision, decision_grade=decision_grade,
        updated_at=AT,
    )


def trail(c, actor, action, acting_as, reason="", days=0):
    Transition.objects.create(round=c.round, candidate=c, action=action, from_status="x", to_status="y",
                              actor=actor, acting_as=acting_as, reason=reason, at=AT + dt.timedelta(days=days))


@pytest.fixture
def case(district):
    """A round in 公示: 李一 (m1) promoted 五级 → 四级 through the whole flow, 王二 (m2) kept."""
    rnd = make_round(district)
    c1 = make_candidate(rnd, district.m1)
    trail(c1, district.member1, "apply", rules.MEMBER)
    Material.objects.create(candidate=c1, text="2025年获市级表彰一次。", by=district.member1, at=AT)
    trail(c1, district.squadron1, "recommend", rules.LINE_MANAGER, "工作积极，群众评价好", days=1)
    trail(c1, district.bureau_user, "qualify", rules.BUREAU, days=2)
    Approval.objects.create(candidate=c1, body=rules.STAFFING_OFFICE, approved=True, note="同意晋升",
                            by=district.bianban, at=AT + dt.timedelta(days=3))
    Objection.objects.create(candidate=c1, received_on=dt.date(2026, 3, 3), objector="匿名",
                             text="反映其2025年曾迟到。", recorded_by=district.bureau_user, recorded_at=AT,
                             status="dismissed", decision_note="经核实，迟到已按规定扣分，不影响评定。",
                             decided_by=district.bureau_user, decided_at=AT + dt.timedelta(days=25))
    c2 = make_candidate(rnd, district.m2, status=rules.APPROVED, outcome=rules.KEEP, target=5,
                        decision=rules.KEEP, decision_grade=5,
                        reasons=[{"requirement": "年度考核", "required": "≥合格", "actual": "合格", "met": True}])
    return rnd, c1, c2


# --- the builders -----------------------------------------------------------------------------


def test_notice_text(district):
    rnd = make_round(district)
    c = make_candidate(rnd, district.m1)
    rows = documents.notice_rows_of([c], {district.m1.unit_id: "综合行政执法大队/第一中队/第一小队"})
    rows.append(documents.NoticeRow(name="赵四", unit="第二中队", from_grade=None, to_grade=3,
                                    decision=rules.INITIAL))
    content = documents.notice_pdf(round=rnd, rows=rows, issuer="区综合行政执法局")
    assert content.startswith(b"%PDF")
    (text,) = pages_text(content)
    has(text, "职级评定结果公示", "2026年度职级评定", "李一", "综合行政执法大队/第一中队/第一小队", "五级 → 四级", "晋级",
        "赵四", "首次定级 三级", "公示期：2026年3月2日至2026年3月6日（5个工作日）",
        "局政治处（电话 028-82600000）", "区综合行政执法局", "2026年3月2日", "第 1 页 共 1 页")
    assert "现将2名人员的评定结果予以公示" in compact(text)
    meta = PdfReader(io.BytesIO(content)).metadata
    assert meta.title == "职级评定结果公示（2026年度职级评定）"


def test_notice_without_rows_says_so(district):
    rnd = make_round(district)
    (text,) = pages_text(documents.notice_pdf(round=rnd, rows=[], issuer="区综合行政执法局"))
    has(text, "本轮无等级变动人员。", "公示期：2026年3月2日至2026年3月6日（5个工作日）")


def _form(c, *, show=True, printed_on=dt.date(2026, 3, 10)) -> str:
    c = documents.form_queryset(Candidate.objects.filter(pk=c.pk)).get()
    content = documents.approval_forms_pdf([c], unit_names={}, show_id_number=lambda _c: show,
                                           issuer="区综合行政执法局", printed_on=printed_on, title="t")
    return "".join(pages_text(content))


def test_approval_form_text(case, district):
    _rnd, c1, _c2 = case
    m = district.m1
    text = _form(c1)
    has(text, "职级评定审批表", "2026年度职级评定（评定基准日 2026年1月1日）", "李一", "男", "1990年5月17日",
        m.id_number, "高中", "第一小队", "2020年3月1日", "评定时等级五级", "现等级起始2020年3月1日",
        # the explanation, each requirement with both values
        "年度积分", "≥85，单年不低于70", "82", "不符合", "现等级年限", "≥2年", "6年", "符合",
        # application and material
        "已于2026年2月10日 09:30提出申请", "2025年获市级表彰一次。",
        # unit recommendation and review, with who and when
        "意见：推荐", "理由：工作积极，群众评价好", "经办人：squadron1", "2026年2月11日",
        "意见：审查通过", "经办人：bureau",
        # approval by the staffing office (四级: §8.1)
        "提交审批的决定：晋级：五级 → 四级", "区委编办", "意见：同意。同意晋升", "签字：bianban",
        # 公示 and the objection with its decision
        "公示期：2026年3月2日至2026年3月6日（5个工作日）", "2026年3月3日", "匿名", "反映其2025年曾迟到。",
        "异议不成立", "经核实，迟到已按规定扣分，不影响评定。",
        "办理状态已批准", "评定决定尚未作出决定", "生效日期2026年4月1日", "打印日期2026年3月10日",
        "区综合行政执法局", "第 1 页")
    assert "人力资源公司" not in compact(text)  # a 四级 decision is the staffing office's alone (§8.1)


def test_approval_form_masks_the_id_number(case, district):
    _rnd, c1, _c2 = case
    text = _form(c1, show=False)
    assert district.m1.id_number not in compact(text)
    has(text, district.m1.id_number[:6] + "********" + district.m1.id_number[-4:])


def test_grade_five_decision_leaves_two_blank_signature_boxes(district):
    rnd = make_round(district, status=rules.APPROVAL)
    c = make_candidate(rnd, district.m2, status=rules.PENDING_APPROVAL, outcome=rules.DEMOTE, from_grade=4,
                       target=5, decision=rules.DEMOTE, decision_grade=5)
    text = _form(c)
    has(text, "提交审批的决定：降级：四级 → 五级", "区综合行政执法局", "人力资源公司", "尚未公示。", "尚未作出决定",
        "不适用（非晋级结果直接报审批）。")
    assert compact(text).count(compact(pdf.blank_signature())) == 2
    assert "区委编办" not in text


def test_final_decision_shows_number_and_date(case, district):
    rnd, c1, _c2 = case
    rnd.status, rnd.decision_number, rnd.decided_on = rules.DECIDED, "温综执〔2026〕12号", dt.date(2026, 3, 10)
    rnd.save()
    Candidate.objects.filter(pk=c1.pk).update(status=rules.FINAL)
    text = _form(c1)
    has(text, "评定决定晋级：五级 → 四级", "决定文号温综执〔2026〕12号", "决定日期2026年3月10日", "异议不成立")


def test_initial_round_form(district):
    rnd = make_round(district, status=rules.RECOMMENDATION, kind=rules.INITIAL_ROUND, name="2021年首次定级")
    c = make_candidate(rnd, district.m2, status=rules.COMPUTED, outcome=rules.INITIAL, from_grade=None, target=3,
                       decision="", decision_grade=None)
    text = _form(c)
    has(text, "2021年首次定级", "评定时等级未定级", "无需个人申请（首次定级）。", "尚未办理。",
        "尚未提交审批；按测算结果拟为：首次定级：三级", "区委编办")


def test_bulk_forms_one_candidate_a_page_and_long_text_wraps(case, district):
    rnd, c1, c2 = case
    Material.objects.create(candidate=c2, text="情况说明。" * 900, by=district.bureau_user, at=AT)
    cands = list(documents.form_queryset(Candidate.objects.filter(round=rnd)).order_by("member__name"))
    content = documents.approval_forms_pdf(cands, unit_names={}, show_id_number=lambda _c: False,
                                           issuer="区综合行政执法局", printed_on=dt.date(2026, 3, 10), title="t")
    pages = pages_text(content)
    assert len(pages) >= 4  # each form starts a page; 王二's long statement runs over several
    first_pages = [i for i, t in enumerate(pages) if compact(t).startswith("职级评定审批表")]
    assert len(first_pages) == 2
    names = [("李一" in compact(pages[i]), "王二" in compact(pages[i])) for i in first_pages]
    assert sorted(names) == [(False, True), (True, False)]
    total = len(pages)
    for i, t in enumerate(pages, 1):
        has(t, f"第 {i} 页 共 {total} 页", "区综合行政执法局", "打印日期：2026年3月10日")
    # Without the page feet and the box label repeated on each continued part (a phrase may run over a
    # page break), the statement is all there.
    body = "".join(re.sub(r"区综合行政执法局\u3000打印日期：\S+\s*第 \d+ 页 共 \d+ 页\s*$", "", t) for t in pages)
    assert compact(body).replace("补充材料", "").count("情况说明。") == 900


# --- the downloads: access, file name, audit ------------------------------------------------------


@pytest.fixture
def urls(case):
    rnd, c1, c2 = case
    return {
        "notice": reverse("evaluation:notice_pdf", args=[rnd.pk]),
        "form1": reverse("evaluation:approval_form_pdf", args=[c1.pk]),
        "form2": reverse("evaluation:approval_form_pdf", args=[c2.pk]),
        "bulk": reverse("evaluation:approval_forms_pdf", args=[rnd.pk]),
    }


def _pdf(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"] == "application/pdf"
    return "".join(pages_text(resp.content))


@pytest.mark.parametrize("who", ["member1", "squadron2", "bianban", "hrco", "assessor", "bureau_user"])
def test_notice_visible_to_every_role(client_for, district, urls, who):
    resp = client_for(getattr(district, who)).get(urls["notice"])
    text = _pdf(resp)
    has(text, "职级评定结果公示", "李一", "五级 → 四级", "现将1名人员的评定结果予以公示")
    assert "王二" not in text  # kept at 五级: not a grade change, not on the notice
    assert resp["Content-Disposition"] == (
        f"inline; filename=\"notice-{Candidate.objects.first().round_id}.pdf\"; "
        f"filename*=UTF-8''{quote('职级评定结果公示-2026年度职级评定.pdf')}")
    assert not AuditEntry.objects.filter(action="export").exists()


def test_notice_not_before_publicity(client_for, district):
    rnd = make_round(district, status=rules.APPROVAL, name="审批中的评定")
    url = reverse("evaluation:notice_pdf", args=[rnd.pk])
    assert client_for(district.bureau_user).get(url).status_code == 404
    assert client_for(district.bureau_user).get(reverse("evaluation:notice_pdf", args=[rnd.pk + 99])).status_code == 404


def test_notice_anonymous_and_no_role(client_for, district, urls):
    resp = client_for(None).get(urls["notice"])
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    assert client_for(district.nobody).get(urls["notice"]).status_code == 404


def test_approval_form_bureau_sees_full_id_and_export_is_logged(client_for, district, urls, case):
    _rnd, c1, _c2 = case
    resp = client_for(district.bureau_user).get(urls["form1"])
    text = _pdf(resp)
    has(text, "职级评定审批表", "李一", district.m1.id_number)
    assert f"filename*=UTF-8''{quote('职级评定审批表-李一-2026年度职级评定.pdf')}" in resp["Content-Disposition"]
    e = AuditEntry.objects.get(action="export")
    assert (e.actor_name, e.object_type, e.object_id) == ("bureau", "evaluation.candidate", str(c1.pk))
    assert e.after == {"document": "approval_form", "members": [district.m1.pk], "numbers": "full"}


def test_approval_form_line_manager_masked(client_for, district, urls):
    text = _pdf(client_for(district.squadron1).get(urls["form1"]))
    assert district.m1.id_number not in compact(text)
    has(text, "李一")
    assert AuditEntry.objects.get(action="export").after["numbers"] == "masked"


def test_approval_form_member_own_only(client_for, district, urls):
    c = client_for(district.member1)
    has(_pdf(c.get(urls["form1"])), district.m1.id_number)  # their own number in full
    assert c.get(urls["form2"]).status_code == 404
    assert AuditEntry.objects.filter(action="export").count() == 1


def test_approval_form_out_of_scope_and_anonymous(client_for, district, urls):
    assert client_for(district.squadron2).get(urls["form1"]).status_code == 404
    assert client_for(district.nobody).get(urls["form1"]).status_code == 404
    resp = client_for(None).get(urls["form1"])
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    assert client_for(district.bureau_user).get(
        reverse("evaluation:approval_form_pdf", args=[999999])).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_bulk_forms_for_the_bureau(client_for, district, urls, case, django_assert_max_num_queries):
    rnd, _c1, _c2 = case
    client = client_for(district.bureau_user)
    client.get(urls["notice"])  # warm the session
    with django_assert_max_num_queries(25):
        resp = client.get(urls["bulk"])
    text = _pdf(resp)
    has(text, "李一", "王二", district.m1.id_number, district.m2.id_number)
    e = AuditEntry.objects.get(action="export")
    assert (e.object_type, e.object_id) == ("evaluation.evaluationround", str(rnd.pk))
    assert sorted(e.after["members"]) == sorted([district.m1.pk, district.m2.pk])
    only = _pdf(client.get(urls["bulk"] + "?status=approved"))
    has(only, "李一", "王二")
    resp = client.get(urls["bulk"] + "?status=pending_approval")
    assert "李一" not in compact(_pdf(resp))
    assert quote("职级评定审批表-2026年度职级评定-待审批.pdf") in resp["Content-Disposition"]
    resp = client.get(urls["bulk"] + f"?unit={district.sq2.pk}")
    text = compact(_pdf(resp))
    assert "王二" in text and "李一" not in text
    assert quote("职级评定审批表-2026年度职级评定-第二中队.pdf") in resp["Content-Disposition"]


@pytest.mark.parametrize("who", ["squadron1", "member1", "bianban", "hrco", "nobody"])
def test_bulk_forms_not_for_others(client_for, district, urls, who):
    assert client_for(getattr(district, who)).get(urls["bulk"]).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_bulk_forms_anonymous(client_for, urls):
    resp = client_for(None).get(urls["bulk"])
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


# --- the links on the evaluation pages (evaluation/_documents.html) -----------------------------------


def _links(user, rnd, *, candidate=None, url_name="round") -> dict[str, str]:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    request.resolver_match = type("M", (), {"url_name": url_name})()
    html = render_to_string("evaluation/_documents.html", {"round": rnd, "c": candidate}, request=request)
    return {key: href.replace("&amp;", "&")
            for href, key in re.findall(r'href="([^"]+)"[^>]*data-document="([^"]+)"', html)}


def test_document_links(case, district, urls):
    rnd, c1, _c2 = case
    assert _links(district.bureau_user, rnd) == {"notice": urls["notice"], "approval_forms": urls["bulk"]}
    assert _links(district.member1, rnd, candidate=c1) == {"notice": urls["notice"], "approval_form": urls["form1"]}
    assert _links(district.squadron1, rnd) == {"notice": urls["notice"]}
    assert _links(district.bureau_user, rnd, candidate=c1, url_name="notice") == {"notice": urls["notice"]}
    assert _links(district.nobody, rnd) == {}
    rnd.status = rules.APPROVAL
    rnd.save()
    assert _links(district.bureau_user, rnd) == {
        "approval_forms": urls["bulk"], "approval_forms_pending": urls["bulk"] + "?status=pending_approval"}
    assert _links(district.hrco, rnd, candidate=c1) == {"approval_form": urls["form1"]}
    rnd.status = rules.OPEN
    rnd.save()
    assert _links(district.bureau_user, rnd) == {}


def test_candidate_page_links_to_its_form(case, district, client_for, urls):
    _rnd, c1, _c2 = case
    html = client_for(district.squadron1).get(reverse("evaluation:candidate", args=[c1.pk])).content.decode()
    assert urls["form1"] in html and urls["notice"] in html
