"""§5.3.5 着装 REST API (``/api/v1/uniform/...``), scoped like the pages.

- ``inspections/`` (GET: the inspections the caller sees, ``?month=YYYY-MM&unit=&member=&failed=1``;
  POST: one member's inspection ``{"member", "date", "failed": [codes], "notes": {code: text}}``, photos as
  multipart ``photos``; a leader with scope over the member, never of themself);
- ``inspections/<id>/``;
- ``stats/?month=YYYY-MM&unit=`` the pass rate per unit (staff roles).

Bad input → 400 with Chinese messages per field; an object outside your scope → 404; a role that may not
inspect → 403; anonymous → 401/403.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from auxpost.files.forms import clean_uploads
from auxpost.files.models import IMAGE_TYPES
from auxpost.org.models import Unit
from auxpost.people.models import Member
from auxpost.uniform import selectors
from auxpost.uniform.models import Inspection
from auxpost.uniform.services import Entry, inspection_record


def _month(raw) -> dt.date | None:
    if not raw:
        return None
    try:
        y, m = str(raw).split("-")
        return dt.date(int(y), int(m), 1)
    except ValueError:
        raise DRFValidationError({"month": ["月份：格式应为YYYY-MM"]}) from None


def _unit(user, raw) -> Unit | None:
    if not raw:
        return None
    try:
        return selectors.units_visible_to(user, roles_allowed=selectors.STAFF_ROLES).get(pk=int(raw))
    except (Unit.DoesNotExist, ValueError):
        raise Http404 from None


class UniformInspectionSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name")
    inspector_name = serializers.CharField(source="inspector.__str__")
    failed_items = serializers.SerializerMethodField()
    photos = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "member", "member_name", "unit", "date", "inspected_at", "inspector", "inspector_name",
                  "failed_count", "failed_items", "photos", "revision", "correction_reason", "points_origin"]

    def get_failed_items(self, obj) -> list[dict]:
        return [{"code": c, "name": n, "note": note} for c, n, note in obj.failed_items()]


class UniformInspectionInSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    date = serializers.DateField(required=False)
    failed = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    notes = serializers.DictField(child=serializers.CharField(max_length=200, allow_blank=True), required=False,
                                  default=dict)


class UniformInspectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UniformInspectionSerializer
    queryset = Inspection.objects.none()  # for the schema only

    @extend_schema(summary="§5.3.5 uniform inspections the caller sees (a member: own)",
                   parameters=[OpenApiParameter("month", str, description="YYYY-MM"), OpenApiParameter("unit", int),
                               OpenApiParameter("member", int), OpenApiParameter("failed", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return selectors.inspections_visible_to(user).select_related("member", "inspector").prefetch_related(
                "photos")
        p = self.request.query_params
        member = None
        if p.get("member"):
            try:
                member = Member.objects.get(pk=int(p["member"]))
            except (Member.DoesNotExist, ValueError):
                raise Http404 from None
        return selectors.inspection_list(user, month=_month(p.get("month")), unit=_unit(user, p.get("unit")),
                                         member=member, failed_only=p.get("failed") == "1").prefetch_related("photos")

    @extend_schema(summary="§5.3.5 record one member's uniform inspection (a leader with scope; photos as multipart)",
                   request=UniformInspectionInSerializer, responses={201: UniformInspectionSerializer})
    def create(self, request):
        user = request.user
        if not selectors.can_inspect(user):
            raise PermissionDenied
        data = request.data
        if hasattr(data, "getlist"):  # multipart: failed may repeat, notes as notes.<code>
            data = {"member": data.get("member"), "date": data.get("date") or None, "failed": data.getlist("failed"),
                    "notes": {k[6:]: v for k, v in data.items() if k.startswith("notes.")}}
            if data["date"] is None:
                del data["date"]
        s = UniformInspectionInSerializer(data=data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        try:
            member = selectors.inspectable_members(user).select_related("unit").get(pk=v["member"])
        except Member.DoesNotExist:
            raise Http404 from None
        try:
            photos = clean_uploads(request.FILES.getlist("photos"), types=IMAGE_TYPES, max_files=6)
            rows = inspection_record(actor=user, date=v.get("date") or timezone.localdate(), at=timezone.now(),
                                     entries=[Entry(member=member, failed=v["failed"], notes=v["notes"],
                                                    photos=photos)])
        except DjangoValidationError as exc:
            raise DRFValidationError(exc.message_dict if hasattr(exc, "error_dict")
                                     else {"photos": exc.messages}) from None
        return Response(UniformInspectionSerializer(rows[0]).data, status=201)


class UniformUnitStatSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    name = serializers.CharField()
    inspections = serializers.IntegerField(source="rate.inspections")
    passed = serializers.IntegerField(source="rate.passed")
    failed_items = serializers.IntegerField(source="rate.failed_items")
    pass_rate = serializers.IntegerField(source="rate.rate", allow_null=True)


class UniformStatsView(APIView):
    @extend_schema(summary="§5.3.5 pass rate per unit in a month (staff roles)",
                   parameters=[OpenApiParameter("month", str, description="YYYY-MM"), OpenApiParameter("unit", int)],
                   responses=UniformUnitStatSerializer(many=True))
    def get(self, request):
        user = request.user
        if not selectors.can_view_units(user):
            raise PermissionDenied
        month = _month(request.query_params.get("month")) or timezone.localdate().replace(day=1)
        stats, _total = selectors.unit_stats(user, month=month, unit=_unit(user, request.query_params.get("unit")))
        return Response(UniformUnitStatSerializer(stats, many=True).data)
