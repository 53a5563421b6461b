"""The contract between an enveloping dialect's paginator and its renderer.

The paginator answers a `PagedData` (results + meta); the renderer moves both into the
dialect's documented places. A plain dict is a single object. Every dialect's paginator also
refuses a page size that is not a whole number (StrictPageSizeMixin).
"""
from __future__ import annotations

from rest_framework.exceptions import ValidationError


class PagedData(dict):
    def __init__(self, results, meta):
        super().__init__(results=results, meta=meta)


class StrictPageSizeMixin:
    """A page size that is not a whole number from 1 up is a 400 naming the parameter, not
    silently the default; above `max_page_size` it is capped, as DRF does."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        digits = raw.lstrip("0")
        if not (raw.isascii() and raw.isdigit()) or not digits:
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        # Never int() a huge string: past a few digits it is over the maximum anyway.
        return self.max_page_size if len(digits) > 6 else min(int(digits), self.max_page_size)
