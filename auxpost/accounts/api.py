"""Token login for scripts (SPEC §12: session login for pages, token login for scripts).

Goes through the same lock-out backend as the login page (``authenticate`` with the request), so
failures count, a locked account stays locked and every attempt is in the login log.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, renderers, serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send as the header "Authorization: Token <token>".')


class TokenObtainView(APIView):
    """POST username and password, get the user's API token."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()
    parser_classes = (parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser)
    renderer_classes = (renderers.JSONRenderer,)

    @extend_schema(summary="Obtain an API token", request=TokenRequestSerializer,
                   responses={200: TokenResponseSerializer}, auth=[])
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(django_request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None:
            until = getattr(django_request, "auxpost_locked_until", None)
            if until is not None:
                message = _("Too many failed logins. This account is locked until %(until)s.") % {
                    "until": formats.date_format(timezone.localtime(until), "Y-m-d H:i")}
            else:
                message = _("Wrong username or password.")
            raise ValidationError({"non_field_errors": [message]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenResponseSerializer({"token": token.key}).data)
