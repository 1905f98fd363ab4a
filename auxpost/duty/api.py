"""§5.3.1 / §5.3.6 REST API (``/api/v1/duty/...``), scoped like the pages.

- ``areas/`` (GET) duty areas the caller reads, with their sites;
- ``rosters/`` (GET ``?team=&from=&to=``; POST ``{"team", "day", "shift_code", "area", "note",
  "members": [{"member", "group"}]}``), ``rosters/<id>/``: the leaders of the team and above, the bureau;
- ``marks/`` (GET ``?day=&member=``) marks of the members the caller sees (a member: their own);
- ``checkins/`` (POST ``{"lat", "lng", "accuracy_m", "coord_system"}``): the member's phone check-in,
  201 with the mark; 400 with a Chinese reason (outside the geofence, poor accuracy, not rostered,
  already marked).

Token or session authentication. Bad input → 400 with Chinese messages per field; an object outside
the caller's scope → 404; a role that may not act → 403; anonymous → 401/403.
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

from auxpost.duty import selectors, services
from auxpost.duty.models import DutyArea, GeofenceSite, Mark, Roster
from auxpost.people.models import ON_ROSTER, Member


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise DRFValidationError(exc.message_dict) from None
        raise DRFValidationError({"non_field_errors": exc.messages}) from None


def _date_param(request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise DRFValidationError({name: ["日期格式应为 YYYY-MM-DD"]}) from None


# ------------------------------------------------------------------------------------------ serializers

class DutySiteSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="circle | polygon")
    coord_system = serializers.CharField(help_text="wgs84 | gcj02 (as entered)")

    class Meta:
        model = GeofenceSite
        fields = ["id", "name", "kind", "coord_system", "center_lat", "center_lng", "radius_m", "polygon"]


class DutyAreaSerializer(serializers.ModelSerializer):
    sites = DutySiteSerializer(many=True, read_only=True)
    unit_name = serializers.CharField(source="unit.name")
    work_line_name = serializers.CharField(source="work_line.name")

    class Meta:
        model = DutyArea
        fields = ["id", "name", "unit", "unit_name", "work_line", "work_line_name", "active", "sites"]


class DutyAssignmentSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    member_name = serializers.CharField(source="member.name", read_only=True)
    group = serializers.IntegerField(min_value=1, max_value=99, default=1)


class DutyRosterSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = Roster
        fields = ["id", "team", "day", "shift_code", "work_line", "area", "note", "members"]

    def get_members(self, obj) -> list[dict]:
        return [{"member": a.member_id, "member_name": a.member.name, "group": a.group}
                for a in obj.assignments.all()]


class DutyRosterInSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    day = serializers.DateField()
    shift_code = serializers.CharField(max_length=20)
    area = serializers.IntegerField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    members = DutyAssignmentSerializer(many=True)


class DutyMarkSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name")
    status = serializers.CharField(help_text="on_time | late_minor | late_major | late_absent | absent | on_leave | "
                                             "off_duty")
    method = serializers.CharField(help_text="phone | team | sweep | correction")
    coord_system = serializers.CharField(help_text="wgs84 | gcj02 | empty")

    class Meta:
        model = Mark
        fields = ["id", "member", "member_name", "day", "shift_code", "status", "checked_in_at", "minutes_late",
                  "absence_days", "lat", "lng", "accuracy_m", "coord_system", "site", "method", "proxy", "note"]


class DutyCheckinInSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    accuracy_m = serializers.FloatField(min_value=0)
    coord_system = serializers.CharField(required=False, default="wgs84", help_text="wgs84 (browser) | gcj02")


class DutyCheckinOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    day = serializers.DateField()
    shift_code = serializers.CharField()
    status = serializers.CharField()
    minutes_late = serializers.IntegerField()
    checked_in_at = serializers.DateTimeField()
    site = serializers.IntegerField(source="site_id")


# --------------------------------------------------------------------------------------------- views

class DutyAreaViewSet(viewsets.ReadOnlyModelViewSet):
    """§5.3.6 duty areas the caller reads, with their geofence sites."""

    serializer_class = DutyAreaSerializer
    queryset = DutyArea.objects.none()

    def get_queryset(self):
        if not selectors.is_leader(self.request.user):
            raise PermissionDenied
        return selectors.visible_areas(self.request.user).prefetch_related("sites").order_by("unit__path", "name")


class DutyRosterViewSet(viewsets.ReadOnlyModelViewSet):
    """§5.3.6 rosters of the teams the caller leads."""

    serializer_class = DutyRosterSerializer
    queryset = Roster.objects.none()

    def get_queryset(self):
        if not selectors.is_leader(self.request.user):
            raise PermissionDenied
        qs = selectors.rosters_for(self.request.user).prefetch_related("assignments__member")
        if self.action == "list":
            team = self.request.query_params.get("team")
            if team:
                if not team.isdigit():
                    raise DRFValidationError({"team": ["应为整数"]})
                qs = qs.filter(team_id=int(team))
            start, end = _date_param(self.request, "from"), _date_param(self.request, "to")
            if start:
                qs = qs.filter(day__gte=start)
            if end:
                qs = qs.filter(day__lte=end)
        return qs.order_by("-day", "team__path", "shift_code", "pk")

    @extend_schema(summary="§5.3.6 rosters", parameters=[
        OpenApiParameter("team", int), OpenApiParameter("from", dt.date), OpenApiParameter("to", dt.date)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="§5.3.6 create a roster", request=DutyRosterInSerializer,
                   responses={201: DutyRosterSerializer})
    def create(self, request):
        if not selectors.is_leader(request.user):
            raise PermissionDenied
        data = DutyRosterInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        team = selectors.teams_for(request.user).filter(pk=v["team"]).first()
        if team is None:
            raise Http404
        area = selectors.areas_for_team(team).filter(pk=v["area"]).first()
        if area is None:
            raise DRFValidationError({"area": ["执勤区域：请选择本小队上级单位在用的区域"]})
        ids = [m["member"] for m in v["members"]]
        members = {m.pk: m for m in Member.objects.filter(pk__in=ids).select_related("unit")}
        if missing := [i for i in ids if i not in members]:
            raise DRFValidationError({"members": [f"人员：编号 {i} 不存在" for i in missing]})
        roster, warnings = _call(services.roster_save, actor=request.user, team=team, day=v["day"],
                                 shift_code=v["shift_code"], area=area, note=v["note"],
                                 members=[(members[m["member"]], m["group"]) for m in v["members"]],
                                 at=timezone.now())
        out = DutyRosterSerializer(Roster.objects.prefetch_related("assignments__member").get(pk=roster.pk)).data
        out["warnings"] = warnings
        return Response(out, status=201)


class DutyMarkViewSet(viewsets.ReadOnlyModelViewSet):
    """§5.3.1 roll-call marks of the members the caller sees (a member: their own)."""

    serializer_class = DutyMarkSerializer
    queryset = Mark.objects.none()

    def get_queryset(self):
        qs = selectors.marks_for(self.request.user)
        if self.action == "list":
            day = _date_param(self.request, "day")
            if day:
                qs = qs.filter(day=day)
            member = self.request.query_params.get("member")
            if member:
                if not member.isdigit():
                    raise DRFValidationError({"member": ["应为整数"]})
                qs = qs.filter(member_id=int(member))
        return qs.order_by("-day", "shift_code", "member__name", "pk")

    @extend_schema(summary="§5.3.1 marks", parameters=[OpenApiParameter("day", dt.date),
                                                        OpenApiParameter("member", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class DutyCheckinView(APIView):
    """§5.3.1 the member's phone check-in (browser geolocation, WGS-84 by default)."""

    @extend_schema(summary="§5.3.1 check in", request=DutyCheckinInSerializer,
                   responses={201: DutyCheckinOutSerializer})
    def post(self, request):
        data = DutyCheckinInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            mark = services.checkin(lat=v["lat"], lng=v["lng"], accuracy_m=v["accuracy_m"],
                                    coord_system=v["coord_system"], user=request.user, at=timezone.now())
        except DjangoValidationError as exc:
            # Not rostered: a user who is no member on the roster may not check in at all (403).
            if not Member.objects.filter(user=request.user, status__in=ON_ROSTER).exists():
                raise PermissionDenied from None
            raise DRFValidationError(exc.message_dict) from None
        return Response({"id": mark.pk, "day": mark.day.isoformat(), "shift_code": mark.shift_code,
                         "status": mark.status, "minutes_late": mark.minutes_late,
                         "checked_in_at": mark.checked_in_at.isoformat(), "site": mark.site_id}, status=201)


__all__ = ["DutyAreaViewSet", "DutyRosterViewSet", "DutyMarkViewSet", "DutyCheckinView"]
