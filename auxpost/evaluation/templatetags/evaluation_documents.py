"""§11 The document links the evaluation pages show (``evaluation/_documents.html``)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from auxpost.accounts import scope
from auxpost.evaluation import rules
from auxpost.evaluation.document_views import BULK_ROLES
from auxpost.evaluation.selectors import can_see_notice

register = template.Library()


@dataclass(frozen=True)
class DocumentLink:
    key: str
    label: str
    url: str


@register.simple_tag(takes_context=True)
def document_links(context, rnd, candidate=None) -> list[DocumentLink]:
    """The PDFs that apply here: the 公示 notice once the publicity has started (every role); the
    candidate's 职级评定审批表 on a candidate's page (the page already checked its scope); the
    round's forms for the bureau once outcomes are computed (and those awaiting signature while the
    round is in approval). On the notice page only the notice."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if rnd is None or not getattr(rnd, "pk", None) or user is None or not user.is_authenticated:
        return []
    links = []
    if can_see_notice(user, rnd):
        links.append(DocumentLink("notice", _("Public notice (PDF)"), reverse("evaluation:notice_pdf", args=[rnd.pk])))
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "notice":
        return links
    if candidate:
        links.append(DocumentLink("approval_form", _("Approval form (PDF)"),
                                  reverse("evaluation:approval_form_pdf", args=[candidate.pk])))
    elif scope.has_role(user, *BULK_ROLES) and rnd.status != rules.OPEN:
        url = reverse("evaluation:approval_forms_pdf", args=[rnd.pk])
        links.append(DocumentLink("approval_forms", _("Approval forms of all candidates (PDF)"), url))
        if rnd.status == rules.APPROVAL:
            links.append(DocumentLink("approval_forms_pending", _("Approval forms awaiting approval (PDF)"),
                                      f"{url}?status={rules.PENDING_APPROVAL}"))
    return links
