from rest_framework.pagination import PageNumberPagination


class V1Pagination(PageNumberPagination):
    """DRF's own `{count, next, previous, results}`; v1 and billingo share it."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
