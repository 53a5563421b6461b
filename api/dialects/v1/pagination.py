from rest_framework.pagination import PageNumberPagination

from ..paging import StrictPageSizeMixin


class V1Pagination(StrictPageSizeMixin, PageNumberPagination):
    """DRF's own `{count, next, previous, results}`; v1 and billingo share it."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
