"""`POST /api/auth/login/` and `POST /api/auth/refresh/` (simplejwt), with membership checks."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework_simplejwt.serializers import (
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
)
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from tenancy.credentials import user_can_sign_in

from .dialects.base import DialectMixin
from .dialects.schema import V1AutoSchema
from .dialects.v1.exceptions import exception_handler
from .throttling import IpRateThrottle

NO_ACCESS = "No active account found with the given credentials"


class LoginThrottle(IpRateThrottle):
    scope = "login"


class LoginSerializer(TokenObtainPairSerializer):
    def validate(self, attrs):
        data = super().validate(attrs)  # inactive users fail here already
        if not user_can_sign_in(self.user):
            raise exceptions.AuthenticationFailed(NO_ACCESS, code="no_active_account")
        return data


class RefreshSerializer(TokenRefreshSerializer):
    def validate(self, attrs):
        refresh = RefreshToken(attrs["refresh"])
        user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None or not user_can_sign_in(user):
            raise exceptions.AuthenticationFailed(NO_ACCESS, code="no_active_account")
        return super().validate(attrs)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AccessTokenSerializer(serializers.Serializer):
    """A refresh answers a new access token only (ROTATE_REFRESH_TOKENS is off)."""

    access = serializers.CharField()


class AuthAutoSchema(V1AutoSchema):
    """Errors in the `{detail, code}` shape the handler sends: 400 for a missing field, 401
    for wrong credentials or a bad token, 429 when throttled. No permission check: no 403."""

    def _error_statuses(self) -> list[str]:
        return ["400", "401", "429"]


class AuthViewMixin(DialectMixin):
    dialect = "billingo"
    dialect_exception_handler = staticmethod(exception_handler)
    renderer_classes = [JSONRenderer]
    throttle_classes = [LoginThrottle]
    schema = AuthAutoSchema()


@extend_schema_view(post=extend_schema(responses={200: TokenPairSerializer}))
class LoginView(AuthViewMixin, TokenObtainPairView):
    """Exchange a username and password for an access and a refresh token."""

    serializer_class = LoginSerializer


@extend_schema_view(post=extend_schema(responses={200: AccessTokenSerializer}))
class RefreshView(AuthViewMixin, TokenRefreshView):
    """Exchange a refresh token for a new access token."""

    serializer_class = RefreshSerializer
