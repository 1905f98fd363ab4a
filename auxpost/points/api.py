"""§10 REST API for the points ledger: input serializer → the pages' service → output serializer.

Scope is the pages': the same selectors and the same 404 for an entry or appeal that does not
exist and one that is not yours. Writes by a role that may not make them get 403.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from auxpost.accounts import scope
from auxpost.people.models import Member
from auxpost.people.selectors import own_member
from auxpost.points.models import EntryStatus, PointsAppeal, PointsEntry
from auxpost.points.selectors import (
    DECIDER_ROLES,
    MANAGER_ROLES,
    VIEW_ROLES,
    LedgerParams,
    appeal_get_for,
    appealable,
    appeals_visible_to,
    entries_visible_to,
    entry_get_for,
    ledger_filter,
    members_for_entry,
    points_balance,
)
from auxpost.points.services import (
    FIRST_YEAR,
    points_appeal_decide,
    points_appeal_submit,
    points_entry_approve,
    points_entry_record,
    points_entry_reject,
)


def drf_error(exc: DjangoValidationError) -> DRFValidationError:
    if hasattr(exc, "error_dict"):
        return DRFValidationError(exc.message_dict)
    return DRFValidationError({"non_field_errors": exc.messages})


class MemberRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.SerializerMethodField()
    date = serializers.DateField()
    rule_code = serializers.CharField()
    rule_name = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=7, decimal_places=2)
    points = serializers.IntegerField()
    source = serializers.CharField()
    evidence = serializers.CharField()
    status = serializers.ChoiceField(choices=EntryStatus.choices)
    policy_version = serializers.CharField()
    recorded_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()
    approved_by = serializers.SerializerMethodField(help_text="Who approved (or, when rejected, who rejected).")
    approved_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField()
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True,
                                        help_text="The entry this correction reverses.")
    reversed_by = serializers.SerializerMethodField(help_text="The correction that reversed this entry, if any.")
    appealable = serializers.SerializerMethodField()

    @extend_schema_field(MemberRefSerializer)
    def get_member(self, e):
        return {"id": e.member_id, "name": e.member.name}

    def get_recorded_by(self, e) -> str | None:
        return e.recorded_by.get_username() if e.recorded_by_id else None

    def get_approved_by(self, e) -> str | None:
        return e.approved_by.get_username() if e.approved_by_id else None

    def get_reversed_by(self, e) -> int | None:
        try:
            return e.reversed_by.pk
        except PointsEntry.DoesNotExist:
            return None

    def get_appealable(self, e) -> bool:
        return appealable(e)


class EntryCreateSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="Member id (on the roster, in your units).")
    rule_code = serializers.CharField(max_length=40, help_text="A rule code of the points policy in force.")
    date = serializers.DateField()
    quantity = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, default=1)
    evidence = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class AppealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entry = serializers.IntegerField(source="entry_id")
    member = serializers.SerializerMethodField()
    reason = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    status = serializers.CharField()
    decided_by = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    reversing_entry = serializers.IntegerField(source="reversing_entry_id", allow_null=True)

    @extend_schema_field(MemberRefSerializer)
    def get_member(self, a):
        return {"id": a.member_id, "name": a.member.name}

    def get_decided_by(self, a) -> str | None:
        return a.decided_by.get_username() if a.decided_by_id else None


class AppealCreateSerializer(serializers.Serializer):
    entry = serializers.IntegerField(help_text="One of your own approved entries.")
    reason = serializers.CharField(max_length=2000)


class DecideSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class BalanceSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    year = serializers.IntegerField()
    base = serializers.IntegerField()
    plus = serializers.IntegerField()
    minus = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    explanation = serializers.CharField()
    policy_version = serializers.CharField()
    source = serializers.CharField(help_text="ledger (computed from the approved entries) or imported (a year "
                                             "before the ledger).")


LEDGER_PARAMETERS = [
    OpenApiParameter("unit", int, description="Unit id: that unit and everything below."),
    OpenApiParameter("q", str, description="Member name (contains) or ID number (whole or its last digits)."),
    OpenApiParameter("date_from", dt.date), OpenApiParameter("date_to", dt.date),
    OpenApiParameter("rule", str, description="Rule code."),
    OpenApiParameter("status", str, enum=list(EntryStatus.values)),
]


def _entry_out(entry, code=status.HTTP_200_OK):
    entry = PointsEntry.objects.select_related(
        "member", "recorded_by", "approved_by", "reversed_by").get(pk=entry.pk)
    return Response(EntrySerializer(entry).data, status=code)


@extend_schema_view(
    list=extend_schema(summary="Ledger entries in your scope (a member: their own)", parameters=LEDGER_PARAMETERS),
    create=extend_schema(summary="Record an entry (a deduction waits for a second person)",
                         request=EntryCreateSerializer, responses={201: EntrySerializer}),
)
class EntryViewSet(viewsets.GenericViewSet):
    serializer_class = EntrySerializer
    queryset = PointsEntry.objects.none()

    def list(self, request):
        qs = ledger_filter(entries_visible_to(request.user), LedgerParams.parse(request.query_params))
        page = self.paginate_queryset(qs.order_by("-date", "-pk"))
        return self.get_paginated_response(EntrySerializer(page, many=True).data)

    def create(self, request):
        if not scope.has_role(request.user, *MANAGER_ROLES):
            raise PermissionDenied
        data = EntryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        member = members_for_entry(request.user).filter(pk=v["member"]).first()
        if member is None:
            raise DRFValidationError({"member": [_("Member: no such member on the roster in your units.")]})
        try:
            entry = points_entry_record(member=member, rule_code=v["rule_code"], date=v["date"],
                                        quantity=v["quantity"], evidence=v["evidence"], recorded_by=request.user,
                                        at=timezone.now())
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return _entry_out(entry, status.HTTP_201_CREATED)

    @extend_schema(summary="Approve a pending deduction (a second person)", request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        entry = entry_get_for(request.user, pk, roles=MANAGER_ROLES)
        try:
            entry = points_entry_approve(entry=entry, approver=request.user, at=timezone.now())
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return _entry_out(entry)

    @extend_schema(summary="Reject a pending deduction, with a reason", request=RejectSerializer,
                   responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        entry = entry_get_for(request.user, pk, roles=MANAGER_ROLES)
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            entry = points_entry_reject(entry=entry, approver=request.user, reason=data.validated_data["reason"],
                                        at=timezone.now())
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return _entry_out(entry)


@extend_schema_view(
    list=extend_schema(summary="Appeals in your scope (a member: their own)",
                       parameters=[OpenApiParameter("status", str, enum=["open", "upheld", "dismissed"])]),
    create=extend_schema(summary="Appeal one of your own entries", request=AppealCreateSerializer,
                         responses={201: AppealSerializer}),
)
class AppealViewSet(viewsets.GenericViewSet):
    serializer_class = AppealSerializer
    queryset = PointsAppeal.objects.none()

    def list(self, request):
        qs = appeals_visible_to(request.user)
        wanted = request.query_params.get("status")
        if wanted:
            qs = qs.filter(status=wanted)
        page = self.paginate_queryset(qs.order_by("-submitted_at", "-pk"))
        return self.get_paginated_response(AppealSerializer(page, many=True).data)

    def create(self, request):
        member = own_member(request.user)
        if member is None:
            raise PermissionDenied
        data = AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = PointsEntry.objects.filter(member=member, pk=data.validated_data["entry"]).first()
        if entry is None:
            raise DRFValidationError({"entry": [_("Entry: you have no such entry.")]})
        try:
            appeal = points_appeal_submit(entry=entry, user=request.user, reason=data.validated_data["reason"],
                                          at=timezone.now())
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        appeal = PointsAppeal.objects.select_related("member", "decided_by").get(pk=appeal.pk)
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Uphold (→ a reversing entry) or dismiss (note required) an open appeal",
                   request=DecideSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        appeal = appeal_get_for(request.user, pk, roles=DECIDER_ROLES)
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            appeal = points_appeal_decide(appeal=appeal, decider=request.user, upheld=data.validated_data["upheld"],
                                          note=data.validated_data["note"], at=timezone.now())
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        appeal = PointsAppeal.objects.select_related("member", "decided_by").get(pk=appeal.pk)
        return Response(AppealSerializer(appeal).data)


@extend_schema(summary="A member's points for a year: base, approved entries, clamped total, explanation",
               parameters=[OpenApiParameter("member", int, description="Member id (default: yourself)."),
                           OpenApiParameter("year", int, description="Default: this year.")],
               responses=BalanceSerializer)
@api_view(["GET"])
def balance(request):
    user = request.user
    raw = request.query_params.get("member")
    if raw:
        q = scope.member_q(user, roles_allowed=VIEW_ROLES)
        try:
            member = Member.objects.filter(q, pk=int(raw)).first() if q is not None else None
        except ValueError:
            member = None
    else:
        member = own_member(user)
    if member is None:
        raise Http404
    today = timezone.localdate()
    try:
        year = int(request.query_params.get("year") or today.year)
    except ValueError:
        year = 0
    if not FIRST_YEAR <= year <= today.year:
        raise DRFValidationError({"year": [_("Year: enter a year from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR, "last": today.year}]})
    b = points_balance(member, year)
    source = "imported" if b.imported else "ledger"
    return Response(BalanceSerializer({
        "member": member.pk, "year": year, "base": b.base, "plus": b.plus, "minus": b.minus, "total": b.total,
        "explanation": b.explanation, "policy_version": b.policy_version, "source": source}).data)
