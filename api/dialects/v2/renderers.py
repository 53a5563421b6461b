from rest_framework.renderers import JSONRenderer

from ..paging import PagedData


class V2Renderer(JSONRenderer):
    """`{success: true, data, meta?}` around successful bodies; errors pass through."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and not response.exception and response.status_code != 204:
            if isinstance(data, PagedData):
                data = {"success": True, "data": data["results"], "meta": data["meta"]}
            elif data is not None:
                data = {"success": True, "data": data}
        return super().render(data, accepted_media_type, renderer_context)
