"""§8 REST API for grade evaluation rounds: the pages' selectors and services behind JSON.

- ``/api/v1/evaluation/rounds/``: rounds you may see (GET), open one (POST, the bureau);
  ``/<id>/`` a round with its counts and the moves you may take; ``/<id>/move/`` a round move (POST);
  ``/<id>/candidates/`` its candidates in your scope (GET, filters status / unit / outcome / q);
  ``/<id>/act/`` one step on many candidates (POST: recommend, qualify, approve …);
  ``/<id>/notice/`` the 公示 list (every role, during and after the publicity).
- ``/api/v1/evaluation/candidates/<id>/``: one candidate with reasons, approvals, materials,
  objections and history; ``/move/`` a step (POST); ``/materials/`` supply material (POST);
  ``/objections/`` raise an objection during the 公示 (POST).
- ``/api/v1/evaluation/objections/``: objections (the bureau: all; others: those they raised);
  ``/<id>/decide/`` (POST, the bureau).
- ``/api/v1/evaluation/separation-proposals/``: §7.4 proposals rounds produced (bureau, HR company).

Answers: a move out of order → 409 with the message; a party without authority → 403 with the
message; bad input → 400 with Chinese messages per field; an object outside your scope → 404, the
same as one that does not exist; anonymous → 401/403.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from auxpost.evaluation import rules, selectors, services
from auxpost.evaluation.models import Candidate, EvaluationRound, Objection, SeparationProposal
from auxpost.org.models import Unit


class Conflict(APIException):
    """409: the move is not allowed from the current state (or a guard of the flow refuses it)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "out of order"
    default_code = "out_of_order"


def drf_error(exc: DjangoValidationError) -> DRFValidationError:
    """A service's ValidationError as a 400 with the same (Chinese) messages, keyed by field."""
    if hasattr(exc, "error_dict"):
        return DRFValidationError(exc.message_dict)
    return DRFValidationError({"non_field_errors": exc.messages})


def call(fn, **kwargs):
    """Run a service, mapping its refusals: out of order → 409, not this party's step → 403, bad input → 400."""
    try:
        return fn(**kwargs)
    except rules.MoveRefused as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from None
        raise Conflict(exc.message) from None
    except DjangoValidationError as exc:
        raise drf_error(exc) from None


REFUSALS = {
    400: OpenApiResponse(description="Bad input: Chinese messages per field."),
    403: OpenApiResponse(description="Not this party's step (message in detail), or not logged in."),
    404: OpenApiResponse(description="Not found or outside your scope."),
    409: OpenApiResponse(description="Out of order: not from the current state, or a guard of the flow refuses "
                                     "(message in detail)."),
}


def _responses(ok, code=200):
    return {code: ok, **REFUSALS}


def _read(ok):
    """A read: the object, or 404 (not found or outside your scope)."""
    return {200: ok, 404: REFUSALS[404]}


# --- serializers ---------------------------------------------------------------------------------


class EvaluationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EvaluationActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()


class EvaluationTransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SerializerMethodField()
    acting_as = serializers.CharField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()

    def get_actor(self, t) -> str | None:
        return t.actor.get_username() if t.actor_id else None


class EvaluationRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="annual | initial (首次定级, §8.4a)")
    kind_label = serializers.CharField(source="get_kind_display")
    as_of = serializers.DateField()
    effective_date = serializers.DateField()
    status = serializers.CharField(help_text="open | applications | recommendation | review | approval | publicity | "
                                             "decided | effective | archived | cancelled")
    status_label = serializers.SerializerMethodField()
    policy_version = serializers.CharField()
    headcount = serializers.IntegerField(allow_null=True)
    publicity_days = serializers.IntegerField(allow_null=True)
    publicity_start = serializers.DateField(allow_null=True)
    publicity_end = serializers.DateField(allow_null=True)
    objection_contact = serializers.CharField()
    decision_number = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField()
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_status_label(self, r) -> str:
        return rules.ROUND_LABEL.get(r.status, r.status)

    def get_created_by(self, r) -> str:
        return r.created_by.get_username()


class EvaluationRoundDetailSerializer(EvaluationRoundSerializer):
    counts = serializers.SerializerMethodField(help_text="Candidates you see, per status.")
    actions = serializers.SerializerMethodField(help_text="The round moves you may take now.")
    history = serializers.SerializerMethodField(help_text="The round's recorded moves.")

    @extend_schema_field(EvaluationTransitionSerializer(many=True))
    def get_history(self, r):
        return EvaluationTransitionSerializer(selectors.history(r), many=True).data

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_counts(self, r):
        return selectors.counts_by_status(r, self.context["request"].user)

    @extend_schema_field(EvaluationActionSerializer(many=True))
    def get_actions(self, r):
        return [{"action": a, "label": label} for a, label in selectors.round_actions(self.context["request"].user, r)]


class EvaluationRoundCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    kind = serializers.CharField(max_length=10, default=rules.ANNUAL, help_text="annual | initial")
    as_of = serializers.DateField(help_text="The evaluation date (outcomes are computed as on this date).")
    effective_date = serializers.DateField(help_text="The date the grade changes take effect (§8.5).")
    objection_contact = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class EvaluationRoundMoveSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="compute | close_applications | close_recommendation | close_review | "
                                             "start_publicity | decide | make_effective | archive | cancel")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000,
                                   help_text="Required to cancel.")
    start = serializers.DateField(required=False, allow_null=True, default=None,
                                  help_text="start_publicity: the first day of the 公示 (default today).")
    decision_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                            help_text="decide: the decision's document number.")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="decide: its date.")


class EvaluationReasonSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    required = serializers.CharField()
    actual = serializers.CharField()
    met = serializers.BooleanField()


class EvaluationCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    member = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    from_grade = serializers.IntegerField(allow_null=True, help_text="Grade held when computed (null: ungraded).")
    outcome = serializers.CharField(help_text="promote | keep | demote | separation_proposal | initial")
    outcome_label = serializers.SerializerMethodField()
    target_grade = serializers.IntegerField()
    quota_rank = serializers.IntegerField(allow_null=True)
    decision = serializers.CharField()
    decision_grade = serializers.IntegerField(allow_null=True)
    decision_note = serializers.CharField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(EvaluationRefSerializer)
    def get_member(self, c):
        return {"id": c.member_id, "name": c.member.name}

    @extend_schema_field(EvaluationRefSerializer)
    def get_unit(self, c):
        return {"id": c.unit_id, "name": c.unit.name}

    def get_status_label(self, c) -> str:
        return rules.CANDIDATE_LABEL.get(c.status, c.status)

    def get_outcome_label(self, c) -> str:
        return rules.OUTCOME_LABEL.get(c.outcome, c.outcome)


class EvaluationApprovalSerializer(serializers.Serializer):
    body = serializers.CharField()
    approved = serializers.BooleanField()
    note = serializers.CharField()
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField()

    def get_by(self, a) -> str:
        return a.by.get_username()


class EvaluationMaterialSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    candidate = serializers.IntegerField(source="candidate_id")
    text = serializers.CharField()
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField()

    def get_by(self, m) -> str:
        return m.by.get_username()


class EvaluationObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    candidate = serializers.IntegerField(source="candidate_id")
    received_on = serializers.DateField()
    objector = serializers.CharField()
    text = serializers.CharField()
    recorded_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()
    status = serializers.CharField(help_text="pending | upheld | dismissed")
    decision_note = serializers.CharField()
    decided_by = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_recorded_by(self, o) -> str:
        return o.recorded_by.get_username()

    def get_decided_by(self, o) -> str | None:
        return o.decided_by.get_username() if o.decided_by_id else None


class EvaluationCandidateDetailSerializer(EvaluationCandidateSerializer):
    reasons = EvaluationReasonSerializer(many=True)
    required_bodies = serializers.SerializerMethodField(help_text="§8.1 the bodies that must approve the decision.")
    approvals = serializers.SerializerMethodField()
    materials = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="The steps you may take now.")

    def get_required_bodies(self, c) -> list[str]:
        if not c.decision:
            return []
        return sorted(rules.approving_bodies(c.decision, c.decision_grade or 0))

    @extend_schema_field(EvaluationApprovalSerializer(many=True))
    def get_approvals(self, c):
        return EvaluationApprovalSerializer(c.approvals.select_related("by"), many=True).data

    @extend_schema_field(EvaluationMaterialSerializer(many=True))
    def get_materials(self, c):
        return EvaluationMaterialSerializer(c.materials.select_related("by"), many=True).data

    @extend_schema_field(EvaluationObjectionSerializer(many=True))
    def get_objections(self, c):
        return EvaluationObjectionSerializer(c.objections.select_related("recorded_by", "decided_by"), many=True).data

    @extend_schema_field(EvaluationTransitionSerializer(many=True))
    def get_history(self, c):
        return EvaluationTransitionSerializer(selectors.history(c), many=True).data

    @extend_schema_field(EvaluationActionSerializer(many=True))
    def get_actions(self, c):
        return [{"action": a, "label": label}
                for a, label in selectors.candidate_actions(self.context["request"].user, c)]


class EvaluationCandidateMoveSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="apply | recommend | not_recommend | qualify | disqualify | approve | "
                                             "reject")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000,
                                   help_text="Required for not_recommend, disqualify and reject.")
    body = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="approve/reject: bureau | hr_company | staffing_office, when you act "
                                           "for several.")


class EvaluationBulkMoveSerializer(EvaluationCandidateMoveSerializer):
    candidate_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=100000)


class EvaluationRefusedSerializer(serializers.Serializer):
    candidate = serializers.IntegerField()
    member = serializers.CharField()
    message = serializers.CharField()


class EvaluationBulkResultSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    missing = serializers.IntegerField(help_text="Ids not found in your scope.")
    refused = EvaluationRefusedSerializer(many=True)


class EvaluationMaterialCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, allow_blank=True)


class EvaluationObjectionCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, allow_blank=True)
    objector = serializers.CharField(max_length=400, required=False, allow_blank=True, default="",
                                     help_text="Who objected (the bureau records it; a member files in their name).")
    received_on = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text="The bureau: the day it was received (default today).")


class EvaluationObjectionDecideSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    note = serializers.CharField(max_length=20000, allow_blank=True)


class EvaluationNoticeRowSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(source="pk")
    member = serializers.CharField(source="member.name")
    unit = serializers.CharField(source="unit.name")
    from_grade = serializers.IntegerField(allow_null=True)
    decision = serializers.CharField()
    decision_grade = serializers.IntegerField()
    status = serializers.CharField()


class EvaluationNoticeSerializer(serializers.Serializer):
    round = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    publicity_start = serializers.DateField()
    publicity_end = serializers.DateField()
    publicity_days = serializers.IntegerField()
    objection_contact = serializers.CharField()
    rows = serializers.SerializerMethodField()

    @extend_schema_field(EvaluationNoticeRowSerializer(many=True))
    def get_rows(self, r):
        return EvaluationNoticeRowSerializer(selectors.notice_rows(r), many=True).data


class EvaluationSeparationProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.SerializerMethodField()
    candidate = serializers.IntegerField(source="candidate_id")
    round = serializers.IntegerField(source="candidate.round_id")
    reason = serializers.CharField()
    proposed_on = serializers.DateField()
    taken_up_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(EvaluationRefSerializer)
    def get_member(self, p):
        return {"id": p.member_id, "name": p.member.name}


# --- views ---------------------------------------------------------------------------------------

CANDIDATE_FILTERS = [
    OpenApiParameter("status", str, description="A candidate status."),
    OpenApiParameter("outcome", str, description="promote | keep | demote | separation_proposal | initial"),
    OpenApiParameter("unit", int, description="Unit id: that unit and everything below."),
    OpenApiParameter("q", str, description="Member name (contains)."),
]


def _candidate_detail(request, c, code=status.HTTP_200_OK):
    c = selectors.candidate_for(request.user, c.pk)
    return Response(EvaluationCandidateDetailSerializer(c, context={"request": request}).data, status=code)


class EvaluationRoundViewSet(viewsets.GenericViewSet):
    serializer_class = EvaluationRoundSerializer
    queryset = EvaluationRound.objects.none()

    @extend_schema(summary="Evaluation rounds you may see (newest first)")
    def list(self, request):
        page = self.paginate_queryset(selectors.rounds_for(request.user))
        return self.get_paginated_response(EvaluationRoundSerializer(page, many=True).data)

    @extend_schema(summary="Open a round (the bureau; one active round at a time)",
                   request=EvaluationRoundCreateSerializer, responses=_responses(EvaluationRoundDetailSerializer, 201))
    def create(self, request):
        data = EvaluationRoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rnd = call(services.round_open, actor=request.user, **data.validated_data)
        rnd = selectors.round_for(request.user, rnd.pk)
        return Response(EvaluationRoundDetailSerializer(rnd, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="A round with its counts per status and the moves you may take",
                   responses=_read(EvaluationRoundDetailSerializer))
    def retrieve(self, request, pk=None):
        rnd = selectors.round_for(request.user, pk)
        return Response(EvaluationRoundDetailSerializer(rnd, context={"request": request}).data)

    @extend_schema(summary="Move the round to its next stage (the bureau)", request=EvaluationRoundMoveSerializer,
                   responses=_responses(EvaluationRoundDetailSerializer))
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        rnd = selectors.round_for(request.user, pk)
        data = EvaluationRoundMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rnd = call(services.round_move, actor=request.user, round=rnd, **data.validated_data)
        rnd = selectors.round_for(request.user, rnd.pk)
        return Response(EvaluationRoundDetailSerializer(rnd, context={"request": request}).data)

    @extend_schema(summary="The round's candidates in your scope", parameters=CANDIDATE_FILTERS,
                   responses=EvaluationCandidateSerializer(many=True))
    @action(detail=True, methods=["get"])
    def candidates(self, request, pk=None):
        rnd = selectors.round_for(request.user, pk)
        qs = selectors.candidates_for(request.user, rnd)
        p = request.query_params
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("outcome"):
            qs = qs.filter(outcome=p["outcome"])
        if p.get("unit"):
            unit = Unit.objects.filter(pk=p["unit"]).first() if p["unit"].isdigit() else None
            qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
        if p.get("q"):
            qs = qs.filter(Q(member__name__icontains=p["q"].strip()))
        page = self.paginate_queryset(qs.order_by("unit__path", "member__name", "pk"))
        return self.get_paginated_response(EvaluationCandidateSerializer(page, many=True).data)

    @extend_schema(summary="The round's 公示 notice (every role, during and after the publicity)",
                   responses=_read(EvaluationNoticeSerializer))
    @action(detail=True, methods=["get"])
    def notice(self, request, pk=None):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404 from None
        rnd = EvaluationRound.objects.filter(pk=pk).first()
        if rnd is None or not selectors.can_see_notice(request.user, rnd):
            raise Http404
        return Response(EvaluationNoticeSerializer(rnd).data)

    @extend_schema(summary="One step on many candidates of the round (recommend, qualify, approve …)",
                   request=EvaluationBulkMoveSerializer, responses=_responses(EvaluationBulkResultSerializer))
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        rnd = selectors.round_for(request.user, pk)
        data = EvaluationBulkMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        result = call(services.candidates_act, actor=request.user, round=rnd, candidate_ids=v["candidate_ids"],
                      action=v["action"], reason=v["reason"], body=v["body"] or None)
        return Response(EvaluationBulkResultSerializer({
            "done": result.done, "missing": result.missing,
            "refused": [{"candidate": c.pk, "member": c.member.name, "message": m} for c, m in result.refused]}).data)


class EvaluationCandidateViewSet(viewsets.GenericViewSet):
    serializer_class = EvaluationCandidateDetailSerializer
    queryset = Candidate.objects.none()

    @extend_schema(summary="A candidate: outcome and reasons, approvals, materials, objections, history",
                   responses=_read(EvaluationCandidateDetailSerializer))
    def retrieve(self, request, pk=None):
        return _candidate_detail(request, selectors.candidate_for(request.user, pk))

    @extend_schema(summary="Take a step on the candidate (apply, recommend, review, approve …)",
                   request=EvaluationCandidateMoveSerializer, responses=_responses(EvaluationCandidateDetailSerializer))
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        c = selectors.candidate_for(request.user, pk)
        data = EvaluationCandidateMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        c = call(services.candidate_act, actor=request.user, candidate=c, action=v["action"], reason=v["reason"],
                 body=v["body"] or None)
        return _candidate_detail(request, c)

    @extend_schema(summary="Supply material for your case (the member; the bureau for them)",
                   request=EvaluationMaterialCreateSerializer, responses=_responses(EvaluationMaterialSerializer, 201))
    @action(detail=True, methods=["post"])
    def materials(self, request, pk=None):
        c = selectors.candidate_for(request.user, pk)
        data = EvaluationMaterialCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        m = call(services.material_add, actor=request.user, candidate=c, text=data.validated_data["text"])
        return Response(EvaluationMaterialSerializer(m).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Raise an objection against a decision on the 公示 (during the publicity)",
                   request=EvaluationObjectionCreateSerializer,
                   responses=_responses(EvaluationObjectionSerializer, 201))
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        try:
            c = selectors.candidate_for(request.user, pk)
        except Http404:  # not yours — it may still be on a notice you may see
            c = selectors.notice_candidate_for(request.user, pk)
        data = EvaluationObjectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        o = call(services.objection_record, actor=request.user, candidate=c, text=v["text"], objector=v["objector"],
                 received_on=v["received_on"])
        o = Objection.objects.select_related("recorded_by", "decided_by").get(pk=o.pk)
        return Response(EvaluationObjectionSerializer(o).data, status=status.HTTP_201_CREATED)


class EvaluationObjectionViewSet(viewsets.GenericViewSet):
    serializer_class = EvaluationObjectionSerializer
    queryset = Objection.objects.none()

    @extend_schema(summary="Objections (the bureau: all; others: those you raised)",
                   parameters=[OpenApiParameter("round", int), OpenApiParameter("status", str,
                                                                               enum=["pending", "upheld", "dismissed"])])
    def list(self, request):
        qs = selectors.objections_for(request.user)
        p = request.query_params
        if p.get("round", "").isdigit():
            qs = qs.filter(candidate__round_id=int(p["round"]))
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        page = self.paginate_queryset(qs.order_by("-recorded_at", "-pk"))
        return self.get_paginated_response(EvaluationObjectionSerializer(page, many=True).data)

    @extend_schema(summary="Decide an objection (the bureau; upheld → the candidate is withdrawn)",
                   request=EvaluationObjectionDecideSerializer, responses=_responses(EvaluationObjectionSerializer))
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        o = selectors.objection_for(request.user, pk)
        data = EvaluationObjectionDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        o = call(services.objection_decide, actor=request.user, objection=o, upheld=data.validated_data["upheld"],
                 note=data.validated_data["note"])
        o = Objection.objects.select_related("recorded_by", "decided_by").get(pk=o.pk)
        return Response(EvaluationObjectionSerializer(o).data)


class EvaluationSeparationProposalViewSet(viewsets.GenericViewSet):
    serializer_class = EvaluationSeparationProposalSerializer
    queryset = SeparationProposal.objects.none()

    @extend_schema(summary="§7.4 separation proposals produced by rounds (the bureau, the HR company)")
    def list(self, request):
        from auxpost.accounts import scope

        if not scope.has_role(request.user, *selectors.SEPARATION_ROLES):
            raise PermissionDenied(_("Only the bureau and the HR company see separation proposals."))
        page = self.paginate_queryset(selectors.separation_proposals_for(request.user))
        return self.get_paginated_response(EvaluationSeparationProposalSerializer(page, many=True).data)
