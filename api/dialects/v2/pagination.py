from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from ..paging import PagedData, StrictPageSizeMixin


class V2Pagination(StrictPageSizeMixin, PageNumberPagination):
    """`page`, `limit` (default 20); meta `{current_page, total_pages, total_records}`."""

    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def get_paginated_response(self, data):
        return Response(
            PagedData(
                data,
                {
                    "current_page": self.page.number,
                    "total_pages": self.page.paginator.num_pages,
                    "total_records": self.page.paginator.count,
                },
            )
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["success", "data", "meta"],
            "properties": {
                "success": {"type": "boolean", "example": True},
                "data": schema,
                "meta": {
                    "type": "object",
                    "required": ["current_page", "total_pages", "total_records"],
                    "properties": {
                        "current_page": {"type": "integer", "example": 1},
                        "total_pages": {"type": "integer", "example": 5},
                        "total_records": {"type": "integer", "example": 100},
                    },
                },
            },
        }
