"""A service's field errors reach the caller under the names the caller sent."""
from __future__ import annotations

from rest_framework import serializers

from api.field_names import field_names_by_source, rename_error_fields
from core.exceptions import ValidationFailed


class _Contract(serializers.Serializer):
    client_name = serializers.CharField(source="customer", read_only=True)
    client = serializers.IntegerField(source="customer")
    dateend = serializers.DateField(source="date_end")
    subject = serializers.CharField()
    customer_city = serializers.CharField(source="customer.city", read_only=True)
    summary = serializers.SerializerMethodField()

    def get_summary(self, obj):  # pragma: no cover - never read here
        return ""


def test_the_map_names_each_renamed_model_field_once():
    assert field_names_by_source(_Contract) == {"customer": "client", "date_end": "dateend"}


def test_service_details_and_read_only_names_are_renamed():
    exc = ValidationFailed(
        details={"date_end": ["The end date cannot be before the start date."], "x": ["?"]},
        extra={"read_only": ["date_end", "customer", "subject"]},
    )

    rename_error_fields(exc, field_names_by_source(_Contract))

    assert exc.details == {"dateend": ["The end date cannot be before the start date."], "x": ["?"]}
    assert exc.extra["read_only"] == ["client", "dateend", "subject"]
