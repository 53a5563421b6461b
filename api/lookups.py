"""Lookups with no domain behind them."""
from __future__ import annotations

from django_countries import countries
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response

from .dialects.v1.base import V1LookupViewSet

class V1CountrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2")
    alpha3 = serializers.CharField(help_text="ISO 3166-1 alpha-3")
    numeric = serializers.CharField(help_text="ISO 3166-1 numeric, zero-padded")
    name = serializers.CharField()


class CountryViewSet(mixins.ListModelMixin, V1LookupViewSet):
    """ISO 3166 countries (django-countries), in English. Not paginated: ~250 rows."""

    pagination_class = None
    filter_backends: list = []
    serializer_class = V1CountrySerializer

    @extend_schema(
        responses=V1CountrySerializer(many=True),
        parameters=[
            OpenApiParameter("search", str, description="Part of the name, or the exact code")
        ],
    )
    def list(self, request, *args, **kwargs):
        search = (request.query_params.get("search") or "").strip().lower()
        rows = [
            {
                "code": code,
                "alpha3": countries.alpha3(code),
                "numeric": countries.numeric(code, padded=True),
                "name": str(name),
            }
            for code, name in countries
            if not search or search in str(name).lower() or search == code.lower()
        ]
        return Response(rows)
