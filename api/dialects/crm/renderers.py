from rest_framework.renderers import JSONRenderer

from ..paging import PagedData


class CrmRenderer(JSONRenderer):
    """`{success: true, data: {<items>, pagination}}` for lists, `{success, data}` otherwise."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        if response is not None and not response.exception and response.status_code != 204:
            if isinstance(data, PagedData):
                items_key = getattr(context.get("view"), "crm_items_key", "items")
                data = {
                    "success": True,
                    "data": {items_key: data["results"], "pagination": data["meta"]},
                }
            elif data is not None:
                data = {"success": True, "data": data}
        return super().render(data, accepted_media_type, renderer_context)
