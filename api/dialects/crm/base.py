from ...authentication import OrganizationJWTAuthentication
from ...viewsets import TenantAPIView, TenantViewSet
from ..base import DialectMixin
from ..schema import CrmAutoSchema
from .exceptions import exception_handler
from .pagination import CrmPagination
from .renderers import CrmRenderer
from .throttling import OrganizationRateThrottle


class CrmMixin(DialectMixin):
    schema = CrmAutoSchema()
    dialect = "crm"
    dialect_exception_handler = staticmethod(exception_handler)
    authentication_classes = [OrganizationJWTAuthentication]
    renderer_classes = [CrmRenderer]
    pagination_class = CrmPagination
    throttle_classes = [OrganizationRateThrottle]
    # The key the list's items go under in `data` (`connections`, `deals`).
    crm_items_key = "items"
    # crm resources are addressed by UUID.
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"


class CrmViewSet(CrmMixin, TenantViewSet):
    """Base of every resource under /api/v1/crm/{organization_id}/."""


class CrmAPIView(CrmMixin, TenantAPIView):
    """A crm endpoint that is not a resource (`connections/{id}/sync`): the same company, role
    and feature checks as a viewset, per HTTP method."""
