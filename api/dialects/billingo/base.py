"""billingo dialect: JWT only, DRF's own list envelope (`page_size`), `{detail, code}` errors.

It shares v1's paginator and error body; only authentication and the rate scope differ.
"""
from rest_framework.renderers import JSONRenderer

from ...authentication import CompanyJWTAuthentication
from ...throttling import CredentialRateThrottle
from ...viewsets import TenantAPIView, TenantViewSet
from ..base import DialectMixin
from ..schema import V1AutoSchema
from ..v1.exceptions import exception_handler
from ..v1.pagination import V1Pagination


class BillingoRateThrottle(CredentialRateThrottle):
    scope = "billingo"


class BillingoMixin(DialectMixin):
    schema = V1AutoSchema()
    dialect = "billingo"
    dialect_exception_handler = staticmethod(exception_handler)
    authentication_classes = [CompanyJWTAuthentication]
    renderer_classes = [JSONRenderer]
    pagination_class = V1Pagination
    throttle_classes = [BillingoRateThrottle]


class BillingoViewSet(BillingoMixin, TenantViewSet):
    """Base of every resource under /api/billingo-*/."""


class BillingoAPIView(BillingoMixin, TenantAPIView):
    """A billingo endpoint that is not a resource (the manual sync trigger): the same company,
    role and feature checks as a viewset (`required_feature = Feature.BILLINGO_SYNC`)."""
