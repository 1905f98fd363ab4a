"""§5.2.1 REST API for recruitment (招聘): the pages' selectors and services behind JSON.

- ``/api/v1/recruitment/plans/``: plans you may see (GET), draft one (POST, the bureau); ``/<id>/`` one plan;
  ``/<id>/move/`` submit / approve / return / post / close (POST); ``/<id>/applications/`` its applications
  (GET) or enter one (POST, the bureau; screened at once); ``/<id>/propose/`` propose the next in rank for
  the free places; ``/<id>/publicity/`` start the 公示 (POST ``start``).
- ``/api/v1/recruitment/applications/<id>/``: one application; ``/scores/``, ``/checks/``, ``/objections/``
  (record), ``/decide-objection/``, ``/hire/`` (the HR company: contract + roster member).
- ``/api/v1/recruitment/probation-reviews/``: reviews (bureau, HR company); ``/<id>/sign/``, ``/<id>/fail/``.

Answers: a move out of order → 409 with the message; a party without authority → 403; bad input → 400
with Chinese messages per field; an object outside your scope → 404, the same as one that does not exist;
anonymous → 401/403. ID and phone numbers are masked for roles that do not see personal data.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from auxpost.recruitment import rules, selectors, services
from auxpost.recruitment.models import Application, HiringPlan, ProbationReview


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "out of order"
    default_code = "out_of_order"


def call(fn, **kwargs):
    """Run a service: out of order → 409, not this party's step → 403, bad input → 400 (Chinese, per field)."""
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


class RecruitmentPlanSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = HiringPlan
        fields = ["id", "unit", "unit_name", "year", "title", "positions", "work_line", "posting_text",
                  "publish_date", "deadline", "status", "status_label"]


class RecruitmentPlanInputSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    year = serializers.IntegerField()
    title = serializers.CharField(max_length=200, allow_blank=True)
    positions = serializers.IntegerField()
    work_line = serializers.IntegerField(required=False, allow_null=True)
    posting_text = serializers.CharField(required=False, allow_blank=True)
    publish_date = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    deadline = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class RecruitmentMoveSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(rules.PLAN_MOVES))
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RecruitmentApplicationSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "plan", "name", "id_number", "sex", "phone", "education", "applied_on",
                  "no_criminal_record", "not_dismissed", "status", "status_label", "reasons", "exam_score",
                  "interview_score", "fitness_score", "total_score", "rank", "health_check", "health_note",
                  "background_check", "background_note", "publicity_start", "publicity_end", "member"]

    def _view(self):
        return self.context["view_personal"]

    def get_id_number(self, a) -> str:
        return self._view().id_number(a)

    def get_phone(self, a) -> str:
        return self._view().phone(a)


class RecruitmentApplicationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True)
    id_number = serializers.CharField(max_length=30, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    education = serializers.CharField(max_length=20, allow_blank=True)
    applied_on = serializers.CharField(max_length=20, allow_blank=True)
    no_criminal_record = serializers.CharField(max_length=10, allow_blank=True, help_text="是/否 (or true/false)")
    not_dismissed = serializers.CharField(max_length=10, allow_blank=True, help_text="是/否 (or true/false)")


class RecruitmentScoresSerializer(serializers.Serializer):
    exam = serializers.CharField(max_length=10)
    interview = serializers.CharField(max_length=10)
    fitness = serializers.CharField(max_length=10)


class RecruitmentChecksSerializer(serializers.Serializer):
    health = serializers.ChoiceField(choices=["", "pass", "fail"], required=False, default="")
    health_note = serializers.CharField(required=False, allow_blank=True, default="")
    background = serializers.ChoiceField(choices=["", "pass", "fail"], required=False, default="")
    background_note = serializers.CharField(required=False, allow_blank=True, default="")


class RecruitmentPublicitySerializer(serializers.Serializer):
    start = serializers.DateField()


class RecruitmentObjectionSerializer(serializers.Serializer):
    text = serializers.CharField()
    objector = serializers.CharField(required=False, allow_blank=True, default="")
    received_on = serializers.DateField(required=False, allow_null=True, default=None)


class RecruitmentDecideSerializer(serializers.Serializer):
    objection = serializers.IntegerField()
    upheld = serializers.BooleanField()
    note = serializers.CharField()


class RecruitmentContractSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    start_date = serializers.CharField(max_length=20)
    end_date = serializers.CharField(max_length=20)
    probation_end = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)


class RecruitmentReviewSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    bureau_signed = serializers.SerializerMethodField()
    hr_signed = serializers.SerializerMethodField()

    class Meta:
        model = ProbationReview
        fields = ["id", "member", "member_name", "contract", "contract_number", "probation_end", "status",
                  "bureau_signed", "bureau_signed_at", "hr_signed", "hr_signed_at", "failure_reason", "decided_on"]

    def get_bureau_signed(self, r) -> str | None:
        return r.bureau_signed_by.get_username() if r.bureau_signed_by_id else None

    def get_hr_signed(self, r) -> str | None:
        return r.hr_signed_by.get_username() if r.hr_signed_by_id else None


class RecruitmentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def _need_plans(user):
    if not selectors.sees_plans(user):
        raise PermissionDenied("没有查看招聘的权限")


class RecruitmentPlanViewSet(viewsets.GenericViewSet):
    serializer_class = RecruitmentPlanSerializer
    queryset = HiringPlan.objects.none()

    def _apps(self, request, qs, many=True):
        ctx = {"view_personal": selectors.ApplicantView(request.user)}
        return RecruitmentApplicationSerializer(qs, many=many, context=ctx).data

    @extend_schema(summary="Hiring plans you may see")
    def list(self, request):
        _need_plans(request.user)
        page = self.paginate_queryset(selectors.plans_for(request.user).order_by("-year", "-pk"))
        return self.get_paginated_response(RecruitmentPlanSerializer(page, many=True).data)

    @extend_schema(summary="Draft a hiring plan (the bureau)", request=RecruitmentPlanInputSerializer)
    def create(self, request):
        data = RecruitmentPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = call(services.plan_create, actor=request.user, data=dict(data.validated_data))
        return Response(RecruitmentPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One hiring plan")
    def retrieve(self, request, pk=None):
        return Response(RecruitmentPlanSerializer(selectors.plan_for(request.user, pk)).data)

    @extend_schema(summary="Move the plan: submit, approve, return, post, close", request=RecruitmentMoveSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        plan = selectors.plan_for(request.user, pk)
        data = RecruitmentMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = call(services.plan_move, actor=request.user, plan=plan, **data.validated_data)
        return Response(RecruitmentPlanSerializer(selectors.plan_for(request.user, plan.pk)).data)

    @extend_schema(summary="The plan's applications (GET); enter one (POST, the bureau; screened at once)",
                   request=RecruitmentApplicationInputSerializer)
    @action(detail=True, methods=["get", "post"])
    def applications(self, request, pk=None):
        plan = selectors.plan_for(request.user, pk)
        if request.method == "POST":
            data = RecruitmentApplicationInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            app = call(services.application_create, actor=request.user, plan=plan, data=dict(data.validated_data))
            return Response(self._apps(request, app, many=False), status=status.HTTP_201_CREATED)
        qs = selectors.applications_for(request.user, plan).order_by("rank", "pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self._apps(request, page))

    @extend_schema(summary="Propose the next in rank for the free places (the bureau)", request=None)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        plan = selectors.plan_for(request.user, pk)
        apps = call(services.plan_propose, actor=request.user, plan=plan)
        return Response(self._apps(request, apps))

    @extend_schema(summary="Start the 公示 of the proposed hires who passed both checks (the bureau)",
                   request=RecruitmentPublicitySerializer)
    @action(detail=True, methods=["post"])
    def publicity(self, request, pk=None):
        plan = selectors.plan_for(request.user, pk)
        data = RecruitmentPublicitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        apps = call(services.publicity_start, actor=request.user, plan=plan, start=data.validated_data["start"])
        return Response(self._apps(request, apps))


class RecruitmentApplicationViewSet(viewsets.GenericViewSet):
    serializer_class = RecruitmentApplicationSerializer
    queryset = Application.objects.none()

    def _one(self, request, pk):
        app = selectors.application_for(request.user, pk)
        return Response(RecruitmentApplicationSerializer(
            app, context={"view_personal": selectors.ApplicantView(request.user)}).data)

    @extend_schema(summary="One application with its screening reasons, scores, rank, checks and 公示")
    def retrieve(self, request, pk=None):
        return self._one(request, pk)

    @extend_schema(summary="Enter the scores (the bureau)", request=RecruitmentScoresSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        app = selectors.application_for(request.user, pk)
        data = RecruitmentScoresSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call(services.scores_set, actor=request.user, application=app, **data.validated_data)
        return self._one(request, pk)

    @extend_schema(summary="Record the health and background checks (the bureau)", request=RecruitmentChecksSerializer)
    @action(detail=True, methods=["post"])
    def checks(self, request, pk=None):
        app = selectors.application_for(request.user, pk)
        data = RecruitmentChecksSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call(services.checks_record, actor=request.user, application=app, **data.validated_data)
        return self._one(request, pk)

    @extend_schema(summary="Record an objection received during the 公示 (the bureau)",
                   request=RecruitmentObjectionSerializer)
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        app = selectors.application_for(request.user, pk)
        data = RecruitmentObjectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call(services.objection_record, actor=request.user, application=app, **data.validated_data)
        return self._one(request, pk)

    @extend_schema(summary="Decide an objection (the bureau): upheld drops the applicant",
                   request=RecruitmentDecideSerializer)
    @action(detail=True, methods=["post"], url_path="decide-objection")
    def decide_objection(self, request, pk=None):
        app = selectors.application_for(request.user, pk)
        data = RecruitmentDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = app.objections.filter(pk=data.validated_data["objection"]).first()
        if objection is None:
            raise NotFound
        call(services.objection_decide, actor=request.user, objection=objection,
             upheld=data.validated_data["upheld"], note=data.validated_data["note"])
        return self._one(request, pk)

    @extend_schema(summary="Hire: the dispatch contract and the roster member (the HR company)",
                   request=RecruitmentContractSerializer)
    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        app = selectors.application_for(request.user, pk)
        data = RecruitmentContractSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call(services.hire, actor=request.user, application=app, data=dict(data.validated_data))
        return self._one(request, pk)


class RecruitmentReviewViewSet(viewsets.GenericViewSet):
    serializer_class = RecruitmentReviewSerializer
    queryset = ProbationReview.objects.none()

    @extend_schema(summary="Probation reviews (the bureau, the HR company)")
    def list(self, request):
        if not selectors.sees_reviews(request.user):
            raise PermissionDenied("没有查看试用期考核的权限")
        qs = selectors.reviews_for(request.user).order_by("status", "probation_end", "pk")
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(RecruitmentReviewSerializer(page, many=True).data)

    @extend_schema(summary="One probation review")
    def retrieve(self, request, pk=None):
        return Response(RecruitmentReviewSerializer(selectors.review_for(request.user, pk)).data)

    @extend_schema(summary="Sign the 五级 confirmation (bureau or HR company; both needed)", request=None)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        review = selectors.review_for(request.user, pk)
        call(services.review_sign, actor=request.user, review=review)
        return Response(RecruitmentReviewSerializer(selectors.review_for(request.user, pk)).data)

    @extend_schema(summary="Record a failed probation (Art. 39(1)); it goes to the separation flow",
                   request=RecruitmentReasonSerializer)
    @action(detail=True, methods=["post"])
    def fail(self, request, pk=None):
        review = selectors.review_for(request.user, pk)
        data = RecruitmentReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call(services.review_fail, actor=request.user, review=review, reason=data.validated_data["reason"])
        return Response(RecruitmentReviewSerializer(selectors.review_for(request.user, pk)).data)
