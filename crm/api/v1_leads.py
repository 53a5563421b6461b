"""v1 leads (api-v1-reference.md "Leads"): CRUD, `convert`, `activities` and `notes`.

Perfex names: `company` is the lead's company name, `phonenumber` its phone, `assigned` the
assigned staff id. `status` and `source` name a lookup by id or by name (case-insensitive),
as the document's example does (`"source": "website", "status": 1`).
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.context import actor_of
from api.dialects.v1.base import V1ViewSet
from api.fields import CompanyLookupField, CompanyPrimaryKeyRelatedField
from api.mixins import CrudMixin
from tenancy.models import Membership

from ..filters.leads import LeadFilter
from ..models import Lead, LeadSource, LeadStatus, NoteRelType
from ..services import leads as services
from ..services.leads import MAX_TAG_LENGTH, MAX_TAGS
from .v1_activity import V1ActivitySerializer, activity_list_response
from .v1_notes import V1NoteSerializer, note_page_response


class V1LeadSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200, help_text="The person's name")
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    company = serializers.CharField(
        source="company_name", max_length=200, required=False, allow_blank=True
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phonenumber = serializers.CharField(
        source="phone", max_length=50, required=False, allow_blank=True
    )
    website = serializers.URLField(max_length=255, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    state = serializers.CharField(max_length=100, required=False, allow_blank=True)
    zip = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2 code"
    )
    description = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    status = CompanyLookupField(
        queryset=LeadStatus.objects.all(),
        required=False,
        help_text="A lead status id or name; the company's first status when left out",
    )
    source = CompanyLookupField(
        queryset=LeadSource.objects.all(),
        required=False,
        allow_null=True,
        help_text="A lead source id or name (an unknown name is a 400)",
    )
    assigned = CompanyPrimaryKeyRelatedField(
        source="assigned_to",
        queryset=Membership.objects.all(),
        required=False,
        allow_null=True,
        help_text="A staff member's id: an active one, or the one already assigned",
    )
    value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TAG_LENGTH, allow_blank=True),
        max_length=MAX_TAGS,
        required=False,
        help_text="Trimmed; blanks dropped; each tag once, whatever its case",
    )
    converted = serializers.BooleanField(source="is_converted", read_only=True)
    customer_id = serializers.IntegerField(
        source="converted_customer_id",
        read_only=True,
        allow_null=True,
        help_text="The customer the lead was converted to",
    )
    converted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def _actor(self):
        request = self.context.get("request")
        return actor_of(request) if request is not None else None

    def create(self, validated_data):
        company = validated_data.pop("company")
        return services.lead_create(company=company, by=self._actor(), **validated_data)

    def update(self, instance, validated_data):
        return services.lead_update(lead=instance, by=self._actor(), **validated_data)


class V1LeadConversionSerializer(serializers.Serializer):
    lead = V1LeadSerializer()
    customer_id = serializers.IntegerField()
    contact_id = serializers.IntegerField(
        allow_null=True, help_text="The primary contact; null when the lead had no e-mail"
    )


class V1AlreadyConvertedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="`already_converted`")
    customer_id = serializers.IntegerField(help_text="The customer the lead was converted to")


@extend_schema_view(
    update=extend_schema(
        request=V1LeadSerializer(partial=True),
        description="`PUT` is partial: fields left out keep their values.",
    ),
    destroy=extend_schema(description="Deletes the lead and its notes; its log stays."),
)
class LeadViewSet(
    CrudMixin,
    V1ViewSet,
):
    """The company's leads, newest first."""

    queryset = Lead.objects.all()
    serializer_class = V1LeadSerializer
    filterset_class = LeadFilter

    def perform_destroy(self, instance):
        services.lead_delete(lead=instance, by=actor_of(self.request))

    @extend_schema(
        request=None,
        responses={
            201: V1LeadConversionSerializer,
            409: OpenApiResponse(V1AlreadyConvertedSerializer, description="Already converted"),
        },
        description="Creates the customer (named after the lead's company, else the lead) and, "
        "when the lead has an e-mail, its primary contact, in one transaction; marks the lead "
        "converted with the company's won status. A lead without an e-mail gets a customer "
        "with no contact (`contact_id` null): a contact needs an e-mail. Converting again is a "
        "409 `already_converted` with the existing `customer_id`.",
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        conversion = services.lead_convert(
            company=request.company, lead=self.get_object(), by=actor_of(request)
        )
        body = {
            "lead": V1LeadSerializer(conversion.lead, context=self.get_serializer_context()).data,
            "customer_id": conversion.customer.pk,
            "contact_id": conversion.contact.pk if conversion.contact is not None else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=V1ActivitySerializer(many=True),
        description="The lead's activity log, newest first.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def activities(self, request, pk=None):
        return activity_list_response(self, obj=self.get_object())

    @extend_schema(
        responses=V1NoteSerializer(many=True), description="The lead's notes, newest first."
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def notes(self, request, pk=None):
        lead = self.get_object()
        return note_page_response(self, rel_type=NoteRelType.LEAD, rel_id=lead.pk)
