"""§7.3/§11 Download of the annual assessment form (年度考核登记表). Thin: access, build, log, respond.

Access: whoever may see the member's annual result of that year (``selectors.annual_results_visible_to``:
the bureau and the administrator all, line managers their subtree, a member their own); anything
else, or a year without a result, is the same 404. The ID number is shown in full only to roles that
see personal data and to the member themself. Every download is logged as a personal-data export.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from auxpost.accounts import scope
from auxpost.assessment import documents
from auxpost.assessment.models import AnnualResult
from auxpost.assessment.selectors import annual_results_visible_to
from auxpost.audit.services import audit_record
from auxpost.core.pdf import issuing_body, pdf_response
from auxpost.org.selectors import unit_full_names


@login_required
def annual_form_pdf(request, year: int, member_id: int):
    """§7.3 the 年度考核登记表 of one member and year; a logged personal-data export."""
    user = request.user
    try:
        result = (annual_results_visible_to(user)
                  .select_related("member", "member__unit", "cap_unit", "reviewed_by", "confirmed_by")
                  .get(year=year, member_id=member_id))
    except AnnualResult.DoesNotExist:
        raise Http404 from None
    member = result.member
    full = scope.sees_personal_data(user, member)
    data = documents.annual_form_data(result, unit_name=unit_full_names().get(member.unit_id, member.unit.name),
                                      show_id_number=full)
    content = documents.annual_form_pdf(data, issuer=issuing_body(), printed_on=timezone.localdate())
    with transaction.atomic():
        audit_record(actor=user, action="export", obj=result,
                     summary=f"{documents.FORM_TITLE} {member.name} {year}",
                     after={"document": "annual_form", "members": [member.pk], "year": year,
                            "numbers": "full" if full else "masked"})
    return pdf_response(content, f"{documents.FORM_TITLE}-{member.name}-{year}年度.pdf",
                        fallback=f"annual-form-{year}-{member.pk}.pdf")
