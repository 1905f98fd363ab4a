"""§5.3.4 REST API (``/api/v1/leave/...``), scoped like the pages.

- ``requests/`` GET the requests the user may read (a member: their own; ``?status=&member=``);
  POST (a member, for themself; multipart for medical notes) ``{type_code, start, end, start_half,
  end_half, reason, difficult_birth, babies, submit}`` → 201;
- ``requests/<id>/`` one request (404 outside reach);
- ``requests/<id>/approve/``, ``reject/`` (POST ``{note}``; the approver the length requires or their
  deputy, else 403 naming who may), ``cancel/`` (POST ``{reason}``), ``report-back/`` (POST, the member);
- ``queue/`` requests waiting for my decision;
- ``quote/`` GET the day count of a proposal (the member's form);
- ``on-leave/`` GET ``?date=`` members in the caller's scope on leave that day (leaders, bureau, admin).

Bad input → 400 with Chinese messages per field; a move from the wrong status → 409; not the right
party → 403; anonymous → 401/403.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from auxpost.accounts import scope
from auxpost.files.forms import clean_uploads
from auxpost.files.models import ALL_TYPES
from auxpost.leave import selectors, services
from auxpost.leave.models import LeaveRequest
from auxpost.people.models import Member
from auxpost.people.selectors import own_member

HALF_HELP = "am（上午）或 pm（下午）"


class LeaveRequestSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    # plain strings: the same am/pm pair on two fields would give the schema two names for one enum
    start_half = serializers.CharField(read_only=True, help_text=HALF_HELP)
    end_half = serializers.CharField(read_only=True, help_text=HALF_HELP)
    days = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)

    class Meta:
        model = LeaveRequest
        fields = ["id", "member", "member_name", "type_code", "type_name", "start", "start_half", "end", "end_half",
                  "reason", "difficult_birth", "babies", "days", "counting", "policy_version", "status",
                  "approver_level", "approval_unit", "hr_copy", "submitted_at", "decided_by", "decided_at",
                  "decision_note", "report_back_due", "reported_back_at", "returned_on", "overdue_since",
                  "created_at"]
        read_only_fields = fields


class LeaveCreateSerializer(serializers.Serializer):
    type_code = serializers.CharField(max_length=20)
    start = serializers.DateField()
    end = serializers.DateField()
    start_half = serializers.RegexField(r"^(am|pm)$", default="am", help_text=HALF_HELP)
    end_half = serializers.RegexField(r"^(am|pm)$", default="pm", help_text=HALF_HELP)
    reason = serializers.CharField(max_length=services.REASON_MAX)
    difficult_birth = serializers.BooleanField(default=False)
    babies = serializers.IntegerField(min_value=1, max_value=9, default=1)
    submit = serializers.BooleanField(default=True)


class LeaveNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True, default="")


class LeaveReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True, default="")


class LeaveOnLeaveSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise DRFValidationError(exc.message_dict if hasattr(exc, "error_dict")
                                 else {"non_field_errors": exc.messages}) from None
    except services.Refused as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from None
        raise _Conflict(exc.message) from None


class _Conflict(Exception):
    def __init__(self, message):
        self.message = message


def _with_conflict(view):
    def wrapped(self, request, *args, **kwargs):
        try:
            return view(self, request, *args, **kwargs)
        except _Conflict as exc:
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    return wrapped


def _get(request, pk) -> LeaveRequest:
    try:
        return selectors.visible(request.user).get(pk=int(pk))
    except (LeaveRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


class LeaveRequestListView(ListAPIView):
    serializer_class = LeaveRequestSerializer

    @extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("member", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = selectors.visible(self.request.user).order_by("-start", "-pk")
        st = self.request.query_params.get("status")
        if st:
            qs = qs.filter(status=st)
        member = self.request.query_params.get("member")
        if member:
            try:
                qs = qs.filter(member_id=int(member))
            except ValueError:
                raise DRFValidationError({"member": ["应为整数"]}) from None
        return qs

    @extend_schema(request=LeaveCreateSerializer, responses={201: LeaveRequestSerializer})
    @_with_conflict
    def post(self, request):
        me = own_member(request.user)
        if me is None:
            raise PermissionDenied("只有辅岗人员本人可以请假。")
        ser = LeaveCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            notes = clean_uploads(request.FILES.getlist("notes"), types=ALL_TYPES, max_files=5)
        except DjangoValidationError as exc:
            raise DRFValidationError({"notes": exc.messages}) from None
        req = _call(services.leave_create, member=me, by=request.user, type_code=d["type_code"], start=d["start"],
                    end=d["end"], start_half=d["start_half"], end_half=d["end_half"], reason=d["reason"],
                    difficult_birth=d["difficult_birth"], babies=d["babies"], notes=notes, submit=d["submit"],
                    at=timezone.now())
        return Response(LeaveRequestSerializer(req).data, status=status.HTTP_201_CREATED)


class LeaveRequestDetailView(APIView):
    @extend_schema(responses=LeaveRequestSerializer)
    def get(self, request, pk):
        return Response(LeaveRequestSerializer(_get(request, pk)).data)


class _Move(APIView):
    serializer = LeaveNoteSerializer

    def act(self, request, req, data):  # pragma: no cover - overridden
        raise NotImplementedError

    @_with_conflict
    def post(self, request, pk):
        req = _get(request, pk)
        ser = self.serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        done = self.act(request, req, ser.validated_data)
        return Response(LeaveRequestSerializer(done).data)


@extend_schema(request=LeaveNoteSerializer, responses=LeaveRequestSerializer)
class ApproveView(_Move):
    def act(self, request, req, data):
        return _call(services.leave_decide, request=req, by=request.user, approve=True, note=data["note"],
                     at=timezone.now())


@extend_schema(request=LeaveNoteSerializer, responses=LeaveRequestSerializer)
class RejectView(_Move):
    def act(self, request, req, data):
        return _call(services.leave_decide, request=req, by=request.user, approve=False, note=data["note"],
                     at=timezone.now())


@extend_schema(request=LeaveReasonSerializer, responses=LeaveRequestSerializer)
class CancelView(_Move):
    serializer = LeaveReasonSerializer

    def act(self, request, req, data):
        return _call(services.leave_cancel, request=req, by=request.user, reason=data["reason"], at=timezone.now())


@extend_schema(request=None, responses=LeaveRequestSerializer)
class ReportBackView(_Move):
    serializer = LeaveReasonSerializer

    def act(self, request, req, data):
        return _call(services.leave_report_back, request=req, by=request.user, at=timezone.now())


class QueueView(ListAPIView):
    serializer_class = LeaveRequestSerializer

    def get_queryset(self):
        return selectors.queue(self.request.user)


class QuoteView(APIView):
    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("type_code", "start", "end", "start_half",
                                                                   "end_half", "babies", "difficult_birth")],
                   responses={200: dict})
    def get(self, request):
        me = own_member(request.user)
        if me is None:
            raise PermissionDenied("只有辅岗人员本人可以请假。")
        g = request.query_params

        def day(name):
            raw = g.get(name)
            if not raw:
                return None
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                raise DRFValidationError({name: ["日期格式应为 YYYY-MM-DD"]}) from None
        try:
            babies = int(g.get("babies") or 1)
        except ValueError:
            raise DRFValidationError({"babies": ["应为整数"]}) from None
        q = services.leave_quote(member=me, type_code=g.get("type_code", ""), start=day("start"), end=day("end"),
                                 start_half=g.get("start_half", "am"), end_half=g.get("end_half", "pm"),
                                 difficult_birth=g.get("difficult_birth") in ("1", "true"), babies=babies)
        return Response({"days": str(q["days"]), "counting": q["counting"], "approver": q["approver"],
                         "hr_copy": q["hr_copy"], "policy_version": q["policy_version"], "errors": q["errors"]})


class OnLeaveView(APIView):
    """Members in the caller's scope on leave on ``date`` (default today)."""

    @extend_schema(parameters=[OpenApiParameter("date", str)], responses=LeaveOnLeaveSerializer(many=True))
    def get(self, request):
        if not scope.has_role(request.user, *selectors.LEADER_ROLES):
            raise PermissionDenied("只有领导和管理员可以查询在假人员。")
        raw = request.query_params.get("date")
        try:
            day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise DRFValidationError({"date": ["日期格式应为 YYYY-MM-DD"]}) from None
        q = scope.member_q(request.user, roles_allowed=selectors.LEADER_ROLES)
        ids = selectors.on_leave_ids(day, member_ids=Member.objects.filter(q).values_list("pk", flat=True))
        rows = Member.objects.filter(pk__in=ids).select_related("unit").order_by("unit__path", "name")
        return Response([{"member": m.pk, "name": m.name, "unit": m.unit.name} for m in rows])

