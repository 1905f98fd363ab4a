"""§11 REST API of the working-day calendar (read-only; the same selectors as the pages).

- ``/api/v1/calendar/years/`` and ``/<year>/``: the confirmed years with their exception days;
- ``/api/v1/calendar/add-working-days?start=YYYY-MM-DD&n=5``: the n-th working day counting
  ``start`` (the last day of a 公示 of n working days);
- ``/api/v1/calendar/working-days?start=…&end=…``: working days in [start, end];
- ``/api/v1/calendar/is-working-day?date=…``.

A date in a year without a confirmed schedule gives 400 with the plain Chinese message. Managers
(administrator, staffing office, bureau, line managers, HR company) read it; other roles get 403.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from auxpost.workcal.models import CalendarYear, ExceptionDay
from auxpost.workcal.selectors import (
    CalendarYearMissing,
    add_working_days,
    can_use_api,
    is_working_day,
    working_days_between,
)

#: The longest span one request may count (a guard against start=0001-01-01).
MAX_N = 3660


class CalendarReaders(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and can_use_api(request.user))


class ExceptionDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = ExceptionDay
        fields = ["date", "kind", "name"]


class CalendarYearSerializer(serializers.ModelSerializer):
    days = ExceptionDaySerializer(many=True, read_only=True)

    class Meta:
        model = CalendarYear
        fields = ["year", "source", "notice_ref", "notice_title", "source_detail", "entered_at", "changed_at", "days"]


class CalendarYearViewSet(viewsets.ReadOnlyModelViewSet):
    """§11 confirmed years, newest first, each with its holidays and make-up workdays."""

    serializer_class = CalendarYearSerializer
    permission_classes = [CalendarReaders]
    lookup_field = "year"
    lookup_value_regex = "[0-9]{4}"

    def get_queryset(self):
        return CalendarYear.objects.prefetch_related("days").order_by("-year")


def _date(params, key: str) -> dt.date:
    text = str(params.get(key, "")).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError({key: [_("%(field)s: enter a date as YYYY-MM-DD.") % {"field": key}]}) from None


def _refused(exc: CalendarYearMissing) -> Response:
    """400 with the plain message naming the year an administrator must enter."""
    return Response({"detail": exc.messages[0], "code": "calendar_year_missing", "year": exc.year},
                    status=status.HTTP_400_BAD_REQUEST)


class AddWorkingDaysView(APIView):
    """§11 the n-th working day counting ``start`` itself if it is one."""

    permission_classes = [CalendarReaders]

    @extend_schema(parameters=[OpenApiParameter("start", OpenApiTypes.DATE, required=True),
                               OpenApiParameter("n", OpenApiTypes.INT, required=True)],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        start = _date(request.query_params, "start")
        try:
            n = int(request.query_params.get("n", ""))
        except ValueError:
            n = 0
        if not 1 <= n <= MAX_N:
            raise ValidationError({"n": [_("n: enter a whole number of working days from 1 to %(max)s.")
                                         % {"max": MAX_N}]})
        try:
            end = add_working_days(start, n)
        except CalendarYearMissing as exc:
            return _refused(exc)
        return Response({"start": start.isoformat(), "n": n, "end": end.isoformat()})


class WorkingDaysBetweenView(APIView):
    """§11 working days in [start, end], both included."""

    permission_classes = [CalendarReaders]

    @extend_schema(parameters=[OpenApiParameter("start", OpenApiTypes.DATE, required=True),
                               OpenApiParameter("end", OpenApiTypes.DATE, required=True)],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        start, end = _date(request.query_params, "start"), _date(request.query_params, "end")
        if (end - start).days > MAX_N * 2:
            raise ValidationError({"end": [_("end: the span may be at most %(max)s days.") % {"max": MAX_N * 2}]})
        try:
            count = working_days_between(start, end)
        except CalendarYearMissing as exc:
            return _refused(exc)
        return Response({"start": start.isoformat(), "end": end.isoformat(), "working_days": count})


class IsWorkingDayView(APIView):
    """§11 whether a date is a working day."""

    permission_classes = [CalendarReaders]

    @extend_schema(parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=True)],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        day = _date(request.query_params, "date")
        try:
            working = is_working_day(day)
        except CalendarYearMissing as exc:
            return _refused(exc)
        return Response({"date": day.isoformat(), "working_day": working})
