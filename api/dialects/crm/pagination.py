from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from ..paging import PagedData, StrictPageSizeMixin


class CrmPagination(StrictPageSizeMixin, PageNumberPagination):
    """`page`, `page_size` (default 20); `pagination{page, page_size, total, pages, has_next,
    has_prev}` beside the items, which the renderer names after the resource."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data):
        page = self.page
        return Response(
            PagedData(
                data,
                {
                    "page": page.number,
                    "page_size": page.paginator.per_page,
                    "total": page.paginator.count,
                    "pages": page.paginator.num_pages,
                    "has_next": page.has_next(),
                    "has_prev": page.has_previous(),
                },
            )
        )

    def get_paginated_response_schema(self, schema):
        # The items key is the resource's (`connections`, `deals`); CrmAutoSchema sets it.
        items_key = getattr(self, "items_key", "items")
        return {
            "type": "object",
            "required": ["success", "data"],
            "properties": {
                "success": {"type": "boolean", "example": True},
                "data": {
                    "type": "object",
                    "properties": {
                        items_key: schema,
                        "pagination": {
                            "type": "object",
                            "properties": {
                                "page": {"type": "integer"},
                                "page_size": {"type": "integer"},
                                "total": {"type": "integer"},
                                "pages": {"type": "integer"},
                                "has_next": {"type": "boolean"},
                                "has_prev": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        }
