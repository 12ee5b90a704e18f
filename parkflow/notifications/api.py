"""The inbox over the API (R-MON-2, R-PLT-2): one's own notifications, mark one or all read."""

from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parkflow.core.api import ANY_USER, PolicyViewMixin, is_storable_id
from parkflow.core.errors import NotFound

from . import events, selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="message.event")
    event_label = serializers.SerializerMethodField()
    title = serializers.CharField(source="message.title")
    body = serializers.CharField(source="message.body")
    link = serializers.CharField(source="message.link")
    object_repr = serializers.CharField(source="message.object_repr")
    is_read = serializers.BooleanField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "event_label",
            "title",
            "body",
            "link",
            "object_repr",
            "created_at",
            "read_at",
            "is_read",
        ]

    def get_event_label(self, notification) -> str:
        return events.label(notification.message.event)


class InboxQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


@extend_schema_view(
    list=extend_schema(
        summary="My notifications, newest first (消息中心)",
        parameters=[InboxQuerySerializer],
        tags=["notifications"],
    ),
    retrieve=extend_schema(summary="One of my notifications", tags=["notifications"]),
)
class NotificationViewSet(
    PolicyViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The signed-in user's own notifications; anyone else's are a 404."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filter_backends: list = []
    policy = {"list": ANY_USER, "retrieve": ANY_USER, "read": ANY_USER, "read_all": ANY_USER}

    def get_queryset(self):
        query = InboxQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.inbox(actor=self.request.user, unread=query.validated_data["unread"])

    def get_object(self):
        pk = self.kwargs["pk"]
        if not is_storable_id(pk):
            raise NotFound()
        return selectors.notification_get_for_user(actor=self.request.user, pk=pk)

    @extend_schema(
        summary="Mark one notification read (标为已读)",
        request=None,
        responses=NotificationSerializer,
        tags=["notifications"],
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(
            actor=request.user, notification=self.get_object()
        )
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications read (全部已读)",
        request=None,
        responses=inline_serializer("ReadAll", {"updated": serializers.IntegerField()}),
        tags=["notifications"],
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"updated": services.notification_mark_all_read(actor=request.user)})
