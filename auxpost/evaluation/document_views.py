"""§8.4/§11 Downloads of the grade evaluation's documents. Thin: access check, build, log, respond.

Access:
- the 公示 notice (``notice_pdf``): every logged-in user holding a role — it is public within the
  organisation — for a round whose 公示 has started (公示中, 已发文, 已生效, 已归档); any other round
  is the same 404 as none. It lists names, units and grades only and is not logged as an export.
- one candidate's 职级评定审批表 (``approval_form_pdf``): whoever may open the candidate
  (``selectors.candidate_for``); the ID number is shown only to roles that see personal data and to
  the member themself, masked otherwise. Logged as a personal-data export.
- a round's forms, one candidate a page (``approval_forms_pdf``): the bureau (and the administrator),
  the candidates it may see (``selectors.candidates_for``), optionally of one status. Logged.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.audit.services import audit_record
from auxpost.core.pdf import issuing_body, pdf_response
from auxpost.evaluation import documents, rules
from auxpost.evaluation.models import Candidate, EvaluationRound
from auxpost.evaluation.selectors import can_see_notice, candidate_for, candidates_for, notice_rows, round_for
from auxpost.org.models import Unit
from auxpost.org.selectors import unit_full_names

#: Who prints a whole round's forms (§3: the bureau organises the evaluation).
BULK_ROLES = (Role.BUREAU, Role.ADMIN)


def _log_export(*, user, obj, document: str, candidates: list[Candidate], summary: str) -> None:
    """§11 a document carrying personal data is a logged export: who, which people, full or masked numbers."""
    full = [c.member_id for c in candidates if scope.sees_personal_data(user, c.member)]
    with transaction.atomic():
        audit_record(actor=user, action="export", obj=obj, summary=summary, after={
            "document": document, "members": [c.member_id for c in candidates],
            "numbers": "full" if full and len(full) == len(candidates) else ("masked" if not full else "mixed"),
        })


@login_required
def notice_pdf(request, pk: int):
    """§8.4 the 公示 notice of a round in publicity or later, for every role."""
    rnd = EvaluationRound.objects.filter(pk=pk).first()
    if rnd is None or not can_see_notice(request.user, rnd):
        raise Http404
    rows = documents.notice_rows_of(notice_rows(rnd), unit_full_names())
    content = documents.notice_pdf(round=rnd, rows=rows, issuer=issuing_body())
    return pdf_response(content, f"{documents.NOTICE_TITLE}-{rnd.name}.pdf", fallback=f"notice-{rnd.pk}.pdf")


@login_required
def approval_form_pdf(request, pk: int):
    """§8.4 one candidate's 职级评定审批表 (same scope as the candidate page); a logged export."""
    user = request.user
    found = candidate_for(user, pk)
    c = documents.form_queryset(Candidate.objects.filter(pk=found.pk)).get()
    content = documents.approval_forms_pdf(
        [c], unit_names=unit_full_names(), show_id_number=lambda x: scope.sees_personal_data(user, x.member),
        issuer=issuing_body(), printed_on=timezone.localdate(),
        title=f"{documents.FORM_TITLE}（{c.member.name}，{c.round.name}）")
    _log_export(user=user, obj=c, document="approval_form", candidates=[c],
                summary=f"{documents.FORM_TITLE} {c.member.name} ({c.round.name})")
    return pdf_response(content, f"{documents.FORM_TITLE}-{c.member.name}-{c.round.name}.pdf",
                        fallback=f"approval-form-{c.pk}.pdf")


@login_required
def round_approval_forms_pdf(request, pk: int):
    """§8.4 every candidate's 职级评定审批表 of a round, one per page, for the bureau; ``?status=``
    limits it to one candidate status (e.g. pending_approval for signature), ``?unit=`` to a unit and
    the units below it (a city-sized round prints unit by unit). A logged export."""
    user = request.user
    if not scope.has_role(user, *BULK_ROLES):
        raise Http404
    rnd = round_for(user, pk)
    qs = candidates_for(user, rnd)
    status = request.GET.get("status", "")
    if status in rules.CANDIDATE_STATES:
        qs = qs.filter(status=status)
    unit = Unit.objects.filter(pk=request.GET["unit"]).first() if request.GET.get("unit", "").isdigit() else None
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    cands = list(documents.form_queryset(qs).order_by("unit__path", "member__name", "member_id"))
    content = documents.approval_forms_pdf(
        cands, unit_names=unit_full_names(), show_id_number=lambda x: scope.sees_personal_data(user, x.member),
        issuer=issuing_body(), printed_on=timezone.localdate(), title=f"{documents.FORM_TITLE}（{rnd.name}）")
    _log_export(user=user, obj=rnd, document="approval_forms", candidates=cands,
                summary=f"{documents.FORM_TITLE} {rnd.name}: {len(cands)}")
    suffix = (f"-{unit.name}" if unit is not None else "") + (
        f"-{rules.CANDIDATE_LABEL[status]}" if status in rules.CANDIDATE_STATES else "")
    return pdf_response(content, f"{documents.FORM_TITLE}-{rnd.name}{suffix}.pdf",
                        fallback=f"approval-forms-{rnd.pk}.pdf")
