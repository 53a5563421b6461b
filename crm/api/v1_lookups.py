"""v1 CRM lookups: `lead-statuses`, `lead-sources`, `contract-types` (api-v1-reference.md,
"Utilities").

Each company has its own (seeded when it is created). Members list and read them; admins
create, rename, reorder and delete them. A name is unique in the company whatever its case
(400 on `name`); a lookup still in use is not deleted (409 `in_use` with `blocked_by` counts).
Paginated like every v1 list.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers

from api.context import actor_of
from api.dialects.v1.base import V1ViewSet
from api.mixins import PARTIAL_PUT, CrudMixin
from tenancy.roles import Role

from ..filters.leads import ContractTypeFilter, LeadSourceFilter, LeadStatusFilter
from ..models import ContractType, LeadSource, LeadStatus
from ..services import lookups as services

NAME_HELP = "Unique in the company, whatever its case"
ORDER_HELP = "Position in lists (ascending); a new one goes last when left out"


class V1InUseErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="`in_use`")
    blocked_by = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='What still uses the record, by kind: {"leads": 3}',
    )


class _V1LookupSerializer(serializers.Serializer):
    """Writes through crm.services.lookups; `lookup_model` says which lookup."""

    lookup_model: type = LeadSource

    def _actor(self):
        request = self.context.get("request")
        return actor_of(request) if request is not None else None

    def create(self, validated_data):
        company = validated_data.pop("company")
        return services.lookup_create(
            model=self.lookup_model, company=company, by=self._actor(), **validated_data
        )

    def update(self, instance, validated_data):
        return services.lookup_update(lookup=instance, by=self._actor(), **validated_data)


class V1LeadStatusSerializer(_V1LookupSerializer):
    lookup_model = LeadStatus

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100, help_text=NAME_HELP)
    order = serializers.IntegerField(
        min_value=0, max_value=2147483647, required=False, help_text=ORDER_HELP
    )
    color = serializers.RegexField(
        r"^#[0-9A-Fa-f]{6}$",
        required=False,
        allow_blank=True,
        help_text="A hex colour, `#3b82f6`",
        error_messages={"invalid": "Enter a colour as #rrggbb."},
    )
    is_won = serializers.BooleanField(
        required=False, help_text="The status a converted lead gets (the first such, by order)"
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class V1LeadSourceSerializer(_V1LookupSerializer):
    lookup_model = LeadSource

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100, help_text=NAME_HELP)
    order = serializers.IntegerField(
        min_value=0, max_value=2147483647, required=False, help_text=ORDER_HELP
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class V1ContractTypeSerializer(_V1LookupSerializer):
    """Contract types have no `order`: they are listed by name."""

    lookup_model = ContractType

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100, help_text=NAME_HELP)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


def _schema(serializer_class, kind: str):
    return extend_schema_view(
        update=extend_schema(request=serializer_class(partial=True), description=PARTIAL_PUT),
        destroy=extend_schema(
            description=f"Refused while {kind} still use it: 409 `in_use` with `blocked_by`.",
            responses={
                204: None,
                409: OpenApiResponse(V1InUseErrorSerializer, description="Still in use"),
            },
        ),
    )


class _CompanyLookupViewSet(
    CrudMixin,
    V1ViewSet,
):
    write_role = Role.ADMIN

    def perform_destroy(self, instance):
        services.lookup_delete(lookup=instance, by=actor_of(self.request))


@_schema(V1LeadStatusSerializer, "leads")
class LeadStatusViewSet(_CompanyLookupViewSet):
    """The company's lead statuses, by order. Members read; admins write."""

    queryset = LeadStatus.objects.order_by("order", "id")
    serializer_class = V1LeadStatusSerializer
    filterset_class = LeadStatusFilter


@_schema(V1LeadSourceSerializer, "leads")
class LeadSourceViewSet(_CompanyLookupViewSet):
    """The company's lead sources, by order. Members read; admins write."""

    queryset = LeadSource.objects.order_by("order", "id")
    serializer_class = V1LeadSourceSerializer
    filterset_class = LeadSourceFilter


@_schema(V1ContractTypeSerializer, "contracts")
class ContractTypeViewSet(_CompanyLookupViewSet):
    """The company's contract types, by name. Members read; admins write."""

    queryset = ContractType.objects.order_by("name", "id")
    serializer_class = V1ContractTypeSerializer
    filterset_class = ContractTypeFilter
