"""§6.1 / §8.3 REST API of the grading app: basic-requirement records and computed grade outcomes.

Scope is the pages': records are read by whoever may see the member and added by the bureau, the HR
company and the administrator within their scope; outcomes are listed for the administrator, the
staffing office, the bureau, the HR company (everyone) and line managers (their subtree), a member
sees only their own (``/outcomes/me/``, or the list narrowed to themself); an assessor gets 403.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.grading.models import BasicRecord, CommendationLevel, RecordKind
from auxpost.grading.selectors import (
    OUTCOME_CHOICES,
    OUTCOME_ROLES,
    RECORD_READ_ROLES,
    OutcomeParams,
    outcome_listing,
    outcomes_for_ids,
)
from auxpost.grading.services import basic_record_add, can_record
from auxpost.people.api import drf_error
from auxpost.people.selectors import PersonalDataView, member_get_for, own_member
from auxpost.policy.selectors import PolicyNotFound, policy_by_version, policy_in_force


class BasicRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    date = serializers.DateField()
    passed = serializers.BooleanField(help_text="False for a negative record (sanctions are always negative).")
    level = serializers.CharField(help_text="Commendations: district, city, province or national; else empty.")
    description = serializers.CharField()
    evidence = serializers.CharField()
    recorded_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()

    def get_recorded_by(self, r) -> str | None:
        return r.recorded_by.get_username() if r.recorded_by_id else None


class BasicRecordWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="Member id.")
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    date = serializers.DateField()
    passed = serializers.BooleanField(required=False, default=True)
    level = serializers.ChoiceField(choices=[("", ""), *CommendationLevel.choices], required=False, default="")
    description = serializers.CharField(max_length=300)
    evidence = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    required = serializers.CharField()
    actual = serializers.CharField()
    met = serializers.BooleanField()


class OutcomeSerializer(serializers.Serializer):
    """The `auxpost evaluate --format json` object (SPEC §12); the ID number is masked for roles that
    do not see personal data."""

    id_number = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(help_text="The unit path below the bureau, as in the 花名册 (所属单位).")
    grade = serializers.IntegerField(help_text="5 (五级) … 1 (一级).")
    outcome = serializers.ChoiceField(choices=[(o, o) for o in OUTCOME_CHOICES])
    target_grade = serializers.IntegerField()
    quota_rank = serializers.IntegerField(allow_null=True)
    reasons = ReasonSerializer(many=True)


def _as_of_and_policy(params):
    raw = (params.get("as_of") or "").strip()
    if raw:
        try:
            as_of = dt.date.fromisoformat(raw)
        except ValueError:
            raise DRFValidationError({"as_of": [_("As-of date: “%(value)s” is not a date in the form YYYY-MM-DD.")
                                                % {"value": raw}]}) from None
    else:
        as_of = timezone.localdate()
    version = (params.get("policy") or "").strip()
    try:
        return as_of, (policy_by_version(version) if version else policy_in_force(as_of))
    except PolicyNotFound as exc:
        raise DRFValidationError({"policy": [exc.message]}) from None


class _Ref:
    def __init__(self, pk, id_number):
        self.pk, self.id_number = pk, id_number


def _objects(user, outcomes) -> list[dict]:
    view = PersonalDataView(user)
    return [m.as_json(id_number=view.id_number(_Ref(m.member_id, m.id_number))) for m in outcomes]


@extend_schema_view(
    list=extend_schema(summary="§6.1 basic-requirement records (append-only)", parameters=[
        OpenApiParameter("member", int, description="Member id (records of that member only).")]),
    create=extend_schema(summary="§6.1 add a basic-requirement record", request=BasicRecordWriteSerializer,
                         responses={201: BasicRecordSerializer}),
)
class BasicRecordViewSet(viewsets.GenericViewSet):
    serializer_class = BasicRecordSerializer
    queryset = BasicRecord.objects.none()
    http_method_names = ["get", "post", "head", "options"]

    def list(self, request):
        q = scope.member_q(request.user, roles_allowed=RECORD_READ_ROLES, prefix="member__")
        if q is None:
            raise PermissionDenied
        qs = BasicRecord.objects.filter(q).select_related("recorded_by").order_by("-date", "-pk")
        member = request.query_params.get("member")
        if member:
            try:
                qs = qs.filter(member_id=int(member))
            except ValueError:
                raise DRFValidationError({"member": [_("Member: enter a member id.")]}) from None
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(BasicRecordSerializer(page, many=True).data)

    def create(self, request):
        if not can_record(request.user):
            raise PermissionDenied
        data = BasicRecordWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            member = member_get_for(request.user, values.pop("member"), roles_allowed=RECORD_READ_ROLES)
        except Http404:
            raise DRFValidationError({"member": [_("Member: no such member.")]}) from None
        if not can_record(request.user, member):
            raise PermissionDenied
        try:
            record = basic_record_add(member=member, by=request.user, at=timezone.now(), **values)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return Response(BasicRecordSerializer(record).data, status=status.HTTP_201_CREATED)


OUTCOME_PARAMETERS = [
    OpenApiParameter("as_of", dt.date, description="Evaluation date (default today)."),
    OpenApiParameter("policy", str, description="A published policy version (default: in force on as_of)."),
    OpenApiParameter("unit", int, description="Unit id: that unit and everything below."),
    OpenApiParameter("outcome", str, enum=list(OUTCOME_CHOICES)),
    OpenApiParameter("grade", int, description="Current grade 5 … 1."),
    OpenApiParameter("target", int, description="Target grade 5 … 1."),
    OpenApiParameter("q", str, description="Name (contains) or the end of an ID number."),
]


@extend_schema_view(
    list=extend_schema(summary="§8.3 computed grade outcomes (read-only), as `auxpost evaluate` prints them",
                       parameters=OUTCOME_PARAMETERS, responses=OutcomeSerializer(many=True)),
)
class OutcomeViewSet(viewsets.GenericViewSet):
    serializer_class = OutcomeSerializer
    queryset = BasicRecord.objects.none()  # for the schema only
    http_method_names = ["get", "head", "options"]

    def list(self, request):
        user = request.user
        as_of, policy = _as_of_and_policy(request.query_params)
        params = OutcomeParams.parse(request.query_params)
        if scope.has_role(user, *OUTCOME_ROLES) and scope.member_q(user, roles_allowed=OUTCOME_ROLES) is not None:
            view = PersonalDataView(user)
            ids = outcome_listing(user, as_of=as_of, policy=policy, params=params, personal_data=view.all).ids
        elif scope.has_role(user, Role.MEMBER) and own_member(user) is not None:
            ids = [own_member(user).pk]
            ids = [m.member_id for m in outcomes_for_ids(as_of=as_of, policy=policy, ids=ids)
                   if not params.outcome or m.outcome.outcome == params.outcome]
        else:
            raise PermissionDenied
        page = self.paginate_queryset(ids)
        return self.get_paginated_response(_objects(user, outcomes_for_ids(as_of=as_of, policy=policy,
                                                                           ids=list(page))))

    @extend_schema(summary="§8.3 my own computed grade outcome", responses=OutcomeSerializer,
                   parameters=OUTCOME_PARAMETERS[:2])
    @action(detail=False, methods=["get"], url_path="me", url_name="me", pagination_class=None)
    def me(self, request):
        member = own_member(request.user)
        if member is None or not member.grade:
            raise Http404
        as_of, policy = _as_of_and_policy(request.query_params)
        rows = outcomes_for_ids(as_of=as_of, policy=policy, ids=[member.pk])
        if not rows:
            raise Http404
        return Response(_objects(request.user, rows)[0])


