"""v1 contracts (api-v1-reference.md "Contracts", and `customers/{id}/contracts`).

Perfex names: `client` is the customer, `datestart`/`dateend` the dates, `contract_value` the
value. The serializers translate names and call crm.services.contracts; no rule lives here.
Attachments and comments are nested viewsets of their own
(`contracts/{contract_pk}/attachments`, `contracts/{contract_pk}/comments`, in
v1_contract_attachments.py and v1_contract_comments.py) that answer 404 when the contract is
not the company's (`api.nested.NestedUnder`).
"""
from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.context import actor_of
from api.dialects.schema import V1ErrorSerializer
from api.dialects.v1.base import V1ViewSet
from api.fields import CompanyLookupField, CompanyPrimaryKeyRelatedField
from api.mixins import PARTIAL_PUT, CrudMixin
from api.nested import NestedUnder, parent_parameter

from ..filters.contracts import ContractFilter
from ..models import Contract, ContractRenewal, ContractType, Customer
from ..selectors import contracts as selectors
from ..services import contracts as services

def staff_display_name(membership) -> str | None:
    if membership is None:
        return None
    return membership.display_name


# --- contracts -----------------------------------------------------------------------------


class V1ContractRenewalSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    old_dateend = serializers.DateField(source="old_date_end", allow_null=True)
    new_dateend = serializers.DateField(source="new_date_end")
    old_contract_value = serializers.DecimalField(
        source="old_value", max_digits=14, decimal_places=2
    )
    new_contract_value = serializers.DecimalField(
        source="new_value", max_digits=14, decimal_places=2
    )
    renewed_by = serializers.IntegerField(
        source="renewed_by_id", allow_null=True, help_text="Staff id"
    )
    renewed_by_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_renewed_by_name(self, renewal: ContractRenewal) -> str | None:
        return staff_display_name(renewal.renewed_by)


class V1ContractSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    client = CompanyPrimaryKeyRelatedField(
        source="customer", queryset=Customer.objects.all(), help_text="The customer id"
    )
    client_name = serializers.CharField(source="customer.name", read_only=True)
    subject = serializers.CharField(max_length=255)
    contract_type = CompanyLookupField(
        queryset=ContractType.objects.all(),
        required=False,
        allow_null=True,
        help_text="A contract type id, or its name (any case)",
    )
    contract_type_name = serializers.CharField(
        source="contract_type.name", read_only=True, allow_null=True
    )
    datestart = serializers.DateField(source="date_start")
    dateend = serializers.DateField(
        source="date_end",
        required=False,
        allow_null=True,
        help_text="On or after `datestart`; null: no end (never expires)",
    )
    contract_value = serializers.DecimalField(
        source="value",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    description = serializers.CharField(
        required=False, allow_blank=True, help_text="Still editable once the contract is signed"
    )
    content = serializers.CharField(
        required=False, allow_blank=True, help_text="The contract's text: HTML, sanitised"
    )
    signed = serializers.BooleanField(source="is_signed", read_only=True)
    signed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    signer_name = serializers.CharField(read_only=True)
    signer_email = serializers.CharField(read_only=True)
    signed_by = serializers.IntegerField(
        source="signed_by_id", read_only=True, allow_null=True, help_text="Staff id"
    )
    created_by = serializers.IntegerField(
        source="created_by_id", read_only=True, allow_null=True, help_text="Staff id"
    )
    renewals = V1ContractRenewalSerializer(
        many=True, read_only=True, help_text="Renewal history, newest first"
    )
    attachments_count = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(OpenApiTypes.INT)
    def get_attachments_count(self, contract: Contract) -> int:
        count = getattr(contract, "attachments_count", None)
        return contract.attachments.count() if count is None else count

    def create(self, validated_data):
        company = validated_data.pop("company")
        contract = services.contract_create(
            company=company, by=actor_of(self.context["request"]), **validated_data
        )
        return selectors.contract_get(company=company, contract_id=contract.pk)

    def update(self, instance, validated_data):
        contract = services.contract_update(
            contract=instance, by=actor_of(self.context["request"]), **validated_data
        )
        return selectors.contract_get(company=contract.company, contract_id=contract.pk)


class V1ContractSignSerializer(serializers.Serializer):
    signer_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Default: the acting staff member's name, or for an API key the key's name",
    )
    signer_email = serializers.EmailField(
        max_length=254,
        required=False,
        allow_blank=True,
        help_text="Default: the acting staff member's e-mail",
    )


class V1ContractRenewSerializer(serializers.Serializer):
    dateend = serializers.DateField(
        source="date_end", help_text="After the current `dateend` (and after `datestart`)"
    )
    contract_value = serializers.DecimalField(
        source="value",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text="Default: unchanged",
    )


class V1ContractExpiringQuery(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1,
        max_value=selectors.MAX_EXPIRING_DAYS,
        default=selectors.DEFAULT_EXPIRING_DAYS,
        help_text="Ending between today and today + days (the company's date)",
    )


class _ContractListMixin:
    """A page of contracts, with what the representation needs loaded."""

    queryset = Contract.objects.all()
    serializer_class = V1ContractSerializer
    filterset_class = ContractFilter

    def scope_queryset(self, queryset):
        return selectors.contracts_with_relations(queryset)

    def _page(self, queryset) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    update=extend_schema(
        request=V1ContractSerializer(partial=True),
        responses={200: V1ContractSerializer, 409: V1ErrorSerializer},
        description=PARTIAL_PUT + " On a signed contract only `description` may change: a "
        "change of its terms is a 409 `contract_signed` (renew it instead).",
    ),
    destroy=extend_schema(
        responses={204: None, 409: V1ErrorSerializer},
        description="A signed contract cannot be deleted (409 `contract_signed`).",
    ),
)
class ContractViewSet(
    _ContractListMixin,
    CrudMixin,
    V1ViewSet,
):
    """The company's contracts; renewal, signature, expiring and expired lists."""


    def perform_destroy(self, instance):
        services.contract_delete(contract=instance, by=actor_of(self.request))

    def _answer(self, contract: Contract) -> Response:
        fresh = selectors.contract_get(company=self.request.company, contract_id=contract.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(
        # Exploded into `days` with its bounds and default, as the view validates it.
        parameters=[V1ContractExpiringQuery],
        responses={200: V1ContractSerializer(many=True), 400: V1ErrorSerializer},
        description="Contracts ending between today and today + `days`, soonest first.",
    )
    @action(detail=False, methods=["get"])
    def expiring(self, request):
        query = V1ContractExpiringQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        queryset = selectors.contracts_expiring(
            self.get_queryset(), company=request.company, days=query.validated_data["days"]
        )
        return self._page(self.filter_queryset(queryset))

    @extend_schema(
        responses=V1ContractSerializer(many=True),
        description="Contracts that ended before today (the company's date), latest first.",
    )
    @action(detail=False, methods=["get"])
    def expired(self, request):
        queryset = selectors.contracts_expired(self.get_queryset(), company=request.company)
        return self._page(self.filter_queryset(queryset))

    @extend_schema(
        request=V1ContractRenewSerializer,
        responses=V1ContractSerializer,
        description="Moves `dateend` later (and optionally changes the value), keeping the old "
        "ones in `renewals`. Allowed on a signed contract. Answers the contract.",
    )
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        contract = self.get_object()  # 404 for another company's id, before the body
        body = V1ContractRenewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.contract_renew(contract=contract, by=actor_of(request), **body.validated_data)
        return self._answer(contract)

    @extend_schema(
        request=V1ContractSignSerializer,
        responses={200: V1ContractSerializer, 409: V1ErrorSerializer},
        description="Records who signed and when; a contract is signed once (409 "
        "`already_signed`). Its terms are read-only afterwards. Answers the contract.",
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        contract = self.get_object()
        body = V1ContractSignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.contract_sign(contract=contract, by=actor_of(request), **body.validated_data)
        return self._answer(contract)


# --- nested lists --------------------------------------------------------------------------


@extend_schema(parameters=[parent_parameter("customer_pk", "The customer id")])
class CustomerContractViewSet(
    NestedUnder, _ContractListMixin, mixins.ListModelMixin, V1ViewSet
):
    """`GET /api/v1/customers/{id}/contracts`: the customer's contracts."""

    parent_model = Customer
    parent_kwarg = "customer_pk"

    def scope_queryset(self, queryset):
        queryset = queryset.filter(customer_id=self.kwargs.get(self.parent_kwarg))
        return selectors.contracts_with_relations(queryset)
