"""§4.2 REST API of the post-analysis ledger (``/api/v1/duties/...``), read-only; every role that reads the
page (staff roles and members) reads it, others get 403.

- ``lines/`` the work lines; ``duties/`` the duties (``?work_line=&patrol_category=1&q=``);
  ``duties/patrol-categories/`` the patrol-log issue categories (§5.3);
- ``items/`` the work items (``?duty=&q=``), paginated; ``indicators/`` the 23 post-analysis indicators;
- ``export/`` the whole ledger as .xlsx (the page's export).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from auxpost.duties import selectors
from auxpost.duties.exports import FILENAME, catalogue_workbook
from auxpost.duties.models import Duty, PostIndicator, WorkItem, WorkLine


class CanViewLedger(BasePermission):
    def has_permission(self, request, view) -> bool:
        return selectors.can_view(request.user)


def _int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise ValidationError({field: ["应为整数"]})
    return int(value)


class WorkLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkLine
        fields = ["id", "code", "name", "sort_order"]


class DutySerializer(serializers.ModelSerializer):
    work_line_name = serializers.CharField(source="work_line.name", read_only=True)

    class Meta:
        model = Duty
        fields = ["id", "work_line", "work_line_name", "code", "name", "description", "patrol_category",
                  "sort_order"]


class WorkItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkItem
        fields = ["id", "duty", "code", "name", "standard", "frequency", "sort_order"]


class PostIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostIndicator
        fields = ["id", "code", "name", "category", "description", "scorecard_indicator", "sort_order"]


class WorkLineViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkLineSerializer
    permission_classes = [CanViewLedger]
    pagination_class = None
    queryset = WorkLine.objects.all()


@extend_schema(parameters=[OpenApiParameter("work_line", int), OpenApiParameter("patrol_category", str),
                           OpenApiParameter("q", str)])
class DutyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DutySerializer
    permission_classes = [CanViewLedger]
    pagination_class = None

    def get_queryset(self):
        qs = Duty.objects.select_related("work_line").order_by("work_line__sort_order", "work_line__name",
                                                                "sort_order", "code")
        p = self.request.query_params
        line = _int(p.get("work_line"), "work_line")
        if line is not None:
            qs = qs.filter(work_line_id=line)
        if p.get("patrol_category") in ("1", "true"):
            qs = qs.filter(patrol_category=True)
        q = (p.get("q") or "").strip()
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(description__icontains=q))
        return qs

    @action(detail=False, url_path="patrol-categories")
    def patrol_categories(self, request):
        return Response(DutySerializer(selectors.patrol_categories(), many=True).data)


@extend_schema(parameters=[OpenApiParameter("duty", int), OpenApiParameter("q", str)])
class WorkItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkItemSerializer
    permission_classes = [CanViewLedger]

    def get_queryset(self):
        qs = WorkItem.objects.order_by("duty__work_line__sort_order", "duty__sort_order", "duty__code",
                                       "sort_order", "code")
        p = self.request.query_params
        duty = _int(p.get("duty"), "duty")
        if duty is not None:
            qs = qs.filter(duty_id=duty)
        q = (p.get("q") or "").strip()
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(standard__icontains=q))
        return qs


class PostIndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PostIndicatorSerializer
    permission_classes = [CanViewLedger]
    pagination_class = None
    queryset = PostIndicator.objects.all()


class LedgerExportView(APIView):
    permission_classes = [CanViewLedger]

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY})
    def get(self, request):
        response = HttpResponse(catalogue_workbook(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = content_disposition_header(True, FILENAME)
        return response
