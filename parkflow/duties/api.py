"""The compliance calendar's API (R-PLT-2, R-MON-3): the tasks I see, the ones I must do
(``mine``), and completing one with evidence — the same services and checks as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parkflow.core import access, clock
from parkflow.core.api import MAX_ID, ChoiceLabelField, ScopedViewSetMixin, person_field
from parkflow.core.errors import NotFound, ValidationFailed
from parkflow.core.validation import REASON_MAX_LENGTH

from . import selectors, services
from .choices import TaskState
from .declarations import get_duty
from .models import DutyTask

_TAGS = ["合规日历"]


class DutyTaskSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    owner = person_field()
    completed_by = person_field()
    status_label = ChoiceLabelField("status")
    state = serializers.SerializerMethodField(help_text="pending | late | done")
    articles = serializers.SerializerMethodField()
    requirement = serializers.SerializerMethodField()

    class Meta:
        model = DutyTask
        fields = [
            "id",
            "duty",
            "title",
            "articles",
            "requirement",
            "unit",
            "unit_name",
            "park",
            "period",
            "period_start",
            "period_end",
            "due_on",
            "owner_role",
            "owner",
            "status",
            "status_label",
            "state",
            "completed_at",
            "completed_by",
            "note",
            "evidence_name",
            "evidence_sha256",
            "link_repr",
        ]
        read_only_fields = fields

    def get_state(self, task) -> str:
        return task.state_on(clock.today())

    def get_articles(self, task) -> list[str]:
        duty = get_duty(task.duty)
        return list(duty.articles) if duty else []

    def get_requirement(self, task) -> str:
        duty = get_duty(task.duty)
        return duty.requirement if duty else ""


class DutyTaskQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=TaskState.choices, required=False)
    due_from = serializers.DateField(required=False)
    due_to = serializers.DateField(required=False)


class DutyTaskCompleteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    file = serializers.FileField(required=False, allow_null=True, default=None)
    link_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="Id of the record that fulfils the duty (a record of the duty's link model)",
    )


def link_for(user, task, link_id):
    """The record ``link_id`` of the task's duty's link model, if the user sees it."""
    if link_id in (None, ""):
        return None
    duty = get_duty(task.duty)
    model = duty.link_model_class if duty else None
    if model is None:
        raise ValidationFailed({"link_id": [_("该职责不接受关联记录。")]}, requirement="R-MON-3")
    try:
        return access.get_for_user(user, model._default_manager.all(), pk=link_id)
    except NotFound:
        raise ValidationFailed(
            {"link_id": [_("关联记录不存在或无权访问。")]}, requirement="R-MON-3"
        ) from None


@extend_schema_view(
    list=extend_schema(
        summary="Tasks of the compliance calendar in my scope (合规任务)",
        parameters=[DutyTaskQuerySerializer],
        tags=_TAGS,
    ),
    retrieve=extend_schema(summary="One task", tags=_TAGS),
)
class DutyTaskViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Tasks the compliance calendar created for each duty, unit and period."""

    queryset = DutyTask.objects.select_related("unit", "owner", "completed_by")
    serializer_class = DutyTaskSerializer
    filter_backends: list = []
    policy = {
        "list": "duty.view",
        "retrieve": "duty.view",
        "mine": "duty.view",
        "complete": "duty.complete",
    }

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        query = DutyTaskQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return selectors.task_list(
            actor=self.request.user,
            start=params.get("due_from"),
            end=params.get("due_to"),
            state=params.get("state", ""),
        )

    @extend_schema(
        summary="My open tasks, due soonest first (待我处理)",
        responses=DutyTaskSerializer(many=True),
        tags=_TAGS,
    )
    @action(detail=False, methods=["get"])
    def mine(self, request):
        page = self.paginate_queryset(selectors.tasks_for(request.user))
        data = DutyTaskSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Complete a task with evidence (note, file, or the record that fulfils it)",
        request=DutyTaskCompleteSerializer,
        responses=DutyTaskSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = self.get_object()
        body = DutyTaskCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.task_complete(
            actor=request.user,
            task=task,
            note=data.get("note", ""),
            file=data.get("file"),
            link=link_for(request.user, task, data.get("link_id")),
        )
        task = self.get_object()
        return Response(DutyTaskSerializer(task, context=self.get_serializer_context()).data)
