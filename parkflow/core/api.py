"""The API's kernel (R-PLT-2) and the kernel's own endpoints.

* ``exception_handler`` turns every error into one body, ``{"code", "detail", "requirement"}``
  (plus ``errors`` for bad input and ``field`` naming the first bad field), in the user's
  language; "missing" and "not yours" are the same 404 (R-ORG-3).
* ``ActionPolicy`` asks ``core.access.may`` for each view action through the viewset's ``policy``
  map; an action missing from the map is refused (deny by default).
* ``ScopedViewSetMixin`` starts every queryset from ``core.access.scope`` and fetches single
  objects with ``core.access.get_for_user``.
* Alerts, reviews, rules and regulation articles: serializers parse and shape, the services in
  ``core.alerts``, ``core.gates`` and ``core.rules`` decide.
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
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions as drf_exceptions
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from parkflow.core import access

from . import alerts, gates, regulation, rules
from .choices import AlertStatus, ReviewDecision, Severity
from .db import is_transient
from .errors import ConcurrentUpdate, DomainError, NotFound
from .models import Alert, Article, AuditEvent, Review, RuleSetting
from .validation import REASON_MAX_LENGTH

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


# ---------------------------------------------------------------------------------------------
# Alerts (R-MON-1)


# The inbox filter: "active" (open or acknowledged, the default), one status, or all.
ALERT_STATUS_FILTER = [("active", _("未解除")), *AlertStatus.choices, ("all", _("全部"))]


class AlertSerializer(SubjectMixin, serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    park_name = serializers.CharField(source="park.name", read_only=True, default=None)
    assignee = person_field()
    requirement = serializers.SerializerMethodField()
    articles = serializers.SerializerMethodField()
    resolvable_by_hand = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule_code",
            "requirement",
            "articles",
            "severity",
            "severity_label",
            "title",
            "message",
            "object_type",
            "object_id",
            "object_repr",
            "park",
            "park_name",
            "status",
            "status_label",
            "assignee",
            "opened_at",
            "last_seen_at",
            "acknowledged_at",
            "resolved_at",
            "resolution",
            "resolvable_by_hand",
        ]
        read_only_fields = fields

    def get_requirement(self, alert) -> str:
        rule_ = rules.REGISTRY.get(alert.rule_code)
        return rule_.requirement if rule_ else ""

    def get_articles(self, alert) -> list[str]:
        rule_ = rules.REGISTRY.get(alert.rule_code)
        return list(rule_.articles) if rule_ else []

    def get_resolvable_by_hand(self, alert) -> bool:
        rule_ = rules.REGISTRY.get(alert.rule_code)
        return bool(rule_ and rule_.resolvable_by_hand)


class AlertQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ALERT_STATUS_FILTER, required=False, default="active")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    rule_code = serializers.CharField(required=False)
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only alerts assigned to me"
    )


class AlertNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class AlertAssignSerializer(serializers.Serializer):
    assignee = IdField(queryset=staff_users())


class AlertResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=REASON_MAX_LENGTH, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        summary="List alerts in my scope (预警列表)",
        parameters=[AlertQuerySerializer],
        tags=["alerts"],
    ),
    retrieve=extend_schema(summary="One alert", tags=["alerts"]),
)
class AlertViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Alerts raised by the rules engine (R-MON-1)."""

    queryset = Alert.objects.select_related("park", "assignee", "content_type")
    serializer_class = AlertSerializer
    filter_backends: list = []
    policy = {
        "list": "alert.view",
        "retrieve": "alert.view",
        "acknowledge": "alert.handle",
        "assign": "alert.handle",
        "resolve": "alert.handle",
    }

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        query = AlertQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        if params["status"] == "all":
            params["status"] = ""
        return alerts.alert_list(actor=self.request.user, **params)

    def _done(self, alert) -> Response:
        alert = self.get_object()  # re-read through the scope with its relations
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Acknowledge an alert (确认)",
        request=AlertNoteSerializer,
        responses=AlertSerializer,
        tags=["alerts"],
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = self.get_object()
        body = AlertNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alerts.alert_acknowledge(actor=request.user, alert=alert, **body.validated_data)
        return self._done(alert)

    @extend_schema(
        summary="Assign an alert to a person (指派)",
        request=AlertAssignSerializer,
        responses=AlertSerializer,
        tags=["alerts"],
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        alert = self.get_object()
        body = AlertAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alerts.alert_assign(actor=request.user, alert=alert, **body.validated_data)
        return self._done(alert)

    @extend_schema(
        summary="Resolve an alert by hand (findings about past events only)",
        request=AlertResolveSerializer,
        responses=AlertSerializer,
        tags=["alerts"],
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        alert = self.get_object()
        body = AlertResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alerts.alert_resolve(actor=request.user, alert=alert, **body.validated_data)
        return self._done(alert)


# ---------------------------------------------------------------------------------------------
# Reviews (R-CPL-1)


class ReviewSerializer(SubjectMixin, serializers.ModelSerializer):
    gate_label = serializers.SerializerMethodField()
    article = serializers.SerializerMethodField()
    requirement = serializers.SerializerMethodField()
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)
    requested_by = person_field()
    assigned_to = person_field()
    reviewer = person_field()

    class Meta:
        model = Review
        fields = [
            "id",
            "gate",
            "gate_label",
            "round",
            "article",
            "requirement",
            "object_type",
            "object_id",
            "object_repr",
            "park",
            "requested_by",
            "requested_at",
            "assigned_to",
            "reviewer",
            "decision",
            "decision_label",
            "opinion",
            "content_hash",
            "decided_at",
        ]
        read_only_fields = fields

    def get_gate_label(self, review) -> str:
        gate = gates.GATES.get(review.gate)
        return str(gate.label) if gate else review.gate

    def get_article(self, review) -> str:
        gate = gates.GATES.get(review.gate)
        return gate.article if gate else ""

    def get_requirement(self, review) -> str:
        gate = gates.GATES.get(review.gate)
        return gate.requirement if gate else ""


class ReviewFilter(filters.FilterSet):
    pending_for_me = filters.BooleanFilter(
        method="filter_pending_for_me", label="Only reviews waiting for my decision"
    )
    gate = filters.CharFilter()
    decision = filters.ChoiceFilter(choices=ReviewDecision.choices)

    class Meta:
        model = Review
        fields = ["pending_for_me", "gate", "decision"]

    def filter_pending_for_me(self, queryset, name, value):
        if not value:
            return queryset
        mine = gates.pending_for(self.request.user).values("pk")
        return queryset.filter(pk__in=mine)


class ReviewDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    opinion = serializers.CharField(
        max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


@extend_schema_view(
    list=extend_schema(summary="Reviews in my scope (合规审查)", tags=["reviews"]),
    retrieve=extend_schema(summary="One review", tags=["reviews"]),
)
class ReviewViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Review gates (R-CPL-1): who asked, who decided, what, why, and the reviewed content hash."""

    queryset = Review.objects.select_related(
        "requested_by", "assigned_to", "reviewer", "content_type", "park"
    )
    serializer_class = ReviewSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ReviewFilter
    policy = {"list": "review.view", "retrieve": "review.view", "decide": "review.view"}

    @extend_schema(
        summary="Decide a review: approve, reject or return with a written opinion",
        description="Self-review, a declared conflict of interest and a lapsed compliance "
        "status are refused (R-ORG-4, R-ORG-5); a change to the content since the request "
        "makes the review void (409).",
        request=ReviewDecideSerializer,
        responses=ReviewSerializer,
        tags=["reviews"],
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        review = self.get_object()
        body = ReviewDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        gates.review_decide(actor=request.user, review=review, **body.validated_data)
        return Response(ReviewSerializer(self.get_object()).data)


# ---------------------------------------------------------------------------------------------
# Rules (R-MON-1)


class RuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    articles = serializers.ListField(child=serializers.CharField())
    requirement = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    model = serializers.CharField(help_text="The model the rule checks (app_label.Model)")
    params = serializers.DictField(help_text="Parameters in force")
    defaults = serializers.DictField(help_text="Default parameters")
    param_labels = serializers.DictField(child=serializers.CharField())
    param_bounds = serializers.DictField(
        help_text="Per parameter: type (int, float, bool, str), min and max (inclusive)"
    )
    enabled = serializers.BooleanField()
    resolvable_by_hand = serializers.BooleanField()
    updated_at = serializers.DateTimeField(allow_null=True)


class RuleConfigureSerializer(serializers.Serializer):
    params = serializers.DictField(required=False, default=dict)
    enabled = serializers.BooleanField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH
    )


def _rule_row(rule_: rules.Rule, setting: RuleSetting | None) -> dict:
    return {
        "code": rule_.code,
        "title": str(rule_.title),
        "articles": list(rule_.articles),
        "requirement": rule_.requirement,
        "severity": rule_.severity,
        "model": rule_.model,
        "params": rules.effective_params(rule_, setting.params if setting else {})[0],
        "defaults": dict(rule_.defaults),
        "param_labels": {k: str(v) for k, v in rule_.param_labels.items()},
        "param_bounds": {
            k: {"type": spec.type.__name__, "min": spec.min, "max": spec.max}
            for k, spec in rule_.param_specs.items()
        },
        "enabled": setting.enabled if setting else True,
        "resolvable_by_hand": rule_.resolvable_by_hand,
        "updated_at": setting.updated_at if setting else None,
    }


_RULE_CODE = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Rule code, e.g. org.emergency_contact_stale",
)


class RuleViewSet(PolicyViewMixin, viewsets.ViewSet):
    """The registered rules with the parameters in force; system administrators change them
    (audited; the rule is re-swept at once)."""

    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    policy = {
        "list": "rules.view",
        "retrieve": "rules.view",
        "partial_update": "rules.configure",
        "configure": "rules.configure",
    }

    def _rule(self, code) -> rules.Rule:
        rule_ = rules.REGISTRY.get(code)
        if rule_ is None:
            raise NotFound()
        return rule_

    def _row(self, code) -> dict:
        return _rule_row(self._rule(code), RuleSetting.objects.filter(code=code).first())

    @extend_schema(
        summary="Registered rules (规则)", responses=RuleSerializer(many=True), tags=["rules"]
    )
    def list(self, request):
        settings_by_code = {s.code: s for s in RuleSetting.objects.filter(code__in=rules.REGISTRY)}
        rows = [
            _rule_row(r, settings_by_code.get(code)) for code, r in sorted(rules.REGISTRY.items())
        ]
        return Response(RuleSerializer(rows, many=True).data)

    @extend_schema(
        summary="One rule", parameters=[_RULE_CODE], responses=RuleSerializer, tags=["rules"]
    )
    def retrieve(self, request, code=None):
        return Response(RuleSerializer(self._row(code)).data)

    def _configure(self, request, code):
        self._rule(code)
        body = RuleConfigureSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rules.rule_setting_update(actor=request.user, code=code, **body.validated_data)
        return Response(RuleSerializer(self._row(code)).data)

    @extend_schema(
        summary="Change a rule's parameters (system administrators; audited)",
        parameters=[_RULE_CODE],
        request=RuleConfigureSerializer,
        responses=RuleSerializer,
        tags=["rules"],
    )
    def partial_update(self, request, code=None):
        return self._configure(request, code)

    @extend_schema(
        summary="Change a rule's parameters (system administrators; audited)",
        parameters=[_RULE_CODE],
        request=RuleConfigureSerializer,
        responses=RuleSerializer,
        tags=["rules"],
    )
    @action(detail=True, methods=["post"])
    def configure(self, request, code=None):
        return self._configure(request, code)


# ---------------------------------------------------------------------------------------------
# Regulation articles (R-CPL-2)


class ArticleSerializer(serializers.ModelSerializer):
    regulation_code = serializers.CharField(source="regulation.code", read_only=True)
    regulation_title = serializers.CharField(source="regulation.title", read_only=True)
    regulation_version = serializers.IntegerField(source="regulation.version", read_only=True)

    class Meta:
        model = Article
        fields = [
            "ref",
            "number",
            "chapter",
            "text",
            "regulation_code",
            "regulation_title",
            "regulation_version",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Articles of the regulation in force (制度条款)", tags=["articles"]),
    retrieve=extend_schema(
        summary="One article",
        parameters=[
            OpenApiParameter(
                "ref", OpenApiTypes.STR, OpenApiParameter.PATH, description="Art.1 … Art.29"
            )
        ],
        tags=["articles"],
    ),
)
class ArticleViewSet(PolicyViewMixin, viewsets.ReadOnlyModelViewSet):
    """The regulation as data: rules, gates and requirements cite these ids (``Art.N``).
    Reference data for all staff, not scoped to a park."""

    queryset = Article.objects.filter(
        regulation__code=regulation.CODE, regulation__is_current=True
    ).select_related("regulation")
    serializer_class = ArticleSerializer
    lookup_field = "ref"
    lookup_value_regex = r"[^/]+"  # anything: a malformed ref gets the JSON 404, not an HTML page
    filter_backends: list = []
    pagination_class = None
    policy = {"list": "regulation.view", "retrieve": "regulation.view"}


# ---------------------------------------------------------------------------------------------
# Audit timeline (R-PLT-1): the events of one object, for the domains' ``audit`` sub-routes


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_name",
            "action",
            "object_repr",
            "before",
            "after",
            "reason",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class IgnoreAcceptHeader(BaseContentNegotiation):
    """A download answers with the file's own type whatever the client accepts; errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
