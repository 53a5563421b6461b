"""v2 leads (api-v2-reference.md "Leads / Create Lead"): `POST /api/v2/leads` only.

The v2 body names the person in two parts and the source by name; a source the company does
not have yet is created (matched case-insensitively first, so "website" and "Website" are one
source). The lead is the same row as v1's: `name` is "first last".
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from api.context import actor_of
from api.dialects.v2.base import V2ViewSet
from api.dialects.v2.fields import V2EmailField

from ..models import Lead
from ..selectors import leads as selectors
from ..services import leads as lead_services
from ..services import lookups as lookup_services
from ..services.leads import split_name


class V2LeadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.SerializerMethodField()
    last_name = serializers.SerializerMethodField()
    email = V2EmailField()
    company = serializers.CharField(source="company_name")
    phone = serializers.CharField()
    source = serializers.CharField(source="source.name", allow_null=True)
    status = serializers.CharField(source="status.name")
    created_at = serializers.DateTimeField()

    def get_first_name(self, lead: Lead) -> str:
        return split_name(lead.name)[0]

    def get_last_name(self, lead: Lead) -> str:
        return split_name(lead.name)[1]


class V2LeadCreateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=99, required=False, allow_blank=True)
    email = V2EmailField(
        max_length=254,
        required=False,
        allow_blank=True,
    )
    company = serializers.CharField(
        source="company_name", max_length=200, required=False, allow_blank=True
    )
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    source = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A source name; one the company does not have yet is created",
    )

    def create(self, validated_data):
        company = validated_data["company"]  # the tenant, from the viewset (the body's is
        # the lead's company name, under `company_name`)
        by = actor_of(self.context["request"])
        source = None
        if validated_data.get("source"):
            source = lookup_services.lead_source_get_or_create(
                company=company, name=validated_data["source"], by=by
            )
        name = " ".join(
            part for part in (validated_data["first_name"], validated_data.get("last_name")) if part
        )
        return lead_services.lead_create(
            company=company,
            by=by,
            name=name,
            email=validated_data.get("email", ""),
            company_name=validated_data.get("company_name", ""),
            phone=validated_data.get("phone", ""),
            source=source,
        )


class LeadCreateViewSet(mixins.CreateModelMixin, V2ViewSet):
    """Create a lead (the v2 document has no other lead endpoint)."""

    queryset = Lead.objects.all()
    serializer_class = V2LeadSerializer

    @extend_schema(
        request=V2LeadCreateSerializer,
        responses={201: V2LeadSerializer},
        description="`source` names a lead source; one the company does not have yet is "
        "created. The status is the company's first.",
    )
    def create(self, request, *args, **kwargs):
        body = V2LeadCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        self.perform_create(body)  # -> body.save(company=...) -> lead_create
        lead = selectors.lead_get(company=request.company, lead_id=body.instance.pk)
        return Response(self.get_serializer(lead).data, status=status.HTTP_201_CREATED)
