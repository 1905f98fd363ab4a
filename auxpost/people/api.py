"""§4.1/§4.3 REST API for the roster: input serializer → one service call → output serializer.

Scope and masking are the pages': the same selectors, the same services, the same 404 for a
member that does not exist and one that is not yours. Writes (create, partial update) are for
the administrator, the bureau and the HR company within their scope; others get 403.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from auxpost.org.selectors import unit_full_names, units_visible_to
from auxpost.people.models import Education, Member, MemberStatus
from auxpost.people.selectors import (
    CERT_FILTERS,
    EDITOR_ROLES,
    SORTS,
    STATUS_FILTERS,
    PersonalDataView,
    age_on,
    can_edit,
    cert_reminder_days,
    cert_state,
    grade_history_of,
    member_get_for,
    members_visible_to,
    roster_filter,
)
from auxpost.people.services import member_clean, member_create, member_update


def drf_error(exc: DjangoValidationError) -> DRFValidationError:
    """A service's ValidationError as a 400 with the same (Chinese) messages, keyed by field."""
    if hasattr(exc, "error_dict"):
        return DRFValidationError(exc.message_dict)
    return DRFValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    full_name = serializers.CharField(help_text="The unit path below the bureau, as in the 花名册 (所属单位).")


class WorkLineRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    """One member as the caller may see them: ID and phone numbers masked, and the birth date left
    out, for roles that do not see personal data (except on one's own record)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.SerializerMethodField(help_text="Masked (510115********1234) unless personal data is visible.")
    sex = serializers.ChoiceField(choices=[("M", "M"), ("F", "F")])
    birth_date = serializers.SerializerMethodField(help_text="Null when personal data is masked.")
    age = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField(help_text="Masked (138****5678) unless personal data is visible.")
    education = serializers.ChoiceField(choices=Education.choices)
    political_status = serializers.CharField()
    work_start_date = serializers.DateField(allow_null=True)
    hire_date = serializers.DateField()
    unit = serializers.SerializerMethodField()
    work_line = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=MemberStatus.choices)
    grade = serializers.IntegerField(allow_null=True, help_text="5 (五级, entry) … 1 (一级, top); null once cancelled.")
    grade_effective_date = serializers.DateField(allow_null=True)
    cert_number = serializers.CharField()
    cert_valid_until = serializers.DateField(allow_null=True)
    cert_state = serializers.SerializerMethodField(help_text="missing, expired, expiring (within the policy's reminder days, default 30) or valid.")
    separated_on = serializers.DateField(allow_null=True)
    personal_data_masked = serializers.SerializerMethodField()

    def _view(self) -> PersonalDataView:
        return self.context["personal_data"]

    def get_id_number(self, m) -> str:
        return self._view().id_number(m)

    def get_phone(self, m) -> str:
        return self._view().phone(m)

    def get_birth_date(self, m) -> dt.date | None:
        return self._view().birth_date(m)

    def get_age(self, m) -> int:
        return age_on(m.birth_date, self.context["today"])

    @extend_schema_field(UnitRefSerializer)
    def get_unit(self, m):
        names = self.context["unit_names"]
        return {"id": m.unit_id, "name": m.unit.name, "full_name": names.get(m.unit_id, m.unit.name)}

    @extend_schema_field(WorkLineRefSerializer(allow_null=True))
    def get_work_line(self, m):
        return {"id": m.work_line_id, "name": m.work_line.name} if m.work_line_id else None

    def get_cert_state(self, m) -> str:
        if "cert_reminder_days" not in self.context:
            self.context["cert_reminder_days"] = cert_reminder_days(self.context["today"])
        return cert_state(m, self.context["today"], self.context["cert_reminder_days"])

    def get_personal_data_masked(self, m) -> bool:
        return not self._view().reveals(m)


class MemberWriteSerializer(serializers.Serializer):
    """The 花名册 fields for a create; a partial update takes any subset. The service checks the
    values (ID number per GB 11643, phone, dates, unit, quota …) and answers in Chinese."""

    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30, help_text="18 characters, GB 11643 (sex and birth date are derived).")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    education = serializers.CharField(help_text="junior_high, high_school, vocational, junior_college, bachelor, "
                                                "master, doctor (or the Chinese 初中 … 博士研究生).")
    political_status = serializers.CharField(max_length=30, required=False, allow_blank=True)
    work_start_date = serializers.DateField(required=False, allow_null=True)
    hire_date = serializers.DateField()
    unit = serializers.IntegerField(help_text="Unit id.")
    work_line = serializers.IntegerField(required=False, allow_null=True, help_text="Work line id.")
    status = serializers.CharField(required=False, help_text="probation, active or suspended (default active); "
                                                             "an update may also move to separated.")
    grade = serializers.IntegerField(help_text="5 (五级) … 1 (一级).")
    grade_effective_date = serializers.DateField(required=False, allow_null=True,
                                                 help_text="Default: the date hired (create) or today (a grade change).")
    cert_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    cert_valid_until = serializers.DateField(required=False, allow_null=True)


class MemberUpdateSerializer(MemberWriteSerializer):
    grade_reason = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                         help_text="Why the grade changes (kept in the grade history).")
    status_on = serializers.DateField(required=False, allow_null=True,
                                      help_text="Date of a status change, e.g. the separation date (default today).")


class GradeHistorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    grade = serializers.IntegerField(allow_null=True, help_text="Null records a cancellation (separation).")
    grade_label = serializers.CharField(source="get_grade_display", allow_null=True)
    effective_date = serializers.DateField()
    source = serializers.CharField()
    reason = serializers.CharField()
    reference = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.SerializerMethodField()

    def get_recorded_by(self, h) -> str | None:
        return h.recorded_by.get_username() if h.recorded_by_id else None


ROSTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Name (contains), or an ID / phone number (whole or its last digits)."),
    OpenApiParameter("unit", int, description="Unit id: that unit and everything below."),
    OpenApiParameter("grade", int, description="5 (五级) … 1 (一级)."),
    OpenApiParameter("work_line", int, description="Work line id."),
    OpenApiParameter("status", str, enum=list(STATUS_FILTERS[1:]),
                     description="Default: on the roster (probation, active, suspended)."),
    OpenApiParameter("cert", str, enum=list(CERT_FILTERS[1:]), description="Certificate state."),
    OpenApiParameter("sort", str, enum=list(SORTS), description="Order (default unit)."),
]


def _check_unit_in_scope(user, data: dict, member: Member | None = None) -> None:
    """An editor places people only in units within their scope; a unit outside it is "no such unit",
    reported together with every other field error."""
    unit_id = data.get("unit")
    if unit_id is None or units_visible_to(user, roles_allowed=EDITOR_ROLES).filter(pk=unit_id).exists():
        return
    label = capfirst(Member._meta.get_field("unit").verbose_name)
    errors = {"unit": [_("%(field)s: no such unit.") % {"field": label}]}
    try:
        member_clean(data={k: v for k, v in data.items() if k != "unit"} | {"unit": None}, member=member)
    except DjangoValidationError as exc:
        errors |= {k: v for k, v in exc.message_dict.items() if k != "unit"}
    raise DRFValidationError(errors)


@extend_schema_view(
    list=extend_schema(summary="The roster, filtered like the roster page", parameters=ROSTER_PARAMETERS),
    retrieve=extend_schema(summary="One member"),
    create=extend_schema(summary="Add a member (within quota)", request=MemberWriteSerializer,
                         responses={201: MemberSerializer}),
    partial_update=extend_schema(summary="Change a member's fields, grade or status", request=MemberUpdateSerializer,
                                 responses=MemberSerializer),
)
class MemberViewSet(viewsets.GenericViewSet):
    serializer_class = MemberSerializer
    queryset = Member.objects.none()  # for the schema; every request uses the caller's scope
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        ctx.setdefault("today", timezone.localdate())
        if "personal_data" not in ctx:
            ctx["personal_data"] = PersonalDataView(self.request.user)
        if "unit_names" not in ctx:
            ctx["unit_names"] = unit_full_names()
        return ctx

    def _out(self, member, code=status.HTTP_200_OK):
        member = Member.objects.select_related("unit", "work_line").get(pk=member.pk)
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data, status=code)

    def list(self, request):
        view = PersonalDataView(request.user)
        qs = roster_filter(members_visible_to(request.user), request.query_params, personal_data=view.all)
        page = self.paginate_queryset(qs)
        ctx = self.get_serializer_context() | {"personal_data": view}
        return self.get_paginated_response(MemberSerializer(page, many=True, context=ctx).data)

    def retrieve(self, request, pk=None):
        member = member_get_for(request.user, pk)
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data)

    def create(self, request):
        if not can_edit(request.user):
            raise PermissionDenied
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _check_unit_in_scope(request.user, data.validated_data)
        try:
            member = member_create(actor=request.user, data=dict(data.validated_data))
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return self._out(member, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        member = member_get_for(request.user, pk)
        if not can_edit(request.user, member):
            raise PermissionDenied
        data = MemberUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        grade_reason = changes.pop("grade_reason", "")
        status_on = changes.pop("status_on", None)
        _check_unit_in_scope(request.user, changes, member)
        try:
            member = member_update(actor=request.user, member=member, changes=changes, grade_reason=grade_reason,
                                   status_on=status_on)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return self._out(member)

    @extend_schema(summary="The member's dated grade history (§4.3), oldest first",
                   responses=GradeHistorySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="grade-history", url_name="grade-history", pagination_class=None)
    def grade_history(self, request, pk=None):
        member = member_get_for(request.user, pk)
        return Response(GradeHistorySerializer(grade_history_of(member), many=True).data)
