"""§5.3.3 会议 REST API (``/api/v1/meetings/...``), scoped like the pages.

- ``meetings/`` the meetings the caller sees (``?month=YYYY-MM&unit=&status=``), ``meetings/<id>/`` with
  the attendance sheet for its host and leaders (an attendee sees their own row);
- ``meetings/<id>/signin/`` (POST) an attendee signs in (30 minutes before the start to the end);
- ``meetings/<id>/excuse/`` (POST ``{"reason"}``) an attendee asks to be excused before the start.

Bad input → 400 with Chinese messages per field; a meeting outside your scope → 404; anonymous → 401/403.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from auxpost.meetings import selectors, services
from auxpost.meetings.models import Attendee, Meeting
from auxpost.org.models import Unit
from auxpost.people.selectors import own_member


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise DRFValidationError(exc.message_dict if hasattr(exc, "error_dict")
                                 else {"non_field_errors": exc.messages}) from None
    except PermissionError:
        raise Http404 from None


class MeetingAttendeeSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name")

    class Meta:
        model = Attendee
        fields = ["id", "member", "member_name", "outcome", "signed_in_at", "excuse_state", "excuse", "excuse_note"]


class MeetingSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    host_name = serializers.CharField(source="host.__str__")

    class Meta:
        model = Meeting
        fields = ["id", "unit", "unit_name", "title", "kind", "kind_name", "starts_at", "ends_at", "place", "host",
                  "host_name", "agenda", "status", "cancel_reason", "closed_at"]


class MeetingDetailSerializer(MeetingSerializer):
    attendees = serializers.SerializerMethodField()
    minutes = serializers.CharField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "minutes", "attendees"]

    @extend_schema(responses=MeetingAttendeeSerializer(many=True))
    def get_attendees(self, obj) -> list:
        user = self.context["request"].user
        qs = obj.attendees.select_related("member").order_by("member__name", "pk")
        if not selectors.can_manage(user, obj):
            me = own_member(user)
            qs = qs.filter(member=me) if me is not None else qs.none()
        return MeetingAttendeeSerializer(qs, many=True).data


class MeetingExcuseInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()  # for the schema only

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    @extend_schema(summary="§5.3.3 meetings the caller sees",
                   parameters=[OpenApiParameter("month", str, description="YYYY-MM"), OpenApiParameter("unit", int),
                               OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return selectors.meetings_visible_to(user).select_related("unit", "host")
        params = self.request.query_params
        month = None
        if params.get("month"):
            try:
                y, m = params["month"].split("-")
                month = dt.date(int(y), int(m), 1)
            except ValueError:
                raise DRFValidationError({"month": ["月份：格式应为YYYY-MM"]}) from None
        unit = None
        if params.get("unit"):
            try:
                unit = selectors.units_visible_to_staff(user).get(pk=int(params["unit"]))
            except (Unit.DoesNotExist, ValueError):
                raise Http404 from None
        return selectors.meeting_list(user, unit=unit, month=month, status=params.get("status", ""))

    def _meeting(self, pk) -> Meeting:
        return selectors.meeting_for(self.request.user, pk)

    @extend_schema(summary="§5.3.3 sign in to a meeting (an attendee, from 30 minutes before the start to the end)",
                   request=None, responses=MeetingAttendeeSerializer)
    @action(detail=True, methods=["post"])
    def signin(self, request, pk=None):
        row = _call(services.attendance_sign_in, actor=request.user, meeting=self._meeting(pk), at=timezone.now())
        return Response(MeetingAttendeeSerializer(row).data)

    @extend_schema(summary="§5.3.3 ask to be excused (an attendee, before the start)",
                   request=MeetingExcuseInSerializer, responses=MeetingAttendeeSerializer)
    @action(detail=True, methods=["post"])
    def excuse(self, request, pk=None):
        meeting = self._meeting(pk)
        s = MeetingExcuseInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        row = _call(services.excuse_send, actor=request.user, meeting=meeting, reason=s.validated_data["reason"],
                    at=timezone.now())
        return Response(MeetingAttendeeSerializer(row).data)
