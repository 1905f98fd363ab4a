"""§5.2.2/§5.2.3 REST API (``/api/v1/training/...``), scoped like the pages.

- ``courses/`` (GET staff roles; POST the bureau), ``courses/<id>/``;
- ``sessions/`` (GET staff roles, ``?year=``; POST the bureau), ``sessions/<id>/``,
  ``sessions/<id>/attendance/`` (POST: ``{"entries": [{"member", "attendance", "score"}]}``, the bureau
  and line managers for their members);
- ``records/`` training records of the members in scope (a member: their own), ``?member=&year=``;
- ``certificates/`` certificates of the members in scope (``?member=&status=``),
  ``certificates/issue/`` and ``certificates/renew/`` (POST ``{"member", "on", "number"}``, the bureau);
- ``shortfall/`` members short of the year's annual hours (``?year=&unit=``, staff roles);
- ``expiring/`` certificate reminders (expiring within reminder_days or expired) in scope.

Bad input → 400 with Chinese messages per field; an object outside your scope → 404; a role that
may not act → 403; anonymous → 401/403. Hours and scores are decimal strings.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from auxpost.org.models import Unit
from auxpost.people.models import Member
from auxpost.training import selectors, services
from auxpost.training.models import Attendance, Category, Certificate, Course, Session, TrainingRecord


def drf_error(exc: DjangoValidationError) -> DRFValidationError:
    if hasattr(exc, "error_dict"):
        return DRFValidationError(exc.message_dict)
    return DRFValidationError({"non_field_errors": exc.messages})


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise drf_error(exc) from None
    except PermissionError:
        raise PermissionDenied from None


def _int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DRFValidationError({field: ["应为整数"]}) from None


# -------------------------------------------------------------------------------------- serializers

class TrainingCourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "name", "category", "hours", "has_exam", "description"]


class TrainingCourseInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    category = serializers.ChoiceField(choices=Category.choices)
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    has_exam = serializers.BooleanField(default=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TrainingSessionSerializer(serializers.ModelSerializer):
    course = TrainingCourseSerializer(read_only=True)
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Session
        fields = ["id", "course", "start_date", "end_date", "place", "trainer", "hours", "units"]


class TrainingSessionInSerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    trainer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)


class TrainingEntrySerializer(serializers.Serializer):
    member = serializers.IntegerField()
    attendance = serializers.ChoiceField(choices=Attendance.choices)
    score = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)


class TrainingAttendanceInSerializer(serializers.Serializer):
    entries = TrainingEntrySerializer(many=True)


class TrainingRecordSerializer(serializers.ModelSerializer):
    course_name = serializers.CharField(source="course.name")
    member_name = serializers.CharField(source="member.name")

    class Meta:
        model = TrainingRecord
        fields = ["id", "member", "member_name", "course", "course_name", "session", "category", "date",
                  "attendance", "hours", "score", "passed", "source", "reverses", "note", "recorded_at"]


class TrainingCertificateSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name")

    class Meta:
        model = Certificate
        fields = ["id", "member", "member_name", "number", "issued_on", "valid_until", "status", "source",
                  "replaces", "closed_on", "close_reason", "recorded_at"]


class TrainingIssueInSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    on = serializers.DateField(required=False)
    number = serializers.CharField(max_length=50, required=False, allow_blank=True)


# ----------------------------------------------------------------------------------------- viewsets

class TrainingCourseViewSet(viewsets.ViewSet):
    queryset = Course.objects.none()  # for the schema only

    @extend_schema(summary="§5.2.2 courses (staff roles)", responses=TrainingCourseSerializer(many=True))
    def list(self, request):
        if not selectors.can_view_courses(request.user):
            raise PermissionDenied
        return Response(TrainingCourseSerializer(selectors.courses_for(request.user), many=True).data)

    @extend_schema(summary="§5.2.2 one course", responses=TrainingCourseSerializer)
    def retrieve(self, request, pk=None):
        try:
            return Response(TrainingCourseSerializer(selectors.courses_for(request.user).get(pk=pk)).data)
        except (Course.DoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(summary="§5.2.2 add a course (the bureau)", request=TrainingCourseInSerializer,
                   responses={201: TrainingCourseSerializer})
    def create(self, request):
        if not selectors.can_manage_courses(request.user):
            raise PermissionDenied
        s = TrainingCourseInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        course = _call(services.course_create, actor=request.user, **s.validated_data)
        return Response(TrainingCourseSerializer(course).data, status=201)


class TrainingSessionViewSet(viewsets.ViewSet):
    queryset = Session.objects.none()  # for the schema only

    def _get(self, request, pk) -> Session:
        try:
            return selectors.sessions_for(request.user).get(pk=pk)
        except (Session.DoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(summary="§5.2.2 sessions of a year (staff roles)",
                   parameters=[OpenApiParameter("year", int)], responses=TrainingSessionSerializer(many=True))
    def list(self, request):
        if not selectors.can_view_courses(request.user):
            raise PermissionDenied
        qs = selectors.sessions_for(request.user).prefetch_related("units").order_by("-start_date", "-pk")
        year = _int(request.query_params.get("year"), "year")
        if year:
            qs = qs.filter(start_date__year=year)
        return Response(TrainingSessionSerializer(qs, many=True).data)

    @extend_schema(summary="§5.2.2 one session", responses=TrainingSessionSerializer)
    def retrieve(self, request, pk=None):
        return Response(TrainingSessionSerializer(self._get(request, pk)).data)

    @extend_schema(summary="§5.2.2 add a session (the bureau)", request=TrainingSessionInSerializer,
                   responses={201: TrainingSessionSerializer})
    def create(self, request):
        if not selectors.can_manage_courses(request.user):
            raise PermissionDenied
        s = TrainingSessionInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        session = _call(services.session_create, actor=request.user, **s.validated_data)
        return Response(TrainingSessionSerializer(session).data, status=201)

    @extend_schema(summary="§5.2.2 record attendance and scores of a session (bureau, line managers)",
                   request=TrainingAttendanceInSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        session = self._get(request, pk)
        if not selectors.can_enter_attendance(request.user):
            raise PermissionDenied
        s = TrainingAttendanceInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        entries = [services.AttendanceEntry(e["member"], e["attendance"], e.get("score"))
                   for e in s.validated_data["entries"]]
        return Response(_call(services.attendance_record, actor=request.user, session=session, entries=entries))


class TrainingRecordViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TrainingRecordSerializer

    @extend_schema(summary="§5.2.2 training records of the members in scope (a member: own)",
                   parameters=[OpenApiParameter("member", int), OpenApiParameter("year", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        members = selectors.members_visible_to(self.request.user)
        qs = (TrainingRecord.objects.filter(member__in=members.values("pk"))
              .select_related("course", "member").order_by("-date", "-pk"))
        member = _int(self.request.query_params.get("member"), "member")
        year = _int(self.request.query_params.get("year"), "year")
        if member:
            qs = qs.filter(member_id=member)
        if year:
            qs = qs.filter(date__year=year)
        return qs


class TrainingCertificateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TrainingCertificateSerializer

    @extend_schema(summary="§5.2.3 certificates of the members in scope (a member: own)",
                   parameters=[OpenApiParameter("member", int), OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        members = selectors.members_visible_to(self.request.user)
        qs = (Certificate.objects.filter(member__in=members.values("pk")).select_related("member")
              .order_by("-issued_on", "-pk"))
        member = _int(self.request.query_params.get("member"), "member")
        if member:
            qs = qs.filter(member_id=member)
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs

    def _act(self, request, service):
        if not selectors.can_issue_certificates(request.user):
            raise PermissionDenied
        s = TrainingIssueInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            member = selectors.member_for(request.user, s.validated_data["member"])
        except Member.DoesNotExist:
            raise Http404 from None
        cert = _call(service, actor=request.user, member=member, on=s.validated_data.get("on") or timezone.localdate(),
                     number=s.validated_data.get("number") or None)
        return Response(TrainingCertificateSerializer(cert).data, status=201)

    @extend_schema(summary="§5.2.3 issue a first certificate after induction (the bureau)",
                   request=TrainingIssueInSerializer, responses={201: TrainingCertificateSerializer})
    @action(detail=False, methods=["post"])
    def issue(self, request):
        return self._act(request, services.certificate_issue)

    @extend_schema(summary="§5.2.3 renew a certificate (the bureau)", request=TrainingIssueInSerializer,
                   responses={201: TrainingCertificateSerializer})
    @action(detail=False, methods=["post"])
    def renew(self, request):
        return self._act(request, services.certificate_renew)


class TrainingShortRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.name")
    unit = serializers.IntegerField(source="member.unit_id")
    year = serializers.IntegerField(source="requirement.year")
    required = serializers.DecimalField(source="requirement.required", max_digits=7, decimal_places=1)
    actual = serializers.DecimalField(source="requirement.actual", max_digits=7, decimal_places=1)
    shortfall = serializers.DecimalField(source="requirement.shortfall", max_digits=7, decimal_places=1)


class ShortfallView(APIView):
    @extend_schema(summary="§5.2.2 members short of the year's annual training hours (staff roles)",
                   parameters=[OpenApiParameter("year", int), OpenApiParameter("unit", int)],
                   responses=TrainingShortRowSerializer(many=True))
    def get(self, request):
        user = request.user
        if not selectors.can_view_courses(user):
            raise PermissionDenied
        today = timezone.localdate()
        year = _int(request.query_params.get("year"), "year") or today.year
        if not 2000 <= year <= today.year:
            raise DRFValidationError({"year": [f"年度：应在2000到{today.year}之间"]})
        unit = None
        unit_id = _int(request.query_params.get("unit"), "unit")
        if unit_id:
            from auxpost.accounts.scope import unit_q

            q = unit_q(user)
            unit = Unit.objects.filter(q, pk=unit_id).first() if q is not None else None
            if unit is None:
                raise Http404
        rows = selectors.shortfall(user, year=year, unit=unit, today=today)
        return Response(TrainingShortRowSerializer(rows, many=True).data)


class TrainingExpiringSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    name = serializers.CharField()
    number = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)
    state = serializers.CharField()
    days_left = serializers.IntegerField(allow_null=True)


class ExpiringView(APIView):
    @extend_schema(summary="§5.2.3 certificates expiring within reminder_days or expired, in scope",
                   responses=TrainingExpiringSerializer(many=True))
    def get(self, request):
        rows = selectors.expiring_certificates(request.user, timezone.localdate(), limit=500)
        return Response(TrainingExpiringSerializer(rows, many=True).data)


__all__ = ["TrainingCourseViewSet", "TrainingSessionViewSet", "TrainingRecordViewSet", "TrainingCertificateViewSet",
           "ShortfallView", "ExpiringView"]
