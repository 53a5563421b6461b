from __future__ import annotations

from rest_framework import mixins
from rest_framework.response import Response


# For the schema's PUT descriptions.
PARTIAL_PUT = "`PUT` is partial: fields left out keep their values."


class PartialUpdateMixin:
    """`PUT` updates only the fields sent (DESIGN.md "Decisions"); there is no PATCH route.

    The dialects' AutoSchema describes the PUT body as partial accordingly.
    """

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self.get_serializer(serializer.instance).data)

    def perform_update(self, serializer):
        serializer.save()


class CrudMixin(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    PartialUpdateMixin,
    mixins.DestroyModelMixin,
):
    """List, create, get, partial update and delete: what a resource's viewset usually serves."""
