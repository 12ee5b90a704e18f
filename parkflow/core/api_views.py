"""The kernel's own API endpoints: alerts, reviews, rules, regulation articles and the audit
timeline serializer the domains' ``audit`` sub-routes use. Serializers parse and shape; the
services in ``core.alerts``, ``core.gates`` and ``core.rules`` decide. The machinery they stand
on (error shape, policy, scoping, ``service_action``) is in ``core.api``.
"""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import alerts, gates, regulation, rules
from .api import (
    ChoiceLabelField,
    IdField,
    PolicyViewMixin,
    ScopedViewSetMixin,
    SubjectMixin,
    person_field,
    service_step,
    staff_users,
)
from .choices import AlertStatus, ReviewDecision, Severity
from .errors import NotFound
from .models import Alert, Article, AuditEvent, Review, RuleSetting
from .validation import REASON_MAX_LENGTH

# ---------------------------------------------------------------------------------------------
# Alerts (R-MON-1)


# The inbox filter: "active" (open or acknowledged, the default), one status, or all.
ALERT_STATUS_FILTER = [("active", _("未解除")), *AlertStatus.choices, ("all", _("全部"))]


class AlertSerializer(SubjectMixin, serializers.ModelSerializer):
    status_label = ChoiceLabelField("status")
    severity_label = ChoiceLabelField("severity")
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


def _alert_step(name, service, body, summary):
    """An alert action: the service on the alert, the alert as it is afterwards in the answer."""
    return service_step(
        name,
        service,
        obj="alert",
        input=body,
        output=AlertSerializer,
        reread=True,
        summary=summary,
        tags=["alerts"],
    )


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

    acknowledge = _alert_step(
        "acknowledge", alerts.alert_acknowledge, AlertNoteSerializer, "Acknowledge an alert (确认)"
    )
    assign = _alert_step(
        "assign", alerts.alert_assign, AlertAssignSerializer, "Assign an alert to a person (指派)"
    )
    resolve = _alert_step(
        "resolve",
        alerts.alert_resolve,
        AlertResolveSerializer,
        "Resolve an alert by hand (findings about past events only)",
    )


# ---------------------------------------------------------------------------------------------
# Reviews (R-CPL-1)


class ReviewSerializer(SubjectMixin, serializers.ModelSerializer):
    gate_label = serializers.SerializerMethodField()
    article = serializers.SerializerMethodField()
    requirement = serializers.SerializerMethodField()
    decision_label = ChoiceLabelField("decision")
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

    decide = service_step(
        "decide",
        gates.review_decide,
        obj="review",
        input=ReviewDecideSerializer,
        output=ReviewSerializer,
        reread=True,
        summary="Decide a review: approve, reject or return with a written opinion",
        description="Self-review, a declared conflict of interest and a lapsed compliance "
        "status are refused (R-ORG-4, R-ORG-5); a change to the content since the request "
        "makes the review void (409).",
        tags=["reviews"],
    )


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
    levels = serializers.ListField(
        child=serializers.DictField(),
        help_text="The escalation ladder above the base severity, mildest first: severity, "
        "condition in words (with the parameters in force), roles told (R-CMP-7)",
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
    params = rules.effective_params(rule_, setting.params if setting else {})[0]
    return {
        "code": rule_.code,
        "title": str(rule_.title),
        "articles": list(rule_.articles),
        "requirement": rule_.requirement,
        "severity": rule_.severity,
        "model": rule_.model,
        "params": params,
        "defaults": dict(rule_.defaults),
        "param_labels": {k: str(v) for k, v in rule_.param_labels.items()},
        "param_bounds": {
            k: {"type": spec.type.__name__, "min": spec.min, "max": spec.max}
            for k, spec in rule_.param_specs.items()
        },
        "levels": [
            {
                "severity": level.severity,
                "when": level.describe(params),
                "notify": list(level.notify),
            }
            for level in rule_.levels
        ],
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
