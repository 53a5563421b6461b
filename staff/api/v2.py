"""v2 users (api-v2-reference.md "Administrative Endpoints / Users").

A v2 user is a staff member (a membership) under the v2 document's names: one `name`, and the
role `administrator` or `user`. Creating one is the same `staff_create` as v1.
"""
from __future__ import annotations

from django.db import models
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from api.dialects.schema import V2ErrorSerializer
from api.dialects.v2.base import V2ViewSet
from tenancy.models import Membership
from tenancy.roles import Role

from .. import selectors, services
from ..filters import UserFilter


class V2UserRole(models.TextChoices):
    """The v2 document's role names (schema: V2UserRoleEnum, apart from tenancy's RoleEnum)."""

    ADMINISTRATOR = "administrator", "Administrator"
    USER = "user", "User"


# Requests may also say "admin", the role's name elsewhere (schema: V2UserCreateRoleEnum).
V2_ROLE_INPUT_CHOICES = [*V2UserRole.choices, ("admin", "Administrator")]

_TO_ROLE = {"administrator": Role.ADMIN, "admin": Role.ADMIN, "user": Role.USER}
_FROM_ROLE = {Role.ADMIN: V2UserRole.ADMINISTRATOR, Role.USER: V2UserRole.USER}


def split_name(name: str) -> tuple[str, str]:
    """"Admin User" -> ("Admin", "User"); the last word is the last name."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]


class V2UserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The staff id (membership id)")
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(source="user.email")
    username = serializers.CharField(
        source="user.username",
        help_text="The login: the e-mail, or the e-mail with a suffix when that was taken",
    )
    role = serializers.SerializerMethodField()
    active = serializers.BooleanField(source="is_active")
    created_at = serializers.DateTimeField()

    def get_name(self, membership: Membership) -> str:
        return membership.user.get_full_name()

    @extend_schema_field(serializers.ChoiceField(choices=V2UserRole.choices))
    def get_role(self, membership: Membership) -> str:
        return _FROM_ROLE[membership.role]


class V2UserCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=301, help_text="First and last name")
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    role = serializers.ChoiceField(choices=V2_ROLE_INPUT_CHOICES, default=V2UserRole.USER)

    def validate_name(self, value: str) -> str:
        first_name, last_name = split_name(value)
        if len(first_name) > 150 or len(last_name) > 150:
            raise serializers.ValidationError(
                "Ensure each part of the name has at most 150 characters."
            )
        return value

    def create(self, validated_data):
        first_name, last_name = split_name(validated_data["name"])
        return services.staff_create(
            company=validated_data["company"],
            first_name=first_name,
            last_name=last_name,
            email=validated_data["email"],
            password=validated_data["password"],
            role=_TO_ROLE[validated_data["role"]],
        )


class UserViewSet(mixins.ListModelMixin, V2ViewSet):
    """Users (staff members) of the company. Members list; admins create."""

    queryset = Membership.objects.all()
    serializer_class = V2UserSerializer
    filterset_class = UserFilter
    write_role = Role.ADMIN

    def scope_queryset(self, queryset):
        return selectors.staff_with_relations(queryset)

    @extend_schema(
        request=V2UserCreateSerializer,
        responses={
            201: V2UserSerializer,
            409: OpenApiResponse(V2ErrorSerializer, "No free username could be chosen; retry"),
        },
    )
    def create(self, request, *args, **kwargs):
        body = V2UserCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        self.perform_create(body)  # -> body.save(company=...) -> staff_create
        return Response(self.get_serializer(body.instance).data, status=status.HTTP_201_CREATED)
