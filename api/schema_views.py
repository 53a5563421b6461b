"""The schema endpoint, readable in a browser.

drf-spectacular answers `application/vnd.oai.openapi`, which a browser downloads instead of
showing. A request that asks for HTML gets the same YAML as `text/plain`; every other client
negotiates as before (YAML by default, `?format=json` or `Accept: application/json` for JSON).
"""
from __future__ import annotations

from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView


class PlainTextYamlRenderer(OpenApiYamlRenderer):
    media_type = "text/plain"
    format = "txt"


class SchemaView(SpectacularAPIView):
    renderer_classes = [*SpectacularAPIView.renderer_classes, PlainTextYamlRenderer]

    def perform_content_negotiation(self, request, force=False):
        if "text/html" in request.headers.get("Accept", "") and not request.query_params.get(
            "format"
        ):
            return PlainTextYamlRenderer(), PlainTextYamlRenderer.media_type
        return super().perform_content_negotiation(request, force)
