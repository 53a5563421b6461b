"""v1 staff, staff roles and departments (api-v1-reference.md "Staff", "departments").

A staff member is a membership shown with its user's fields under Perfex-style names; its id
is the membership's. The serializers translate names and call staff.services; no rule lives
here.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from api.dialects.schema import V1ErrorSerializer
from api.dialects.v1.base import V1LookupViewSet, V1ViewSet
from api.fields import CompanyPrimaryKeyRelatedField
from api.mixins import PARTIAL_PUT, CrudMixin
from api.permissions import TENANT_PERMISSIONS
from core.exceptions import PermissionDeniedError
from tenancy.models import Department, Membership
from tenancy.roles import Permission, Role, role_allows

from .. import selectors, services
from ..filters import DepartmentFilter, StaffFilter



# --- staff ---------------------------------------------------------------------------------


class V1StaffSerializer(serializers.Serializer):
    """A staff member: a membership with its user's name, e-mail and login."""

    id = serializers.IntegerField(read_only=True, help_text="The staff id (membership id)")
    firstname = serializers.CharField(source="user.first_name", max_length=150)
    lastname = serializers.CharField(source="user.last_name", max_length=150)
    email = serializers.EmailField(source="user.email", max_length=254)
    username = serializers.CharField(
        source="user.username",
        read_only=True,
        help_text="The login: the e-mail, or the e-mail with a suffix when that was taken",
    )
    password = serializers.CharField(
        write_only=True,
        max_length=128,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Checked by the password validators",
    )
    phonenumber = serializers.CharField(
        source="phone", max_length=50, required=False, allow_blank=True
    )
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    departments = CompanyPrimaryKeyRelatedField(
        many=True, required=False, queryset=Department.objects.all()
    )
    active = serializers.BooleanField(
        source="is_active",
        read_only=True,
        help_text="Changed by the activate and deactivate actions (and by DELETE)",
    )
    last_login = serializers.DateTimeField(
        source="user.last_login", read_only=True, allow_null=True
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def create(self, validated_data):
        user = validated_data["user"]
        return services.staff_create(
            company=validated_data["company"],
            first_name=user["first_name"],
            last_name=user["last_name"],
            email=user["email"],
            password=validated_data["password"],
            role=validated_data.get("role", Role.USER),
            phone=validated_data.get("phone", ""),
            departments=validated_data.get("departments", ()),
        )

    def update(self, instance, validated_data):
        user = validated_data.get("user", {})
        request = self.context.get("request")
        return services.staff_update(
            membership=instance,
            first_name=user.get("first_name"),
            last_name=user.get("last_name"),
            email=user.get("email"),
            phone=validated_data.get("phone"),
            role=validated_data.get("role"),
            departments=validated_data.get("departments"),
            password=validated_data.get("password"),
            by=getattr(request, "membership", None),
        )


class V1StaffPasswordSerializer(serializers.Serializer):
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class V1StaffPermissionsSerializer(serializers.Serializer):
    staff_id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Role.choices)
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=Permission.choices),
        help_text="What the member may do; empty while they are inactive",
    )


class OwnPasswordOrAdmin(BasePermission):
    """change-password: an admin for anyone in the company; any member for themself."""

    def has_object_permission(self, request, view, obj) -> bool:
        if view.action != "change_password" or role_allows(request.role, Role.ADMIN):
            return True
        membership = getattr(request, "membership", None)
        if membership is not None and membership.pk == obj.pk:
            return True
        raise PermissionDeniedError("Only an admin can change another staff member's password.")


_LAST_ADMIN = OpenApiResponse(V1ErrorSerializer, "The company's last active admin (`last_admin`)")


@extend_schema_view(
    create=extend_schema(
        responses={
            201: V1StaffSerializer,
            409: OpenApiResponse(V1ErrorSerializer, "No free username could be chosen; retry"),
        }
    ),
    update=extend_schema(
        request=V1StaffSerializer(partial=True),
        responses={200: V1StaffSerializer, 409: _LAST_ADMIN},
        description=f"{PARTIAL_PUT} The last active admin cannot be demoted (409 `last_admin`).",
    ),
    destroy=extend_schema(
        responses={204: None, 409: _LAST_ADMIN},
        description="Deactivates the staff member (as `deactivate` does) and keeps the user "
        "and their history. The last active admin cannot be removed (409 `last_admin`).",
    ),
)
class StaffViewSet(
    CrudMixin,
    V1ViewSet,
):
    """Staff members of the company. Members read; admins write (a member may change their
    own password)."""

    queryset = Membership.objects.all()
    serializer_class = V1StaffSerializer
    filterset_class = StaffFilter
    write_role = Role.ADMIN
    action_roles = {"change_password": Role.USER}
    permission_classes = [*TENANT_PERMISSIONS, OwnPasswordOrAdmin]

    def scope_queryset(self, queryset):
        return selectors.staff_with_relations(queryset)

    def perform_destroy(self, instance):
        services.staff_deactivate(membership=instance)

    def _answer(self, membership) -> Response:
        return Response(self.get_serializer(membership).data)

    @extend_schema(request=None, responses=V1StaffSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._answer(services.staff_activate(membership=self.get_object()))

    @extend_schema(
        request=None,
        responses={200: V1StaffSerializer, 409: _LAST_ADMIN},
        description="The last active admin cannot be deactivated (409 `last_admin`).",
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._answer(services.staff_deactivate(membership=self.get_object()))

    @extend_schema(
        request=V1StaffPasswordSerializer,
        responses=V1StaffSerializer,
        description="Admins for anyone; a member for their own staff id. Answers the staff "
        "member.",
    )
    @action(detail=True, methods=["post"], url_path="change-password")
    def change_password(self, request, pk=None):
        membership = self.get_object()  # 404 for another company's id, before the body
        body = V1StaffPasswordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.staff_change_password(
            membership=membership,
            password=body.validated_data["password"],
            by=getattr(request, "membership", None),
        )
        return self._answer(membership)

    @extend_schema(responses=V1StaffPermissionsSerializer)
    @action(detail=True, methods=["get"])
    def permissions(self, request, pk=None):
        permissions = selectors.staff_permissions(membership=self.get_object())
        return Response(V1StaffPermissionsSerializer(permissions).data)


class V1StaffRoleSerializer(serializers.Serializer):
    id = serializers.ChoiceField(choices=Role.choices)
    name = serializers.CharField()
    permissions = serializers.ListField(child=serializers.ChoiceField(choices=Permission.choices))


class StaffRoleViewSet(mixins.ListModelMixin, V1LookupViewSet):
    """The staff roles and what each allows: the same for every company. Not paginated."""

    serializer_class = V1StaffRoleSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(responses=V1StaffRoleSerializer(many=True))
    def list(self, request, *args, **kwargs):
        return Response(V1StaffRoleSerializer(selectors.role_catalogue(), many=True).data)


# --- departments ---------------------------------------------------------------------------


class V1DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100, help_text="Unique in the company")
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def create(self, validated_data):
        return services.department_create(
            company=validated_data["company"],
            name=validated_data["name"],
            email=validated_data.get("email", ""),
        )

    def update(self, instance, validated_data):
        return services.department_update(
            department=instance, name=validated_data.get("name"), email=validated_data.get("email")
        )


@extend_schema_view(
    update=extend_schema(request=V1DepartmentSerializer(partial=True), description=PARTIAL_PUT),
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(V1ErrorSerializer, "Still in use: `blocked_by` names what"),
        },
        description="Members keep their place without the department. 409 `in_use` with "
        "`blocked_by` while other records still need it.",
    ),
)
class DepartmentViewSet(
    CrudMixin,
    V1ViewSet,
):
    """The company's departments. Members read; admins write."""

    queryset = Department.objects.all()
    serializer_class = V1DepartmentSerializer
    filterset_class = DepartmentFilter
    write_role = Role.ADMIN

    def perform_destroy(self, instance):
        services.department_delete(department=instance)


class StaffDepartmentViewSet(mixins.ListModelMixin, V1ViewSet):
    """`GET /api/v1/staff/departments`: the departments list, read-only."""

    queryset = Department.objects.all()
    serializer_class = V1DepartmentSerializer
    filterset_class = DepartmentFilter
