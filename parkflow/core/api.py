"""The API's kernel (R-PLT-2).

* ``exception_handler`` turns every error into one body, ``{"code", "detail", "requirement"}``
  (plus ``errors`` for bad input and ``field`` naming the first bad field), in the user's
  language; "missing" and "not yours" are the same 404 (R-ORG-3).
* ``ActionPolicy`` asks ``core.access.may`` for each view action through the viewset's ``policy``
  map; an action missing from the map is refused (deny by default).
* ``ScopedViewSetMixin`` starts every queryset from ``core.access.scope`` and fetches single
  objects with ``core.access.get_for_user``.
* ``PolicyViewMixin.service_action``: the one shape of an action that calls a service;
  ``service_step`` declares an action that is only that. The kernel's own endpoints (alerts, reviews, rules, articles) are in ``core.api_views``.
"""

from django import forms as django_forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DatabaseError
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions as drf_exceptions
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from parkflow.core import access

from .db import is_transient
from .errors import ConcurrentUpdate, DomainError, NotFound

# ---------------------------------------------------------------------------------------------
# Errors


INVALID_INPUT = _("输入有误，请检查标出的字段。")
# Requirement cited by the framework's own refusals: access and scoping (R-ORG-3).
_DRF_REQUIREMENT = {drf_exceptions.PermissionDenied: "R-ORG-3"}


def _flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field": ["message", ...]}`` (nested fields dotted)."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten_errors(value, name))
        return flat
    if isinstance(detail, list):
        if any(isinstance(item, dict | list) for item in detail):
            flat = {}
            for index, item in enumerate(detail):
                flat.update(_flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
            return flat
        return {prefix or "non_field_errors": [force_str(item) for item in detail]}
    return {prefix or "non_field_errors": [force_str(detail)]}


def _error_code(exc: drf_exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    """The one translation of errors into API responses (STYLE.md §9)."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, Http404):
        set_rollback()
        return Response(NotFound().as_dict(), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DatabaseError) and is_transient(exc):
        # A deadlock that escaped the services' retry (D17): nothing was written; try again.
        set_rollback()
        return Response(ConcurrentUpdate().as_dict(), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    if isinstance(exc, drf_exceptions.ValidationError):
        set_rollback()
        errors = _flatten_errors(exc.detail)
        body = {
            "code": "invalid",
            "detail": force_str(INVALID_INPUT),
            "requirement": "",
            "field": next(iter(errors), ""),
            "errors": errors,
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 page and the error log
    body = {
        "code": _error_code(exc),
        "detail": force_str(exc.detail) if isinstance(exc.detail, str) else force_str(exc),
        "requirement": _DRF_REQUIREMENT.get(type(exc), ""),
    }
    if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        # 401 with a challenge even when the session authenticator comes first: API clients
        # learn they must send "Authorization: Token …".
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response["WWW-Authenticate"] = 'Token realm="api"'
    response.data = body
    return response


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx response."""

    code = serializers.CharField(help_text="Machine-readable error code, e.g. gate_not_passed")
    detail = serializers.CharField(help_text="Message in the user's language")
    requirement = serializers.CharField(
        allow_blank=True, help_text="The requirement (R-…) the refusal enforces"
    )
    field = serializers.CharField(required=False, help_text="First field in error (bad input)")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Bad input: field name → messages",
    )


_ERROR_DESCRIPTIONS = {
    "400": "输入有误 (invalid input; see errors)",
    "401": "未登录 (not authenticated)",
    "403": "无权执行 (permission denied, segregation of duties, lapsed compliance status)",
    "404": "对象不存在或无权访问 (missing or out of scope — the same answer; or a page past the end)",
    "409": "状态或审查节点不允许 (workflow state, review gate, duplicate); "
    "concurrent_update: 同时修改未完成，原样重发即可 (nothing was written; send it again)",
}


class ParkflowAutoSchema(AutoSchema):
    """Documents the error body on every operation: 401/403 always, 404 on object routes and
    paginated lists, 400 on lists (filters) and writes, 409 on writes."""

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        codes = ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes += ["400", "409"]
        elif self._is_list_view():
            codes.append("400")  # an invalid filter value
            if self._get_paginator():
                codes.append("404")  # a page past the end
        for code in codes:
            if code not in bodies:
                bodies[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code]), code
                )
        return dict(sorted(bodies.items()))


# ---------------------------------------------------------------------------------------------
# Permissions and scoping

ANY_USER = "*"  # policy value: any signed-in user (e.g. /me/)

MAX_ID = 2**63 - 1  # the largest primary key PostgreSQL and SQLite can store


def is_storable_id(value) -> bool:
    try:
        return 0 < int(value) <= MAX_ID
    except (TypeError, ValueError, OverflowError):
        return False


class ActionPolicy(permissions.BasePermission):
    """Deny by default: each view action must be named in the view's ``policy`` map
    (``{"list": "enterprise.view", ...}``) and the user must be allowed that action by
    ``core.access.may`` — for the object too, once it is fetched."""

    message = _("您没有执行此操作的权限。")
    code = "forbidden"

    @staticmethod
    def required(request, view) -> str | None:
        name = getattr(view, "action", None) or request.method.lower()
        return getattr(view, "policy", {}).get(name)

    def has_permission(self, request, view) -> bool:
        needed = self.required(request, view)
        if needed is None or not request.user.is_authenticated:
            return False
        return needed == ANY_USER or access.may_somewhere(request.user, needed)

    def has_object_permission(self, request, view, obj) -> bool:
        needed = self.required(request, view)
        if needed is None:
            return False
        if needed == ANY_USER:
            return True
        if not _is_scoped(obj):
            # Reference data (regulation articles) belongs to no park: the action decides.
            return access.may_somewhere(request.user, needed)
        return access.may(request.user, needed, obj)


def _is_scoped(obj) -> bool:
    return access.is_scoped(type(obj))


class PolicyViewMixin:
    permission_classes = [ActionPolicy]
    schema = ParkflowAutoSchema()
    policy: dict[str, str] = {}

    def service_action(
        self,
        service,
        *,
        obj: str | None = None,
        input=None,
        output=None,
        reread: bool = False,
        context: dict | None = None,
        status: int = 200,
    ) -> Response:
        """The shape of an API action that calls a service (R-PLT-2):
        ``get_object()`` (passed as keyword ``obj``, e.g. ``obj="alert"``) → ``input``
        serializer on the request body → ``service(actor=user, ...)`` → ``output`` serializer
        on what the service returned (with ``reread``: on the object fetched again through
        the scope, with its relations). A ``DomainError`` is not caught here:
        ``exception_handler`` gives it the one error shape. An action that needs more
        writes its own method."""
        kwargs = {}
        if obj is not None:
            kwargs[obj] = self.get_object()
        if input is not None:
            body = input(data=self.request.data, context=self.get_serializer_context())
            body.is_valid(raise_exception=True)
            kwargs.update(body.validated_data)
        result = service(actor=self.request.user, **kwargs)
        if reread:
            result = self.get_object()
        serializer = output or self.get_serializer_class()
        ctx = self.get_serializer_context() if context is None else context
        return Response(serializer(result, context=ctx).data, status=status)


def service_step(name, service, *, obj, input, output, reread=False, **schema):
    """A ``POST …/{id}/<name>/`` action that is ``service_action`` and nothing more, with its
    schema: the body is ``input``, the answer ``output``; ``schema`` takes ``extend_schema``'s
    summary, description and tags. ``name`` is the attribute it is assigned to (the route and
    the ``policy`` key)::

        acknowledge = service_step("acknowledge", alerts.alert_acknowledge, obj="alert", ...)
    """

    def step(self, request, pk=None):
        return self.service_action(service, obj=obj, input=input, output=output, reread=reread)

    step.__name__ = step.__qualname__ = name
    step = action(detail=True, methods=["post"])(step)
    return extend_schema(request=input, responses=output, **schema)(step)


class ScopedViewSetMixin(PolicyViewMixin):
    """Every row comes through ``access.scope``; a single object through ``access.get_for_user``,
    so a missing id and another park's id get the same 404 (R-ORG-3). With
    ``restrict_to_action`` the rows are those the route's own action allows
    (``access.restrict``), e.g. only one's own declarations."""

    restrict_to_action = False

    def _action(self):
        if not self.restrict_to_action:
            return None
        return ActionPolicy.required(self.request, self)

    def get_queryset(self):
        return access.restrict(self.request.user, self._action(), super().get_queryset())

    def get_object(self):
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if self.lookup_field == "pk" and not is_storable_id(value):
            raise NotFound()
        obj = access.get_restricted(
            self.request.user, self._action(), super().get_queryset(), **{self.lookup_field: value}
        )
        self.check_object_permissions(self.request, obj)
        return obj


class IdField(serializers.PrimaryKeyRelatedField):
    """An id in the request body. One too large for the database is simply "does not exist"
    (instead of an overflow deep in the database driver)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not is_storable_id(data):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class IdFilter(filters.NumberFilter):
    """A filter on an id: a whole number in the database's range."""

    field_class = django_forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ScopedPrimaryKeyRelatedField(IdField):
    """An id in the request body that must name an object the user may see; others are
    reported as "does not exist", like a missing id."""

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return access.scope(user, super().get_queryset())


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, person) -> str:
        return str(person)


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.ReadOnlyField):
    """The label of a choice field's value in the request's language, e.g.
    ``status_label = ChoiceLabelField("status")``.

    The labels are looked up in a dict built once when the serializer is bound (once per request
    for a whole list), not by ``get_FOO_display()`` per row: at group scale that per-row lookup
    was nearly half of a list endpoint's CPU (issue 7)."""

    def __init__(self, choice_field: str, **kwargs):
        super().__init__(source=choice_field, **kwargs)
        self.choice_field = choice_field

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        model = parent.Meta.model
        self.labels = {
            value: str(label)
            for value, label in model._meta.get_field(self.choice_field).flatchoices
        }

    def to_representation(self, value):
        return self.labels.get(value, value)


def person_field(**kwargs):
    return PersonSerializer(read_only=True, allow_null=True, **kwargs)


def staff_users():
    """People who may be named as a reviewer or assignee (not enterprise portal accounts)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(access.staff_filter(), is_active=True)


class SubjectMixin(serializers.Serializer):
    """The object an alert or a review is about."""

    object_type = serializers.SerializerMethodField()
    object_id = serializers.CharField(read_only=True)
    object_repr = serializers.CharField(read_only=True)

    def get_object_type(self, obj) -> str:
        ct = obj.content_type
        return f"{ct.app_label}.{ct.model}"


class IgnoreAcceptHeader(BaseContentNegotiation):
    """A download answers with the file's own type whatever the client accepts; errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
