"""The activity log in the v1 dialect: one serializer and one paged answer, for every nested
`.../{id}/activities` list (leads now; tickets and projects may reuse them)."""
from __future__ import annotations

from django.db import models
from rest_framework import serializers
from rest_framework.response import Response

from ..activity import activity_for
from ..models import ActivityLog


class V1ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    action = serializers.CharField(
        read_only=True,
        help_text="created, updated, deleted, status_changed, converted, signed or renewed",
    )
    actor = serializers.CharField(
        source="actor_name",
        read_only=True,
        help_text='Who acted: a staff member\'s name, "API key <name>" or "system"',
    )
    staff_id = serializers.IntegerField(
        source="actor_id",
        read_only=True,
        allow_null=True,
        help_text="The acting staff id; null for an API key or the system",
    )
    changes = serializers.JSONField(
        read_only=True,
        help_text="{field: [old, new]} for updates and status changes; the initial values "
        "for creations",
    )
    description = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


def activity_queryset(*, company, obj: models.Model) -> models.QuerySet[ActivityLog]:
    """The log of `obj`, newest first, with only what the serializer reads."""
    return activity_for(company=company, obj_type=type(obj), object_id=obj.pk).order_by(
        "-created_at", "-id"
    )


def activity_list_response(view, *, obj: models.Model) -> Response:
    """A page of `obj`'s log in the view's dialect pagination (call after `get_object()`,
    which has already answered 404 for another company's record)."""
    queryset = activity_queryset(company=view.request.company, obj=obj)
    page = view.paginate_queryset(queryset)
    if page is None:
        return Response(V1ActivitySerializer(queryset, many=True).data)
    return view.get_paginated_response(V1ActivitySerializer(page, many=True).data)
