"""§9 REST API: ``GET /api/v1/incentives/paysheet?year=YYYY[&month=M]`` — the pay sheet as JSON.

Scope (§3): the administrator, the bureau and the HR company get every member in their scope; a member
gets only their own row; line managers, the staffing office, assessors and users without a role get
403 (they do not see pay). Each call is logged as a personal-data export (§11): rows carry full ID
numbers and pay. Amounts are decimal strings.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from auxpost.incentives.selectors import (
    PeriodError,
    can_see_all_pay,
    check_period,
    pay_members_for,
    paysheet_compute,
)
from auxpost.incentives.services import paysheet_log_export
from auxpost.policy.selectors import PolicyNotFound


class PayRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    name = serializers.CharField()
    id_number = serializers.CharField()
    unit = serializers.CharField()
    grade = serializers.IntegerField(allow_null=True, help_text="Grade held on the period's last day, 5…1.")
    band = serializers.CharField(allow_null=True, help_text="The year's annual result: excellent, pass, basic, fail.")
    months = serializers.ListField(child=serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True),
                                   help_text="Twelve monthly allowances; null after the last month asked for.")
    allowance_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    bonus = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    remarks = serializers.ListField(child=serializers.CharField())


class SummarySerializer(serializers.Serializer):
    grade = serializers.IntegerField(allow_null=True)
    grade_label = serializers.CharField()
    band = serializers.CharField(allow_null=True)
    band_label = serializers.CharField()
    count = serializers.IntegerField()
    allowance_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    bonus_total = serializers.DecimalField(max_digits=14, decimal_places=2)


class PaySheetSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    last_month = serializers.IntegerField()
    policy_versions = serializers.CharField(source="versions_text")
    rows = PayRowSerializer(many=True)
    summary = SummarySerializer(many=True)
    totals = SummarySerializer(source="total")


class PaySheetView(APIView):
    @extend_schema(
        summary="§9 pay sheet of a year: monthly grade allowances, annual bonuses, sums by grade and result",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.QUERY, required=True),
            OpenApiParameter("month", OpenApiTypes.INT, OpenApiParameter.QUERY,
                             description="Last month to include (1-12, default 12; the bonus only for 12)."),
        ],
        responses=PaySheetSerializer,
    )
    def get(self, request):
        user = request.user
        members = pay_members_for(user)
        if members is None:
            raise PermissionDenied
        if request.query_params.get("year") in (None, ""):
            raise ValidationError({"year": ["年度：必填，例如 year=2025"]})
        try:
            year, month = check_period(request.query_params["year"], request.query_params.get("month"),
                                       today=timezone.localdate())
        except PeriodError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from None
        try:
            sheet = paysheet_compute(year=year, last_month=month, members=members)
        except PolicyNotFound as exc:
            raise ValidationError({"year": [exc.message]}) from None
        paysheet_log_export(actor=user, sheet=sheet, fmt="json",
                            scope_text="api: all in scope" if can_see_all_pay(user) else "api: self")
        return Response(PaySheetSerializer(sheet).data)
