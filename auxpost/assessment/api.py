"""§7 REST API for assessment: the same selectors and services as the pages.

- ``/api/v1/assessment/monthly/``: monthly scores (list scoped; POST upserts a scorecard);
- ``/api/v1/assessment/rounds/``: 集中考核 rounds (bureau: all, assessor: its own; POST creates,
  ``/<id>/close/`` closes);
- ``/api/v1/assessment/scores/<id>/``: a candidate's score (GET; PUT/PATCH enters components);
- ``/api/v1/assessment/annual/?year=``: annual results (scoped); ``POST .../compute/``,
  ``.../confirm/`` (bureau), ``.../<id>/review/``.

An object outside the caller's scope is the same 404 as one that does not exist; a role that may
not use an endpoint at all gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from auxpost.accounts import scope
from auxpost.accounts.models import Role
from auxpost.assessment.models import AnnualResult, MonthlyScore, ResultStatus, SkillsRound, SkillsScore
from auxpost.assessment.selectors import (
    BUREAU_ROLES,
    REVIEWER_ROLES,
    SCORER_ROLES,
    annual_results_visible_to,
    can_review,
    monthly_scores_visible_to,
    parse_month,
    round_get_for,
    rounds_visible_to,
    scorable_member_get,
    score_get_for,
    scores_visible_to,
)
from auxpost.assessment.services import (
    annual_result_review,
    annual_results_confirm,
    annual_results_record,
    monthly_score_save,
    skills_round_close,
    skills_round_create,
    skills_score_enter,
)
from auxpost.org.models import Organisation, Unit


def drf_error(exc: DjangoValidationError) -> DRFValidationError:
    """A service's ValidationError as a 400 with the same (Chinese) messages, keyed by field."""
    if hasattr(exc, "error_dict"):
        return DRFValidationError(exc.message_dict)
    return DRFValidationError({"non_field_errors": exc.messages})


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise drf_error(exc) from None
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None


# --- monthly ------------------------------------------------------------------------------------


class MonthlyScoreSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    month = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyScore
        fields = ["id", "member", "member_name", "month", "scores", "prefill", "adjustments", "total", "source",
                  "policy_version", "scored_at"]

    def get_month(self, obj) -> str:
        return f"{obj.month:%Y-%m}"


class MonthlyScoreWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    month = serializers.CharField(help_text="YYYY-MM")
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2))
    reasons = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)

    def validate_month(self, value):
        month = parse_month(value)
        if month is None:
            raise serializers.ValidationError("年月应写成YYYY-MM，例如2026-03")
        return month


class MonthlyScoreViewSet(viewsets.GenericViewSet):
    """§7.2 monthly 日常考核 scores: list (scoped; ``?month=YYYY-MM``, ``?member=ID``), upsert (POST)."""

    serializer_class = MonthlyScoreSerializer

    def get_queryset(self):
        return monthly_scores_visible_to(self.request.user).select_related("member").order_by("-month", "member_id")

    def list(self, request):
        qs = self.get_queryset()
        month = parse_month(request.query_params.get("month", ""))
        if month is not None:
            qs = qs.filter(month=month)
        if (member := request.query_params.get("member", "")).isdigit():
            qs = qs.filter(member_id=int(member))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MonthlyScoreSerializer(page, many=True).data)

    def create(self, request):
        if not scope.has_role(request.user, *SCORER_ROLES):
            raise PermissionDenied
        ser = MonthlyScoreWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        member = scorable_member_get(request.user, ser.validated_data["member"])
        existed = MonthlyScore.objects.filter(member=member, month=ser.validated_data["month"]).exists()
        obj = _call(monthly_score_save, member=member, month=ser.validated_data["month"],
                    scores=ser.validated_data["scores"], reasons=ser.validated_data["reasons"],
                    scorer=request.user, at=timezone.now())
        return Response(MonthlyScoreSerializer(obj).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


# --- rounds and scores ----------------------------------------------------------------------------


class SkillsRoundSerializer(serializers.ModelSerializer):
    assessor_name = serializers.CharField(source="assessor.name", read_only=True, default=None)

    class Meta:
        model = SkillsRound
        fields = ["id", "year", "batch", "name", "assessor", "assessor_name", "status", "policy_version", "created_at"]


class SkillsRoundWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    batch = serializers.IntegerField()
    name = serializers.CharField(max_length=100)
    assessor = serializers.IntegerField()
    unit = serializers.IntegerField(required=False, allow_null=True)


class SkillsScoreSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = SkillsScore
        fields = ["id", "round", "member", "member_name", "year", "components", "composite", "source", "entered_at"]


class SkillsScoreWriteSerializer(serializers.Serializer):
    components = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2))


def _check_round_roles(user):
    if not scope.has_role(user, *BUREAU_ROLES, Role.ASSESSOR):
        raise PermissionDenied


class SkillsRoundViewSet(viewsets.GenericViewSet):
    """§7.1 集中考核 rounds: bureau sees all, an assessor only its organisation's."""

    serializer_class = SkillsRoundSerializer

    def get_queryset(self):
        return rounds_visible_to(self.request.user).select_related("assessor").order_by("-year", "-batch", "pk")

    def list(self, request):
        _check_round_roles(request.user)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SkillsRoundSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        _check_round_roles(request.user)
        return Response(SkillsRoundSerializer(round_get_for(request.user, pk)).data)

    def create(self, request):
        if not scope.has_role(request.user, *BUREAU_ROLES):
            raise PermissionDenied
        ser = SkillsRoundWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        assessor = Organisation.objects.filter(pk=d["assessor"]).first()
        unit = None
        if d.get("unit"):
            unit = Unit.objects.filter(pk=d["unit"]).first()
            if unit is None:
                raise DRFValidationError({"unit": ["单位不存在"]})
        rnd = _call(skills_round_create, year=d["year"], batch=d["batch"], name=d["name"], assessor=assessor,
                    unit=unit, by=request.user, at=timezone.now())
        return Response(SkillsRoundSerializer(rnd).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        _check_round_roles(request.user)
        rnd = round_get_for(request.user, pk)
        rnd = _call(skills_round_close, round=rnd, by=request.user, at=timezone.now())
        return Response(SkillsRoundSerializer(rnd).data)

    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        _check_round_roles(request.user)
        rnd = round_get_for(request.user, pk)
        page = self.paginate_queryset(rnd.scores.select_related("member").order_by("member__name", "member_id"))
        return self.get_paginated_response(SkillsScoreSerializer(page, many=True).data)


class SkillsScoreViewSet(viewsets.GenericViewSet):
    """§7.2 one candidate's 集中考核 score: read, enter components (PUT/PATCH)."""

    serializer_class = SkillsScoreSerializer

    def get_queryset(self):
        return scores_visible_to(self.request.user)

    def retrieve(self, request, pk=None):
        _check_round_roles(request.user)
        return Response(SkillsScoreSerializer(score_get_for(request.user, pk)).data)

    def update(self, request, pk=None):
        _check_round_roles(request.user)
        score = score_get_for(request.user, pk)
        ser = SkillsScoreWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        score = _call(skills_score_enter, score=score, components=ser.validated_data["components"],
                      by=request.user, at=timezone.now())
        return Response(SkillsScoreSerializer(score).data)

    partial_update = update


# --- annual results ------------------------------------------------------------------------------


class AnnualResultSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = AnnualResult
        fields = ["id", "member", "member_name", "year", "cap_unit", "composite", "band", "rank", "unit_size",
                  "monthly_mean", "skills_mean", "annual_points", "explanation", "reasons", "status",
                  "policy_version", "computed_at", "reviewed_at", "confirmed_at"]


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    unit = serializers.IntegerField(required=False, allow_null=True)


class AnnualResultViewSet(viewsets.GenericViewSet):
    """§7.3 annual results: list (scoped, ``?year=``, ``?status=``, ``?band=``), compute, confirm, review."""

    serializer_class = AnnualResultSerializer

    def get_queryset(self):
        return annual_results_visible_to(self.request.user).select_related("member").order_by("cap_unit_id", "rank",
                                                                                               "member_id")

    def list(self, request):
        qs = self.get_queryset()
        if (year := request.query_params.get("year", "")).isdigit():
            qs = qs.filter(year=int(year))
        if (st := request.query_params.get("status", "")) in ResultStatus.values:
            qs = qs.filter(status=st)
        if band := request.query_params.get("band", ""):
            qs = qs.filter(band=band)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(AnnualResultSerializer(page, many=True).data)

    @action(detail=False, methods=["post"])
    def compute(self, request):
        if not scope.has_role(request.user, *BUREAU_ROLES):
            raise PermissionDenied
        ser = YearSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        counts = _call(annual_results_record, year=ser.validated_data["year"], by=request.user, at=timezone.now())
        return Response(counts)

    @action(detail=False, methods=["post"])
    def confirm(self, request):
        if not scope.has_role(request.user, *BUREAU_ROLES):
            raise PermissionDenied
        ser = YearSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        unit = None
        if ser.validated_data.get("unit"):
            unit = Unit.objects.filter(pk=ser.validated_data["unit"]).first()
            if unit is None:
                raise DRFValidationError({"unit": ["单位不存在"]})
        n = _call(annual_results_confirm, year=ser.validated_data["year"], unit=unit, by=request.user,
                  at=timezone.now())
        return Response({"confirmed": n})

    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        if not scope.has_role(request.user, *REVIEWER_ROLES):
            raise PermissionDenied
        try:
            result = self.get_queryset().get(pk=int(pk))
        except (AnnualResult.DoesNotExist, TypeError, ValueError):
            raise Http404 from None
        if not can_review(request.user, result):
            raise Http404
        result = _call(annual_result_review, result=result, by=request.user, at=timezone.now())
        return Response(AnnualResultSerializer(result).data)
