"""v1 customers and contacts (api-v1-reference.md "Customers", "Contacts").

Perfex-style names over crm's models: a customer's name is `company`, its phone
`phonenumber`, its assigned staff member `assigned`; a contact's customer is `userid`. The
serializers rename and call crm.services; no rule lives here.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from api.context import actor_of
from api.dialects.schema import V1ErrorSerializer
from api.dialects.v1.base import V1ViewSet
from api.fields import CompanyPrimaryKeyRelatedField, CountryCodeField, CurrencyCodeField
from api.mixins import PARTIAL_PUT, CrudMixin
from tenancy.models import Membership

from ..filters.customers import ContactFilter, CustomerContactFilter, CustomerFilter
from ..models import Contact, Customer
from ..selectors import customers as selectors
from ..services import contacts as contact_services
from ..services import customers as customer_services


class V1CustomerDeleteRefusedSerializer(V1ErrorSerializer):
    blocked_by = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='What still needs the customer: {"contracts": 2, "invoices": 1}',
    )


CUSTOMER_DELETE_DESCRIPTION = (
    "Deletes the customer with its contacts. Refused (409 `customer_has_dependents`, with "
    "`blocked_by` counts) while contracts, invoices or payments still need it."
)


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, **kwargs
    )


# --- customers -----------------------------------------------------------------------------


class V1CustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    company = serializers.CharField(source="name", max_length=200, help_text="The customer's name")
    vat = _text(50, help_text="VAT / tax number")
    phonenumber = _text(50, source="phone")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    website = serializers.URLField(max_length=255, required=False, allow_blank=True)
    address = _text(255, help_text="Billing address: street")
    city = _text(100)
    state = _text(100)
    zip = _text(20)
    country = CountryCodeField()
    shipping_street = _text(255, source="shipping_address")
    shipping_city = _text(100)
    shipping_state = _text(100)
    shipping_zip = _text(20)
    shipping_country = CountryCodeField()
    default_currency = CurrencyCodeField()
    active = serializers.BooleanField(source="is_active", required=False, default=True)
    assigned = CompanyPrimaryKeyRelatedField(
        source="assigned_to",
        queryset=Membership.objects.all(),
        required=False,
        allow_null=True,
        help_text="Staff id of the staff member responsible for the customer: an active one, "
        "or the one already assigned",
    )
    contacts_count = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_contacts_count(self, customer: Customer) -> int:
        count = getattr(customer, "contacts_count", None)  # annotated by the selector
        return customer.contacts.count() if count is None else count

    def create(self, validated_data):
        company = validated_data.pop("company")
        return customer_services.customer_create(
            company=company, by=actor_of(self.context["request"]), **validated_data
        )

    def update(self, instance, validated_data):
        return customer_services.customer_update(
            customer=instance, by=actor_of(self.context["request"]), **validated_data
        )


class V1ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    userid = CompanyPrimaryKeyRelatedField(
        source="customer",
        queryset=Customer.objects.all(),
        help_text="The customer's id. Required on create; a contact cannot move to another "
        "customer later.",
    )
    firstname = serializers.CharField(source="first_name", max_length=100)
    lastname = serializers.CharField(source="last_name", max_length=100)
    email = serializers.EmailField(
        max_length=254, help_text="Unique among the customer's contacts, whatever its case"
    )
    phonenumber = _text(50, source="phone")
    title = _text(100)
    is_primary = serializers.BooleanField(
        required=False,
        help_text="The customer's first contact is primary. Setting it makes this contact "
        "the primary one and the previous one not; the primary cannot be unset directly.",
    )
    active = serializers.BooleanField(source="is_active", required=False, default=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_userid(self, customer: Customer) -> Customer:
        if self.instance is not None and customer.pk != self.instance.customer_id:
            raise serializers.ValidationError("A contact cannot move to another customer.")
        return customer

    def create(self, validated_data):
        return contact_services.contact_create(
            company=validated_data.pop("company"),
            customer=validated_data.pop("customer"),
            by=actor_of(self.context["request"]),
            **validated_data,
        )

    def update(self, instance, validated_data):
        validated_data.pop("customer", None)  # the same customer (validate_userid)
        return contact_services.contact_update(
            contact=instance, by=actor_of(self.context["request"]), **validated_data
        )


@extend_schema_view(
    update=extend_schema(request=V1CustomerSerializer(partial=True), description=PARTIAL_PUT),
    destroy=extend_schema(
        description=CUSTOMER_DELETE_DESCRIPTION,
        responses={
            204: None,
            409: OpenApiResponse(V1CustomerDeleteRefusedSerializer, "Still needed"),
        },
    ),
)
class CustomerViewSet(
    CrudMixin,
    V1ViewSet,
):
    """The company's customers."""

    queryset = Customer.objects.all()
    serializer_class = V1CustomerSerializer
    filterset_class = CustomerFilter

    def scope_queryset(self, queryset):
        if queryset.model is Contact:  # the `contacts` action
            return queryset
        return selectors.customers_with_counts(queryset)

    def perform_destroy(self, instance):
        customer_services.customer_delete(customer=instance, by=actor_of(self.request))

    @extend_schema(
        responses=V1ContactSerializer(many=True),
        description="The customer's contacts, primary first. 404 for another company's "
        "customer.",
    )
    @action(
        detail=True,
        methods=["get"],
        queryset=Contact.objects.all(),
        serializer_class=V1ContactSerializer,
        filterset_class=CustomerContactFilter,
    )
    def contacts(self, request, pk=None):
        customer = selectors.customer_get(company=request.company, customer_id=pk)
        if customer is None:
            raise NotFound()
        self.check_object_permissions(request, customer)
        contacts = self.filter_queryset(self.get_queryset().filter(customer=customer))
        page = self.paginate_queryset(contacts)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- contacts ------------------------------------------------------------------------------


@extend_schema_view(
    update=extend_schema(request=V1ContactSerializer(partial=True), description=PARTIAL_PUT),
    destroy=extend_schema(
        description="The primary contact cannot be deleted (409 `primary_contact`): make "
        "another contact primary first.",
        responses={204: None, 409: OpenApiResponse(V1ErrorSerializer, "The primary contact")},
    ),
)
class ContactViewSet(
    CrudMixin,
    V1ViewSet,
):
    """Customers' contacts."""

    queryset = Contact.objects.all()
    serializer_class = V1ContactSerializer
    filterset_class = ContactFilter

    def perform_destroy(self, instance):
        contact_services.contact_delete(contact=instance, by=actor_of(self.request))
