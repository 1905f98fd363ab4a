"""§5.3 REST API for attachments (``/api/v1/files/...``), scoped like ``/files/<pk>/``.

- ``GET files/`` the attachments the caller may see (``?purpose=&member=``), newest first, paginated;
- ``GET files/<id>/`` one of them (its ``url`` serves the file); outside scope → 404;
- ``POST files/`` (multipart: ``file``, ``purpose``, optional ``member``/``unit`` ids within the
  caller's scope; a member may attach only to themself) → 201 with the stored attachment, so a phone
  can upload photos first and name their ids in the record it posts next. A refused file → 400
  ``{"file": ["照片“x.jpg”：…"]}``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from auxpost.accounts import scope
from auxpost.files import selectors, services
from auxpost.files.models import Attachment
from auxpost.org.models import Unit
from auxpost.people.models import Member


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "purpose", "uploaded_by",
                  "uploaded_at", "member", "unit", "url"]

    def get_url(self, obj) -> str:
        return reverse("files:attachment", args=[obj.pk])


class AttachmentInSerializer(serializers.Serializer):
    file = serializers.FileField()
    purpose = serializers.CharField(max_length=40)
    member = serializers.IntegerField(required=False, allow_null=True)
    unit = serializers.IntegerField(required=False, allow_null=True)


class AttachmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.attachments_visible(self.request.user)
        purpose = self.request.query_params.get("purpose")
        if purpose:
            qs = qs.filter(purpose=purpose)
        member = self.request.query_params.get("member")
        if member:
            if not member.isdigit():
                raise DRFValidationError({"member": [_("Must be a whole number.")]})
            qs = qs.filter(member_id=int(member))
        return qs

    def get_object(self):
        pk = self.kwargs.get("pk")
        att = selectors.attachment_for(self.request.user, pk) if str(pk).isdigit() else None
        if att is None:
            raise Http404
        return att

    @extend_schema(request={"multipart/form-data": AttachmentInSerializer}, responses={201: AttachmentSerializer})
    def create(self, request, *args, **kwargs):
        if not scope.roles(request.user):
            raise PermissionDenied
        data = AttachmentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        member = unit = None
        if v.get("member") is not None:
            mq = scope.member_q(request.user)
            member = Member.objects.filter(mq, pk=v["member"]).first() if mq is not None else None
            if member is None:
                raise DRFValidationError({"member": [_("No such member within your scope.")]})
        if v.get("unit") is not None:
            uq = scope.unit_q(request.user)
            unit = Unit.objects.filter(uq, pk=v["unit"]).first() if uq is not None else None
            if unit is None:
                raise DRFValidationError({"unit": [_("No such unit within your scope.")]})
        try:
            att = services.attachment_store(upload=v["file"], purpose=v["purpose"], uploaded_by=request.user,
                                            member=member, unit=unit, at=timezone.now())
        except DjangoValidationError as exc:
            raise DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else
                                     {"file": exc.messages}) from None
        return Response(AttachmentSerializer(att).data, status=201)
