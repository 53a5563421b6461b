"""The contract between an enveloping dialect's paginator and its renderer.

The paginator answers a `PagedData` (results + meta); the renderer moves both into the
dialect's documented places. A plain dict is a single object.
"""
from __future__ import annotations


class PagedData(dict):
    def __init__(self, results, meta):
        super().__init__(results=results, meta=meta)
