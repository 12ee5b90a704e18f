"""The errand API: list, retrieve and one action per declared transition (core.workflow_api)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from parkflow.core.api import ScopedViewSetMixin
from parkflow.core.workflow_api import transition_actions

from .models import Errand

_TAGS = ["园区事项（测试域）"]


class ErrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Errand
        fields = [
            "id",
            "park",
            "enterprise",
            "title",
            "amount",
            "status",
            "assignee",
            "submitted_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Errands in my scope (园区事项)", tags=_TAGS),
    retrieve=extend_schema(summary="One errand", tags=_TAGS),
)
@transition_actions(Errand, tags=_TAGS)
class ErrandViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Errands of the parks (or the enterprise) the caller acts for."""

    queryset = Errand.objects.select_related("park")
    serializer_class = ErrandSerializer
    policy = {"list": "errand.view", "retrieve": "errand.view"}
