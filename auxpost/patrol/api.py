"""§5.3.6 / §5.3.2 REST API (``/api/v1/patrol/...``), scoped like the pages.

- ``patrol/logs/`` (GET: the logs in scope, ``?mine=1`` those I was part of, ``?team=&day=&follow=reported``;
  POST from a phone, multipart with ``photos`` files or JSON without: ``category, description, actions[]
  (dissuade|inform|report), reported_to, members[], lat, lng, accuracy_m, coord_system, address,
  observed_at``), ``patrol/logs/<id>/``, ``patrol/logs/<id>/follow-up/`` (POST ``{"note"}``, the
  team's leaders: the officers handled a 上报 item);
- ``patrol/handovers/`` (GET in scope, ``?show=mine|overdue``; POST ``from_team, day, shift_code,
  to_team, to_day?, to_shift_code?, open_issues, cases, equipment, vehicles``),
  ``patrol/handovers/<id>/``, ``patrol/handovers/<id>/acknowledge/`` (POST ``{"remarks",
  "discrepancy"}``), ``patrol/handovers/<id>/notes/`` (POST ``{"text"}``).

Bad input → 400 with Chinese messages per field; an object outside your scope → 404; a role that may
not act → 403; anonymous → 401/403. There is no field or action for an enforcement decision.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from auxpost.files.forms import clean_uploads
from auxpost.files.models import IMAGE_TYPES
from auxpost.org.models import Unit
from auxpost.patrol import rules, selectors, services
from auxpost.patrol.models import FollowUp, Handover, HandoverNote, PatrolLog
from auxpost.people.models import ON_ROSTER, Member
from auxpost.people.selectors import own_member


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise DRFValidationError(exc.message_dict) from None
        raise DRFValidationError({"non_field_errors": exc.messages}) from None
    except PermissionError:
        raise PermissionDenied from None


# -------------------------------------------------------------------------------------- serializers

class PatrolLogSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name")
    member_name = serializers.CharField(source="member.name")
    members = serializers.SerializerMethodField()
    actions = serializers.ListField(child=serializers.CharField(), read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = PatrolLog
        fields = ["id", "member", "member_name", "members", "team", "day", "shift_code", "observed_at", "category",
                  "category_name", "description", "actions", "reported_to", "photos", "lat", "lng", "accuracy_m",
                  "coord_system", "address", "assignment", "area", "follow_up", "follow_up_note", "follow_up_at",
                  "recorded_at"]

    def get_members(self, obj) -> list[int]:
        return [m.pk for m in obj.members.all()]

    def get_photos(self, obj) -> list[str]:
        from django.urls import reverse

        return [reverse("files:attachment", args=[p.pk]) for p in obj.photos.all()]


class PatrolLogInSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    description = serializers.CharField(max_length=2000)
    actions = serializers.ListField(child=serializers.ChoiceField(choices=rules.ACTIONS), allow_empty=False)
    reported_to = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    members = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    accuracy_m = serializers.FloatField(required=False, allow_null=True, min_value=0)
    coord_system = serializers.ChoiceField(choices=list(rules.COORD_SYSTEMS), required=False, default=rules.WGS84)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    observed_at = serializers.DateTimeField(required=False, allow_null=True)


class FollowUpInSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300)


class HandoverNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandoverNote
        fields = ["id", "text", "written_by", "written_at"]


class HandoverSerializer(serializers.ModelSerializer):
    acknowledged = serializers.BooleanField(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Handover
        fields = ["id", "from_team", "day", "shift_code", "to_team", "to_day", "to_shift_code", "open_issues", "cases",
                  "equipment", "vehicles", "member", "recorded_by", "recorded_at", "ack_due_at", "acknowledged",
                  "overdue", "acknowledged_at", "acknowledged_by", "ack_member", "ack_remarks", "discrepancy"]

    def get_overdue(self, obj) -> bool:
        return obj.overdue_at(self.context.get("now") or timezone.now())


class HandoverDetailSerializer(HandoverSerializer):
    notes = HandoverNoteSerializer(many=True, read_only=True)

    class Meta(HandoverSerializer.Meta):
        fields = [*HandoverSerializer.Meta.fields, "notes"]


class HandoverInSerializer(serializers.Serializer):
    from_team = serializers.IntegerField()
    day = serializers.DateField()
    shift_code = serializers.CharField(max_length=20)
    to_team = serializers.IntegerField()
    to_day = serializers.DateField(required=False, allow_null=True)
    to_shift_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    open_issues = serializers.CharField(required=False, allow_blank=True, default="")
    cases = serializers.CharField(required=False, allow_blank=True, default="")
    equipment = serializers.CharField(required=False, allow_blank=True, default="")
    vehicles = serializers.CharField(required=False, allow_blank=True, default="")


class AckInSerializer(serializers.Serializer):
    remarks = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    discrepancy = serializers.BooleanField(required=False, default=False)


class NoteInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)


# ----------------------------------------------------------------------------------------- viewsets

def _list_field(request, name: str) -> list:
    """A list from JSON (a list) or multipart (repeated keys)."""
    if hasattr(request.data, "getlist"):
        return request.data.getlist(name)
    value = request.data.get(name)
    return value if isinstance(value, list) else ([] if value in (None, "") else [value])


class PatrolLogViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PatrolLogSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user = self.request.user
        qs = selectors.logs_visible_to(user)
        params = self.request.query_params
        if params.get("mine"):
            me = own_member(user)
            qs = qs.filter(members=me) if me is not None else qs.none()
        if (team := params.get("team", "")).isdigit():
            qs = qs.filter(team_id=int(team))
        if day := params.get("day"):
            try:
                qs = qs.filter(day=serializers.DateField().to_internal_value(day))
            except serializers.ValidationError:
                raise DRFValidationError({"day": ["日期格式应为 YYYY-MM-DD"]}) from None
        if params.get("follow") == "reported":
            qs = qs.filter(follow_up=FollowUp.REPORTED)
        return selectors.log_list(qs)

    @extend_schema(summary="§5.3.6 patrol logs in scope (a member: those they were part of)",
                   parameters=[OpenApiParameter("mine", bool), OpenApiParameter("team", int),
                               OpenApiParameter("day", str), OpenApiParameter("follow", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="§5.3.6 log an issue found on patrol (a member; multipart with photos, or JSON)",
                   request=PatrolLogInSerializer, responses={201: PatrolLogSerializer})
    def create(self, request):
        me = own_member(request.user)
        if me is None or me.status not in ON_ROSTER:
            raise PermissionDenied
        data = {k: request.data.get(k) for k in request.data if k not in ("photos", "actions", "members")}
        data["actions"] = _list_field(request, "actions")
        data["members"] = _list_field(request, "members")
        data = {k: v for k, v in data.items() if v is not None}
        s = PatrolLogInSerializer(data=data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        category = services.patrol_categories().filter(pk=v["category"]).first()
        if category is None:
            raise DRFValidationError({"category": ["问题类别：请选择巡查问题类别之一。"]})
        members = list(Member.objects.filter(pk__in=v["members"]))
        if len(members) != len(set(v["members"])):
            raise DRFValidationError({"members": ["巡查组成员：有不存在的队员编号。"]})
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        try:
            photos = clean_uploads(photos, types=IMAGE_TYPES, max_files=services.MAX_PHOTOS)
        except DjangoValidationError as exc:
            raise DRFValidationError({"photos": exc.messages}) from None
        log = _call(services.log_create, actor=request.user, category=category, description=v["description"],
                    actions=v["actions"], reported_to=v["reported_to"], members=members, photos=photos,
                    lat=v.get("lat"), lng=v.get("lng"), accuracy_m=v.get("accuracy_m"),
                    coord_system=v["coord_system"], address=v["address"], observed_at=v.get("observed_at"),
                    at=timezone.now())
        return Response(PatrolLogSerializer(selectors.log_list(PatrolLog.objects.filter(pk=log.pk)).get()).data,
                        status=201)

    @extend_schema(summary="§5.3.6 the officers handled a reported item (the team's leaders)",
                   request=FollowUpInSerializer, responses={200: PatrolLogSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        log = self.get_object()
        if not selectors.can_follow_up(request.user, log):
            raise PermissionDenied
        s = FollowUpInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        _call(services.log_follow_up, actor=request.user, log=log, note=s.validated_data["note"], at=timezone.now())
        return Response(PatrolLogSerializer(selectors.log_get_for(request.user, log.pk)).data)


class HandoverViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = HandoverSerializer

    def get_serializer_class(self):
        return HandoverDetailSerializer if self.action == "retrieve" else HandoverSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_queryset(self):
        user = self.request.user
        show = self.request.query_params.get("show", "")
        if show == "mine":
            qs = selectors.awaiting_my_ack(user)
        elif show == "overdue":
            qs = selectors.overdue_handovers(user, timezone.now())
        else:
            qs = selectors.handovers_visible_to(user)
        qs = selectors.handover_list(qs)
        if self.action == "retrieve":
            qs = qs.prefetch_related("notes")
        return qs

    @extend_schema(summary="§5.3.2 handovers in scope (show=mine: waiting for my acknowledgement; overdue)",
                   parameters=[OpenApiParameter("show", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="§5.3.2 record a handover at shift end (the outgoing member or team leader)",
                   request=HandoverInSerializer, responses={201: HandoverSerializer})
    def create(self, request):
        s = HandoverInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        from_team = selectors.handover_teams_from(request.user).filter(pk=v["from_team"]).first()
        if from_team is None:
            raise PermissionDenied
        to_team = Unit.objects.filter(pk=v["to_team"]).first()
        if to_team is None:
            raise DRFValidationError({"to_team": ["接班小队：不存在。"]})
        h = _call(services.handover_create, actor=request.user, from_team=from_team, day=v["day"],
                  shift_code=v["shift_code"], to_team=to_team, to_day=v.get("to_day"),
                  to_shift_code=v["to_shift_code"], open_issues=v["open_issues"], cases=v["cases"],
                  equipment=v["equipment"], vehicles=v["vehicles"], at=timezone.now())
        return Response(HandoverSerializer(h, context={"now": timezone.now()}).data, status=201)

    @extend_schema(summary="§5.3.2 acknowledge a handover (the incoming team's leader or member)",
                   request=AckInSerializer, responses={200: HandoverSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        h = self.get_object()
        s = AckInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        h = _call(services.handover_acknowledge, actor=request.user, handover=h, remarks=s.validated_data["remarks"],
                  discrepancy=s.validated_data["discrepancy"], at=timezone.now())
        return Response(HandoverSerializer(h, context={"now": timezone.now()}).data)

    @extend_schema(summary="§5.3.2 append a correction note to a handover", request=NoteInSerializer,
                   responses={201: HandoverNoteSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        h = self.get_object()
        s = NoteInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        note = _call(services.handover_note_add, actor=request.user, handover=h, text=s.validated_data["text"],
                     at=timezone.now())
        return Response(HandoverNoteSerializer(note).data, status=201)
