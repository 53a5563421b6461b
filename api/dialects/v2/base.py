from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.viewsets import GenericViewSet

from ...authentication import (
    ApiKeyAuthentication,
    CompanyJWTAuthentication,
    CompanySessionAuthentication,
)
from ...permissions import TenantChecks
from ...throttling import CredentialRateThrottle
from ...viewsets import TenantAPIView, TenantViewSet
from ..base import DialectMixin
from ..schema import V2AutoSchema
from .exceptions import exception_handler
from .pagination import V2Pagination
from .renderers import V2Renderer


class V2RateThrottle(CredentialRateThrottle):
    scope = "v2"


class V2Mixin(DialectMixin):
    schema = V2AutoSchema()
    dialect = "v2"
    dialect_exception_handler = staticmethod(exception_handler)
    # The session last: a staff member logged into the admin browses the API (CSRF checked).
    authentication_classes = [
        ApiKeyAuthentication, CompanyJWTAuthentication, CompanySessionAuthentication,
    ]
    # JSON first: a client that accepts anything gets JSON; a browser asking for HTML, DRF's
    # browsable API around the same JSON.
    renderer_classes = [V2Renderer, BrowsableAPIRenderer]
    pagination_class = V2Pagination
    throttle_classes = [V2RateThrottle]
    # Lists filter, search and order through each resource's django-filter FilterSet.
    filter_backends = [DjangoFilterBackend]
    # v1 and v2 expose integer ids (DESIGN.md); anything else is an unknown path.
    lookup_value_regex = r"\d+"


class V2ViewSet(V2Mixin, TenantViewSet):
    """Base of every tenant resource under /api/v2/."""


class V2LookupViewSet(V2Mixin, TenantChecks, GenericViewSet):
    """v2 resources that belong to no company: no scoping, the same checks."""


class V2APIView(V2Mixin, TenantAPIView):
    """A v2 endpoint that is not a resource: the same checks as a viewset."""
