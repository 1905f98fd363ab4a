"""§6/§7/§10 REST API, read-only: the policy versions and their three documents (SPEC §12).

Same readers as the pages: administrator, staffing office, bureau, line managers, HR company; drafts
only for the staffing office and the administrator. Others get 403 on the list and 404 on a version.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from auxpost.incentives.rules import incentives_from_dict, incentives_to_dict
from auxpost.policy.daily import daily_from_dict, daily_to_dict
from auxpost.policy.models import PolicyStatus, PolicyVersion
from auxpost.policy.selectors import can_read, version_get_for, versions_visible_to
from auxpost.policy.workforce import workforce_from_dict, workforce_to_dict


class PolicyVersionSerializer(serializers.ModelSerializer):
    """One version: its label, dates, status and the grade (§6), assessment (§7), points (§10) and
    incentives (§9) policies as stored (decimals as strings)."""

    status = serializers.ChoiceField(choices=PolicyStatus.choices)
    based_on = serializers.SlugRelatedField(slug_field="version", read_only=True, allow_null=True)
    grade = serializers.JSONField(help_text="§6 grade policy: requirements per grade (4…1) and the scalar settings.")
    assessment = serializers.JSONField(help_text="§7 assessment policy: indicators, components, weights, bands, "
                                                 "the 优秀 cap and vetoes.")
    points = serializers.JSONField(help_text="§10 points policy: annual_base, floor, ceiling and the rules.")
    incentives = serializers.SerializerMethodField(
        help_text="§9 incentives policy: monthly_allowance per grade (\"5\"…\"1\", RMB), bonus_base (RMB), "
                  "grade_coefficients per grade and result_coefficients per band (excellent, pass, basic, fail); "
                  "decimals as strings. Always the full document (a version stored without one reads as the "
                  "SPEC defaults).")
    workforce = serializers.SerializerMethodField(
        help_text="§5.2 workforce policy: recruitment (min_age, max_age, min_education, weight_exam, "
                  "weight_interview, weight_fitness, pass_score, publicity_working_days, min_contract_years), "
                  "training (induction_hours, annual_hours, promotion_hours, pass_score), certificates "
                  "(validity_years, reminder_days), separation (retirement_notice_days); decimals as strings. "
                  "Always the full document.")
    daily = serializers.SerializerMethodField(
        help_text="§5.3 daily-links policy: shifts (code, name, start, end, break_start, break_end as HH:MM), "
                  "roll_call (grace_minutes, late_minor_minutes, late_major_minutes, late_over_absence_days, "
                  "no_mark_absence_days, proxy_absence_days, opens_minutes_before, max_accuracy_m), duty "
                  "(min_patrol_size, handover_ack_hours), leave (types, approval tiers, hr_copy_over_days, "
                  "report_back_working_days, annual and maternity entitlements), uniform (checklist), meetings "
                  "(kinds); decimals as strings. Always the full document.")

    class Meta:
        model = PolicyVersion
        fields = ["version", "name", "effective_from", "status", "published_at", "based_on", "notes",
                  "grade", "assessment", "points", "incentives", "workforce", "daily"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_incentives(self, pv) -> dict:
        return incentives_to_dict(incentives_from_dict(pv.incentives, version=pv.version))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_workforce(self, pv) -> dict:
        return workforce_to_dict(workforce_from_dict(pv.workforce))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_daily(self, pv) -> dict:
        return daily_to_dict(daily_from_dict(pv.daily))


VERSION_PARAM = OpenApiParameter("version", OpenApiTypes.STR, OpenApiParameter.PATH,
                                 description="The version label, e.g. 1.")


@extend_schema_view(
    list=extend_schema(summary="Policy versions (published; drafts too for the staffing office)"),
    retrieve=extend_schema(summary="One policy version with its three policies", parameters=[VERSION_PARAM]),
)
class PolicyVersionViewSet(viewsets.GenericViewSet):
    serializer_class = PolicyVersionSerializer
    queryset = PolicyVersion.objects.none()  # for the schema; every request uses the caller's scope
    lookup_field = "version"
    lookup_value_regex = r"[A-Za-z0-9._-]+"

    def list(self, request):
        if not can_read(request.user):
            raise PermissionDenied
        qs = versions_visible_to(request.user).select_related("based_on")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(PolicyVersionSerializer(page, many=True).data)

    def retrieve(self, request, version=None):
        return Response(PolicyVersionSerializer(version_get_for(request.user, version)).data)
