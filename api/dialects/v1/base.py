from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.viewsets import GenericViewSet

from ...authentication import (
    ApiKeyAuthentication,
    CompanyJWTAuthentication,
    CompanySessionAuthentication,
)
from ...permissions import TenantChecks
from ...viewsets import TenantAPIView, TenantViewSet
from ..base import DialectMixin
from ..schema import V1AutoSchema
from .exceptions import exception_handler
from .pagination import V1Pagination
from .throttling import V1RateThrottle


class V1Mixin(DialectMixin):
    schema = V1AutoSchema()
    dialect = "v1"
    dialect_exception_handler = staticmethod(exception_handler)
    # The session last: a staff member logged into the admin browses the API (CSRF checked).
    authentication_classes = [
        ApiKeyAuthentication, CompanyJWTAuthentication, CompanySessionAuthentication,
    ]
    # JSON first: a client that accepts anything gets JSON; a browser asking for HTML, DRF's
    # browsable API around the same JSON.
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    pagination_class = V1Pagination
    throttle_classes = [V1RateThrottle]
    # Lists filter, search and order through each resource's django-filter FilterSet.
    filter_backends = [DjangoFilterBackend]
    # v1 and v2 expose integer ids (DESIGN.md); anything else is an unknown path.
    lookup_value_regex = r"\d+"


class V1ViewSet(V1Mixin, TenantViewSet):
    """Base of every tenant resource under /api/v1/."""


class V1LookupViewSet(V1Mixin, TenantChecks, GenericViewSet):
    """v1 resources that belong to no company (countries): no scoping, but the caller's
    company, role and feature are checked as everywhere."""


class V1APIView(V1Mixin, TenantAPIView):
    """A v1 endpoint that is not a resource: the same checks as a viewset."""
