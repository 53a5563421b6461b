"""v1 contract comments: `contracts/{contract_pk}/comments` (list, create) and
`.../comments/{id}` (get, update, delete; the author or an admin changes one). Another
company's contract or comment is 404."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from api.context import actor_of
from api.dialects.v1.base import V1ViewSet
from api.nested import NestedUnder, parent_parameter
from api.mixins import PARTIAL_PUT, PartialUpdateMixin

from ..models import Contract, ContractComment
from ..services import contract_comments
from .v1_contracts import staff_display_name


class V1ContractCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    contract = serializers.IntegerField(source="contract_id", read_only=True)
    content = serializers.CharField(max_length=10000, help_text="Plain text")
    staff_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The author (null: an API key)"
    )
    staff_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_staff_name(self, comment: ContractComment) -> str | None:
        return staff_display_name(comment.staff)

    def update(self, instance, validated_data):
        if "content" not in validated_data:
            return instance
        return contract_comments.comment_update(
            comment=instance,
            content=validated_data["content"],
            by=actor_of(self.context["request"]),
        )


@extend_schema(parameters=[parent_parameter("contract_pk", "The contract id")])
@extend_schema_view(
    create=extend_schema(responses={201: V1ContractCommentSerializer}),
    update=extend_schema(
        request=V1ContractCommentSerializer(partial=True),
        description="The author or an admin. " + PARTIAL_PUT,
    ),
    destroy=extend_schema(description="The author or an admin."),
)
class ContractCommentViewSet(
    NestedUnder,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    PartialUpdateMixin,
    mixins.DestroyModelMixin,
    V1ViewSet,
):
    """A contract's comments, oldest first. The author or an admin may change or delete one."""

    parent_model = Contract
    parent_kwarg = "contract_pk"

    queryset = ContractComment.objects.all()
    serializer_class = V1ContractCommentSerializer
    filter_backends: list = []

    def scope_queryset(self, queryset):
        return queryset.filter(contract_id=self.kwargs.get(self.parent_kwarg)).select_related(
            "staff__user"
        )

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = contract_comments.comment_create(
            contract=self.parent, content=body.validated_data["content"], by=actor_of(request)
        )
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        contract_comments.comment_delete(comment=instance, by=actor_of(self.request))
