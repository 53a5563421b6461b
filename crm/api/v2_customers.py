"""v2 customers and the batch create (api-v2-reference.md "Customers", "Batch Operations").

The same customers as v1 under the v2 document's names: the name is `account`, and the
billing address is flat (`address, city, state, zip, country`). The v2 envelope and error
shape come from the dialect.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.context import actor_of
from api.dialects.schema import V2ErrorSerializer
from api.dialects.v2.base import V2ViewSet
from api.dialects.v2.fields import V2EmailField
from api.fields import CountryCodeField
from api.mixins import PARTIAL_PUT, CrudMixin

from ..filters.customers import V2CustomerFilter
from ..models import Customer
from ..services import customers as customer_services
from .v1_customers import CUSTOMER_DELETE_DESCRIPTION

NON_FIELD_ERRORS_KEY = api_settings.NON_FIELD_ERRORS_KEY
BATCH_LIMIT_MESSAGE = (
    f"At most {customer_services.MAX_BULK_CUSTOMERS} customers per batch."
)


def _text(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True)


class V2CustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    account = serializers.CharField(source="name", max_length=200, help_text="The customer's name")
    email = V2EmailField(max_length=254, required=False, allow_blank=True)
    phone = _text(50)
    address = _text(255)
    city = _text(100)
    state = _text(100)
    zip = _text(20)
    country = CountryCodeField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def create(self, validated_data):
        company = validated_data.pop("company")
        return customer_services.customer_create(
            company=company, by=actor_of(self.context["request"]), **validated_data
        )

    def update(self, instance, validated_data):
        return customer_services.customer_update(
            customer=instance, by=actor_of(self.context["request"]), **validated_data
        )


class _EntryList(serializers.ListSerializer):
    """A list whose own errors (empty, too long, not a list) sit on its field's name, as
    `"customers": "..."`, not under `"customers.non_field_errors"`. Its length is checked
    before any entry is."""

    def run_validation(self, data=serializers.empty):
        try:
            return super().run_validation(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict) and list(exc.detail) == [NON_FIELD_ERRORS_KEY]:
                raise serializers.ValidationError(exc.detail[NON_FIELD_ERRORS_KEY]) from exc
            raise


class V2CustomerBatchSerializer(serializers.Serializer):
    customers = _EntryList(
        child=V2CustomerSerializer(),
        allow_empty=False,
        max_length=customer_services.MAX_BULK_CUSTOMERS,
        error_messages={
            "max_length": BATCH_LIMIT_MESSAGE,
            "empty": "Send at least one customer.",
        },
        help_text=f"1 to {customer_services.MAX_BULK_CUSTOMERS} customers, created all or "
        "none",
    )


class V2CustomerDeleteRefusedSerializer(V2ErrorSerializer):
    blocked_by = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='What still needs the customer: {"contracts": 2, "invoices": 1}',
    )


@extend_schema_view(
    update=extend_schema(request=V2CustomerSerializer(partial=True), description=PARTIAL_PUT),
    destroy=extend_schema(
        description=CUSTOMER_DELETE_DESCRIPTION,
        responses={
            204: None,
            409: OpenApiResponse(V2CustomerDeleteRefusedSerializer, "Still needed"),
        },
    ),
)
class V2CustomerViewSet(
    CrudMixin,
    V2ViewSet,
):
    """The company's customers (`page`, `limit`, `search`)."""

    queryset = Customer.objects.all()
    serializer_class = V2CustomerSerializer
    filterset_class = V2CustomerFilter

    def perform_destroy(self, instance):
        customer_services.customer_delete(customer=instance, by=actor_of(self.request))


class V2CustomerBatchViewSet(V2ViewSet):
    """`POST /api/v2/batch/customers`: every customer or none."""

    queryset = Customer.objects.all()
    serializer_class = V2CustomerBatchSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        request=V2CustomerBatchSerializer,
        responses={201: V2CustomerSerializer(many=True)},
        description="Creates every customer with one insert, or none: if any entry is "
        "invalid, nothing is created and `errors` names each entry and field "
        '(`"customers.1.email"`). At most '
        f"{customer_services.MAX_BULK_CUSTOMERS} customers per call.",
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        customers = customer_services.customer_bulk_create(
            company=request.company, by=actor_of(request), rows=body.validated_data["customers"]
        )
        return Response(
            V2CustomerSerializer(customers, many=True).data, status=status.HTTP_201_CREATED
        )
