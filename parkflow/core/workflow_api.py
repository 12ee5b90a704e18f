"""API actions generated from the workflow declarations (core.workflow): every routed step of a
model becomes ``POST /api/v1/<resource>/{id}/<step>/`` on its viewset, calling the same
``transition()`` as the pages and answering with the object's serializer (D32)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from . import workflow
from .validation import REASON_MAX_LENGTH


class TransitionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


def transition_actions(model, *, tags=None):
    """Class decorator for a viewset of ``model``: one detail action per declared step, named
    after it, with its permission in the viewset's ``policy``."""

    def decorate(viewset):
        policy = dict(viewset.policy)
        for declared in workflow.for_model(model):
            if not declared.routes:
                continue
            setattr(viewset, declared.name, _action(declared, viewset.serializer_class, tags))
            policy[declared.name] = declared.permission
        viewset.policy = policy
        return viewset

    return decorate


def _action(declared: workflow.Transition, serializer_class, tags):
    takes_reason = "reason" in declared.inputs

    def run(self, request, pk=None):
        obj = self.get_object()
        inputs = {}
        if takes_reason:
            body = TransitionReasonSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            inputs = dict(body.validated_data)
        workflow.transition(actor=request.user, obj=obj, name=declared.name, **inputs)
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)

    run.__name__ = declared.name
    run.__doc__ = f"{declared.api_summary or declared.label}"
    routed = action(
        detail=True, methods=["post"], url_path=declared.url_path, url_name=declared.url_path
    )(run)
    return extend_schema(
        summary=declared.api_summary or str(declared.label),
        description=declared.api_description
        or f"{declared.label}: {', '.join(declared.source)} → {declared.target}",
        request=TransitionReasonSerializer if takes_reason else None,
        responses=serializer_class,
        tags=tags,
    )(routed)
