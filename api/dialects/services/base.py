"""services dialect (`/api/services/CRM/Invoice/*`): JWT or X-API-KEY, v1's error body."""
from rest_framework.renderers import JSONRenderer

from ...authentication import ApiKeyAuthentication, CompanyJWTAuthentication
from ...throttling import CredentialRateThrottle
from ...viewsets import TenantAPIView, TenantViewSet
from ..base import DialectMixin
from ..schema import V1AutoSchema
from ..v1.exceptions import exception_handler


class ServicesRateThrottle(CredentialRateThrottle):
    scope = "services"


class ServicesMixin(DialectMixin):
    schema = V1AutoSchema()
    dialect = "services"
    dialect_exception_handler = staticmethod(exception_handler)
    authentication_classes = [CompanyJWTAuthentication, ApiKeyAuthentication]
    renderer_classes = [JSONRenderer]
    pagination_class = None
    throttle_classes = [ServicesRateThrottle]


class ServicesViewSet(ServicesMixin, TenantViewSet):
    """Base of the services endpoints (ids travel in the query string, `?id=`)."""


class ServicesAPIView(ServicesMixin, TenantAPIView):
    """A services endpoint that is not a resource: the same checks as a viewset."""
