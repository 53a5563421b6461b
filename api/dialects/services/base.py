"""services dialect (`/api/services/CRM/Invoice/*`): JWT or X-API-KEY, v1's error body."""
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer

from ...authentication import ApiKeyAuthentication, CompanyJWTAuthentication
from ...permissions import TENANT_PERMISSIONS
from ...throttling import CredentialRateThrottle
from ...viewsets import TenantViewSet
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


class ServicesAPIView(ServicesMixin, GenericAPIView):
    permission_classes = TENANT_PERMISSIONS
