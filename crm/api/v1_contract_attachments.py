"""v1 contract attachments: `contracts/{contract_pk}/attachments` (list, multipart upload of
`file`) and `.../attachments/{id}` (download, delete). Another company's contract or
attachment is 404; a download is `Content-Disposition: attachment` with the content type
checked at upload."""
from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api.context import actor_of
from api.nested import NestedUnder, parent_parameter
from api.dialects.v1.base import V1ViewSet
from api.parsers import UPLOAD_PARSER_CLASSES
from core.exceptions import NotFoundError

from ..models import Contract, ContractAttachment
from ..services import contract_attachments
from ..uploads import ATTACHMENT_TYPES
from .v1_contracts import staff_display_name

ATTACHMENTS_BASENAME = "v1-contract-attachments"
DOWNLOAD_CONTENT_TYPE = "application/octet-stream"


class V1ContractAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    contract = serializers.IntegerField(source="contract_id", read_only=True)
    file_name = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True, help_text="Bytes")
    uploaded_by = serializers.IntegerField(
        source="uploaded_by_id", read_only=True, allow_null=True, help_text="Staff id"
    )
    uploaded_by_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    download_url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_uploaded_by_name(self, attachment: ContractAttachment) -> str | None:
        return staff_display_name(attachment.uploaded_by)

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: ContractAttachment) -> str:
        return reverse(
            f"{ATTACHMENTS_BASENAME}-detail",
            kwargs={"contract_pk": attachment.contract_id, "pk": attachment.pk},
            request=self.context.get("request"),
        )


class V1ContractAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"At most UPLOAD_MAX_BYTES (10 MB by default); types: "
        f"{', '.join(ATTACHMENT_TYPES)} (checked by name and by content)"
    )


@extend_schema(parameters=[parent_parameter("contract_pk", "The contract id")])
@extend_schema_view(
    retrieve=extend_schema(
        # One declared type for every file: a client generated from ten picked `text/*`.
        responses={
            (200, DOWNLOAD_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as an attachment download"
            )
        },
        description="Downloads the file (`Content-Disposition: attachment` with its name) as "
        "`application/octet-stream`; the type checked at upload is the attachment's "
        "`content_type`.",
    ),
    create=extend_schema(
        request={"multipart/form-data": V1ContractAttachmentUploadSerializer},
        responses={201: V1ContractAttachmentSerializer},
    ),
)
class ContractAttachmentViewSet(NestedUnder, V1ViewSet):
    """A contract's attachments: list, upload (multipart field `file`), download, delete."""

    parent_model = Contract
    parent_kwarg = "contract_pk"

    queryset = ContractAttachment.objects.all()
    serializer_class = V1ContractAttachmentSerializer
    parser_classes = UPLOAD_PARSER_CLASSES
    filter_backends: list = []

    def scope_queryset(self, queryset):
        return queryset.filter(contract_id=self.kwargs.get(self.parent_kwarg)).select_related(
            "uploaded_by__user"
        )

    def perform_content_negotiation(self, request, force=False):
        # A download is a file, whatever the client's Accept header asks for.
        force = force or self.action == "retrieve"
        return super().perform_content_negotiation(request, force=force)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        body = V1ContractAttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = contract_attachments.attachment_add(
            contract=self.parent, file=body.validated_data["file"], by=actor_of(request)
        )
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        attachment = self.get_object()
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise NotFoundError("The file is missing from storage.") from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.file_name,
            content_type=DOWNLOAD_CONTENT_TYPE,
        )

    def destroy(self, request, *args, **kwargs):
        contract_attachments.attachment_delete(attachment=self.get_object(), by=actor_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
