"""v1 jobs: read a job's status and progress; an admin starts the worker health check.

Not in the API documents; the issue needs them (the API answers 202 with a job id, and the
job record shows status and progress), so they live in the dialect the caller already uses.
"""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api.dialects.v1.base import V1ViewSet
from tenancy.roles import Role

from ..filters import JobFilter
from ..kinds import HEALTH_CHECK
from ..models import Job
from ..services import job_enqueue


@extend_schema_field(OpenApiTypes.OBJECT)
class JSONObjectField(serializers.JSONField):
    """A JSON object (never a list or a scalar): documented as one."""


class V1JobErrorSerializer(serializers.Serializer):
    item = serializers.CharField(
        required=False, help_text="The item that failed (an id or a name), when there is one."
    )
    message = serializers.CharField()


class V1JobSerializer(serializers.ModelSerializer):
    errors = V1JobErrorSerializer(many=True, read_only=True)
    params = JSONObjectField(read_only=True, help_text="What the job was asked to do.")
    result = JSONObjectField(
        read_only=True, help_text="The kind's outcome, set when the job finishes."
    )
    created_by = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Staff id of who started it (null: API key)."
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "params",
            "total",
            "processed",
            "succeeded",
            "failed",
            "result",
            "errors",
            "created_by",
            "started_at",
            "finished_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List jobs", tags=["jobs"]),
    retrieve=extend_schema(
        summary="Get a job: its status, progress counts, result and errors", tags=["jobs"]
    ),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, V1ViewSet):
    """The company's jobs, newest first. Any member reads them; starting one is for admins."""

    queryset = Job.objects.all()
    serializer_class = V1JobSerializer
    filterset_class = JobFilter
    action_roles = {"health_check": Role.ADMIN}

    @extend_schema(
        summary="Start the worker health check",
        description=(
            "Queues a `platform.health_check` job: a worker checks its database and cache and "
            "records its name. Answers 202 with the job; follow `Location` "
            "(`GET /api/v1/jobs/{id}`) until its status is `completed`, `partial` or `failed`."
        ),
        tags=["jobs"],
        request=None,
        responses={202: OpenApiResponse(V1JobSerializer, description="The queued job.")},
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.URI,
                OpenApiParameter.HEADER,
                response=[202],
                description="The job's URL.",
            )
        ],
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="health-check",
        filter_backends=[],
        pagination_class=None,
    )
    def health_check(self, request):
        job = job_enqueue(
            company=request.company,
            kind=HEALTH_CHECK,
            created_by=request.membership,
            api_key=request.api_key,
        )
        location = reverse("jobs-detail", kwargs={"pk": job.pk}, request=request)
        return Response(
            self.get_serializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )
