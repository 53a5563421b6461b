"""Related ids in request bodies, looked up inside the request's company only."""
from __future__ import annotations

from rest_framework import serializers


def context_company(field):
    company = field.context.get("company")
    if company is None:
        request = field.context.get("request")
        company = getattr(request, "company", None)
    return company


class CompanyPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id from another company is "does not exist", exactly like a missing one."""

    def get_queryset(self):
        queryset = super().get_queryset()
        company = context_company(self)
        if company is None:
            return queryset.none()
        return queryset.for_company(company)
