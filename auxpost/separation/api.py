"""§5.2.4 REST API for separation: the pages' selectors and services behind JSON.

- ``/api/v1/separation/grounds/``: every ground with its Chinese name and legal basis.
- ``/api/v1/separation/cases/``: cases you may see (GET, filters status / ground / unit); propose one (POST:
  the bureau; a member their own resignation). ``/<id>/`` a case with its legal basis, protections, checklist,
  history and the moves you may take; ``/<id>/move/`` approve | refuse | execute | archive | cancel (POST);
  ``/<id>/items/`` record a returned item (POST: the HR company or the member's squadron).
- ``/api/v1/separation/protections/?member=<id>``: a member's Art. 42 protection records (GET) and
  the protections that apply today; record one (POST: the bureau or the HR company).
- ``/api/v1/separation/pickup/``: proposals to take up (GET, the bureau); ``/pickup/take/`` (POST).
- ``/api/v1/separation/retirements/``: retirements coming within a year (GET).

Answers: a move out of order → 409 with the message naming the current state and the step required; a
party without authority → 403 with the message; bad input → 400 with Chinese messages per field; an object
outside your scope → 404, the same as one that does not exist; anonymous → 401/403.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from auxpost.accounts import scope
from auxpost.people.models import Member
from auxpost.separation import rules, selectors, services
from auxpost.separation.models import ProtectionRecord, SeparationCase


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "out of order"
    default_code = "out_of_order"


def call(fn, **kwargs):
    """Run a service: out of order → 409, not this party's step → 403, bad input → 400 (Chinese, by field)."""
    try:
        return fn(**kwargs)
    except rules.MoveRefused as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from None
        raise Conflict(exc.message) from None
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise DRFValidationError(exc.message_dict) from None
        raise DRFValidationError({"non_field_errors": exc.messages}) from None


REFUSALS = {
    400: OpenApiResponse(description="Bad input: Chinese messages per field."),
    403: OpenApiResponse(description="Not this party's step (message in detail), or not logged in."),
    404: OpenApiResponse(description="Not found or outside your scope."),
    409: OpenApiResponse(description="Out of order (message names the current state and the step required), an "
                                     "open case exists, or an Art. 42 protection blocks the ground."),
}


def _responses(ok, code=200):
    return {code: ok, **REFUSALS}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# --- serializers ---------------------------------------------------------------------------------


class SeparationGroundSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    article = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField(help_text="termination (终止) | dissolution (解除)")
    blocked_by = serializers.CharField(help_text="'42': refused under Art. 42 protections; '45': contract end runs "
                                                 "on (Art. 45); '': never blocked")


class SeparationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SeparationProtectionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    since = serializers.CharField()
    until = serializers.CharField(allow_null=True)
    article = serializers.CharField()


class SeparationTransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SerializerMethodField()
    acting_as = serializers.CharField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()

    def get_actor(self, t) -> str | None:
        return t.actor.get_username() if t.actor_id else None


class SeparationItemSerializer(serializers.Serializer):
    item = serializers.CharField()
    label = serializers.SerializerMethodField()
    returned_on = serializers.DateField()
    received_by = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_label(self, r) -> str:
        return rules.ITEM_LABEL[r.item]

    def get_received_by(self, r) -> str:
        return r.received_by.get_username()


class SeparationCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.SerializerMethodField()
    unit = serializers.CharField(source="member.unit.name")
    ground = serializers.CharField()
    ground_label = serializers.CharField()
    source = serializers.CharField(help_text="manual | retirement | evaluation | annual_result | probation | "
                                             "resignation")
    source_ref = serializers.CharField()
    proposed_on = serializers.DateField()
    last_day = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text="proposed | reviewed | refused | executed | returned | archived | "
                                             "cancelled")
    status_label = serializers.CharField(source="state_label")
    effective = serializers.SerializerMethodField(help_text="The effect on the last day has been applied.")

    @extend_schema_field(SeparationRefSerializer)
    def get_member(self, c):
        return {"id": c.member_id, "name": c.member.name}

    def get_effective(self, c) -> bool:
        return c.effect_applied_at is not None


class SeparationCaseDetailSerializer(SeparationCaseSerializer):
    legal_basis = serializers.CharField()
    reason = serializers.CharField()
    protections = serializers.SerializerMethodField(help_text="Art. 42 protections found at proposal/review (health "
                                                              "data: the bureau, the HR company, the member).")
    protections_today = serializers.SerializerMethodField()
    review_note = serializers.CharField()
    reviewed_on = serializers.DateField(allow_null=True)
    executed_on = serializers.DateField(allow_null=True)
    pay_in_lieu = serializers.BooleanField()
    items = SeparationItemSerializer(many=True, source="returned_items.all")
    items_missing = serializers.SerializerMethodField()
    history = SeparationTransitionSerializer(many=True, source="transitions.all")
    actions = serializers.SerializerMethodField(help_text="The moves you may take now.")
    next_step = serializers.SerializerMethodField()

    def _sees_protections(self, c) -> bool:
        user = self.context["request"].user
        own = selectors.own_member(user)
        return scope.has_role(user, *selectors.PROTECTION_ROLES) or (own is not None and own.pk == c.member_id)

    @extend_schema_field(SeparationProtectionSerializer(many=True))
    def get_protections(self, c):
        return c.protections if self._sees_protections(c) else []

    @extend_schema_field(SeparationProtectionSerializer(many=True))
    def get_protections_today(self, c):
        if not self._sees_protections(c):
            return []
        return [p.as_dict() for p in services.member_protections(c.member, timezone.localdate())]

    def get_items_missing(self, c) -> list[str]:
        return selectors.items_missing(c)

    def get_actions(self, c) -> list[str]:
        return selectors.case_actions(self.context["request"].user, c)

    def get_next_step(self, c) -> str:
        return rules.NEXT_STEP.get(c.status, "")


class SeparationCaseCreateSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    ground = serializers.ChoiceField(choices=list(rules.GROUNDS))
    reason = serializers.CharField(max_length=4000, allow_blank=True)
    last_day = serializers.DateField(required=False, allow_null=True, default=None)


class SeparationMoveSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["approve", "refuse", "execute", "archive", "cancel"])
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="",
                                   help_text="Required for refuse and cancel; a note otherwise.")
    last_day = serializers.DateField(required=False, allow_null=True, default=None, help_text="execute")
    pay_in_lieu = serializers.BooleanField(required=False, default=False, help_text="execute, Art. 40")


class SeparationItemCreateSerializer(serializers.Serializer):
    item = serializers.ChoiceField(choices=list(rules.ITEMS))
    returned_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class SeparationProtectionRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    recorded_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()

    def get_recorded_by(self, r) -> str:
        return r.recorded_by.get_username()


class SeparationProtectionCreateSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=list(rules.RECORD_KINDS))
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    supersedes = serializers.IntegerField(required=False, allow_null=True, default=None)


class SeparationProtectionListSerializer(serializers.Serializer):
    member = SeparationRefSerializer()
    records = SeparationProtectionRecordSerializer(many=True)
    applies_today = SeparationProtectionSerializer(many=True)


class SeparationPickupSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="evaluation | annual_result")
    ref = serializers.CharField()
    member = SeparationRefSerializer()
    unit = serializers.CharField()
    reason = serializers.CharField()


class SeparationPickupTakeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[rules.EVALUATION, rules.ANNUAL_RESULT])
    ref = serializers.CharField(max_length=100)
    ground = serializers.ChoiceField(choices=[rules.ART40_UNFIT, *rules.GROUNDS_ART39], required=False,
                                     default=services.PICKUP_DEFAULT_GROUND)
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class SeparationRetirementSerializer(serializers.Serializer):
    member = SeparationRefSerializer()
    unit = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.CharField()
    retirement_date = serializers.DateField()
    retirement_age = serializers.CharField()
    propose_on = serializers.DateField()


# --- views ---------------------------------------------------------------------------------------


def _detail(request, case, code=status.HTTP_200_OK):
    case = selectors.case_for(request.user, case.pk)
    return Response(SeparationCaseDetailSerializer(case, context={"request": request}).data, status=code)


class SeparationGroundViewSet(viewsets.GenericViewSet):
    serializer_class = SeparationGroundSerializer

    @extend_schema(summary="Separation grounds with their legal basis (劳动合同法)")
    def list(self, request):
        return Response(SeparationGroundSerializer(list(rules.GROUNDS.values()), many=True).data)


class SeparationCaseViewSet(viewsets.GenericViewSet):
    serializer_class = SeparationCaseSerializer
    queryset = SeparationCase.objects.none()

    @extend_schema(summary="Separation cases you may see (newest first)", parameters=[
        OpenApiParameter("status", str, description="A case status, or 'open'."),
        OpenApiParameter("ground", str), OpenApiParameter("unit", int, description="That unit and below.")])
    def list(self, request):
        p = request.query_params
        unit = int(p["unit"]) if p.get("unit", "").isdigit() else None
        qs = selectors.cases_for(request.user, status=p.get("status", ""), ground=p.get("ground", ""), unit_id=unit)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(SeparationCaseSerializer(page, many=True).data)

    @extend_schema(summary="Propose a separation (the bureau; a member their own resignation)",
                   request=SeparationCaseCreateSerializer, responses=_responses(SeparationCaseDetailSerializer, 201))
    def create(self, request):
        data = SeparationCaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        own = selectors.own_member(request.user)
        if own is not None and own.pk == v["member"]:
            member = own
        else:
            q = scope.member_q(request.user)
            member = Member.objects.filter(q, pk=v["member"]).first() if q is not None else None
            if member is None:
                raise DRFValidationError({"member": [_("Member: not found.")]})
        case = call(services.proposal_create, actor=request.user, member=member, ground=v["ground"],
                    reason=v["reason"], last_day=v["last_day"])
        return _detail(request, case, status.HTTP_201_CREATED)

    @extend_schema(summary="A case: legal basis, protections, checklist, history and your moves",
                   responses={200: SeparationCaseDetailSerializer, 404: REFUSALS[404]})
    def retrieve(self, request, pk=None):
        return _detail(request, selectors.case_for(request.user, _int(pk)))

    @extend_schema(summary="Move the case (approve / refuse / execute / archive / cancel)",
                   request=SeparationMoveSerializer, responses=_responses(SeparationCaseDetailSerializer))
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        case = selectors.case_for(request.user, _int(pk))
        data = SeparationMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        a, u = v["action"], request.user
        if a == "approve":
            case = call(services.case_approve, actor=u, case=case, note=v["reason"])
        elif a == "refuse":
            case = call(services.case_refuse, actor=u, case=case, reason=v["reason"])
        elif a == "execute":
            case = call(services.case_execute, actor=u, case=case, last_day=v["last_day"],
                        pay_in_lieu=v["pay_in_lieu"], note=v["reason"])
        elif a == "archive":
            case = call(services.case_archive, actor=u, case=case, note=v["reason"])
        else:
            case = call(services.case_cancel, actor=u, case=case, reason=v["reason"])
        return _detail(request, case)

    @extend_schema(summary="Record a returned item (uniform, badge, certificate)",
                   request=SeparationItemCreateSerializer, responses=_responses(SeparationCaseDetailSerializer, 201))
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        case = selectors.case_for(request.user, _int(pk))
        data = SeparationItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        call(services.item_return, actor=request.user, case=case, item=v["item"], returned_on=v["returned_on"],
             note=v["note"])
        return _detail(request, case, status.HTTP_201_CREATED)


class SeparationProtectionViewSet(viewsets.GenericViewSet):
    serializer_class = SeparationProtectionRecordSerializer
    queryset = ProtectionRecord.objects.none()

    @extend_schema(summary="A member's Art. 42 protection records and what applies today (bureau, HR company)",
                   parameters=[OpenApiParameter("member", int, required=True)],
                   responses={200: SeparationProtectionListSerializer, 404: REFUSALS[404]})
    def list(self, request):
        member = selectors.member_for(request.user, _int(request.query_params.get("member")))
        return Response(SeparationProtectionListSerializer({
            "member": {"id": member.pk, "name": member.name},
            "records": selectors.protection_records(member),
            "applies_today": [p.as_dict() for p in services.member_protections(member, timezone.localdate())],
        }).data)

    @extend_schema(summary="Record a protection period (the bureau or the HR company; append-only)",
                   request=SeparationProtectionCreateSerializer,
                   responses=_responses(SeparationProtectionRecordSerializer, 201))
    def create(self, request):
        data = SeparationProtectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        member = selectors.member_for(request.user, v["member"])
        supersedes = None
        if v["supersedes"] is not None:
            supersedes = ProtectionRecord.objects.filter(pk=v["supersedes"], member=member).first()
            if supersedes is None:
                raise DRFValidationError({"supersedes": [_("Replaces: the record belongs to another member.")]})
        row = call(services.protection_record, actor=request.user, member=member, kind=v["kind"], start=v["start"],
                   end=v["end"], note=v["note"], supersedes=supersedes)
        return Response(SeparationProtectionRecordSerializer(row).data, status=status.HTTP_201_CREATED)


def pickup_rows(user) -> list[dict]:
    rows = []
    for sp in selectors.pending_evaluation_proposals(user):
        rows.append({"kind": rules.EVALUATION, "ref": str(sp.pk), "member": {"id": sp.member_id, "name": sp.member.name},
                     "unit": sp.member.unit.name, "reason": sp.reason, "proposed_on": sp.proposed_on,
                     "source_label": rules.SOURCE_LABEL[rules.EVALUATION]})
    if scope.has_role(user, *selectors.PICKUP_ROLES):
        for p in selectors.annual_fail_pairs():
            rows.append({"kind": rules.ANNUAL_RESULT, "ref": p.ref,
                         "member": {"id": p.member.pk, "name": p.member.name}, "unit": p.member.unit.name,
                         "reason": f"{p.year1}年、{p.year2}年年度考核连续不合格", "proposed_on": None,
                         "source_label": rules.SOURCE_LABEL[rules.ANNUAL_RESULT]})
    return rows


class SeparationPickupViewSet(viewsets.GenericViewSet):
    serializer_class = SeparationPickupSerializer

    @extend_schema(summary="Separation proposals to take up: evaluation rounds and consecutive 不合格 (the bureau)",
                   responses={200: SeparationPickupSerializer(many=True), 403: REFUSALS[403]})
    def list(self, request):
        if not scope.has_role(request.user, *selectors.PICKUP_ROLES):
            raise PermissionDenied(_("Only the bureau takes up separation proposals."))
        return Response(SeparationPickupSerializer(pickup_rows(request.user), many=True).data)

    @extend_schema(summary="Take up a proposal: creates the case (ground Art. 40(2) unless an Art. 39 one is chosen)",
                   request=SeparationPickupTakeSerializer, responses=_responses(SeparationCaseDetailSerializer, 201))
    @action(detail=False, methods=["post"])
    def take(self, request):
        data = SeparationPickupTakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = call(services.pickup_take, actor=request.user, **data.validated_data)
        return _detail(request, case, status.HTTP_201_CREATED)


class SeparationRetirementViewSet(viewsets.GenericViewSet):
    serializer_class = SeparationRetirementSerializer

    @extend_schema(summary="Retirements whose proposal is due within a year, members without an open case",
                   responses={200: SeparationRetirementSerializer(many=True), 403: REFUSALS[403]})
    def list(self, request):
        if not scope.has_role(request.user, *selectors.RETIREMENT_ROLES):
            raise PermissionDenied(_("Only the bureau and the HR company see upcoming retirements."))
        rows = selectors.upcoming_retirements(request.user, timezone.localdate())
        return Response(SeparationRetirementSerializer([
            {"member": {"id": m.pk, "name": m.name}, "unit": m.unit.name, "birth_date": m.birth_date,
             "sex": m.sex, "retirement_date": d.date, "retirement_age": d.label, "propose_on": d.propose_on}
            for m, d in rows], many=True).data)
