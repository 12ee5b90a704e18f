"""The kernel's own API endpoints: alerts, reviews, rules, regulation articles and the audit
timeline serializer the domains' ``audit`` sub-routes use. Serializers parse and shape; the
services in ``core.alerts``, ``core.gates`` and ``core.rules`` decide. The machinery they stand
on (error shape, policy, scoping, ``service_action``) is in ``core.api``.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import alerts, gates, regulation, reviews, rules
from .api import (
    ChoiceLabelField,
    ErrorSerializer,
    IdField,
    PersonSerializer,
    PolicyViewMixin,
    ScopedViewSetMixin,
    SubjectMixin,
    person_field,
    service_step,
    staff_users,
)
from .choices import AlertStatus, GateStatus, ReviewDecision, Severity
from .errors import NotFound
from .models import Alert, Article, AuditEvent, GateSetting, Review, RuleSetting
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


def _same_round():
    return Review.objects.filter(
        content_type=OuterRef("content_type"),
        object_id=OuterRef("object_id"),
        gate=OuterRef("gate"),
        round=OuterRef("round"),
    )


def _count_in_round(**lookups):
    """How many reviews of each row's round match ``lookups`` (one subquery for a whole page)."""
    return Coalesce(
        Subquery(
            _same_round()
            .filter(**lookups)
            .order_by()
            .values("round")
            .annotate(n=Count("*"))
            .values("n")[:1]
        ),
        0,
    )


def with_round_counts(qs):
    """Each review with its round's progress: approvals (已签) and unclaimed signatures (待认领)."""
    return qs.annotate(
        round_signed=_count_in_round(decision=ReviewDecision.APPROVE),
        round_pool=_count_in_round(decision=ReviewDecision.PENDING, assigned_to__isnull=True),
    )


class RoundSerializer(serializers.Serializer):
    """The round a review belongs to, in full (one review's page)."""

    number = serializers.IntegerField()
    is_latest = serializers.BooleanField()
    quorum = serializers.IntegerField()
    signed = serializers.IntegerField(help_text="Distinct approvers of the current content")
    progress = serializers.CharField(help_text="已签 1/2")
    passed = serializers.BooleanField()
    signers = PersonSerializer(many=True)
    pool = serializers.IntegerField(help_text="Open signatures nobody has taken (待认领)")
    claimed_by = PersonSerializer(many=True)
    open_prerequisites = serializers.ListField(
        child=serializers.DictField(),
        help_text="Gates that must pass first and have not: [{code, label, status, status_label}]",
    )


class ReviewSerializer(SubjectMixin, serializers.ModelSerializer):
    gate_label = serializers.SerializerMethodField()
    article = serializers.SerializerMethodField()
    requirement = serializers.SerializerMethodField()
    mode = serializers.SerializerMethodField(help_text="assigned or pooled")
    mode_label = serializers.SerializerMethodField()
    quorum = serializers.SerializerMethodField(help_text="Distinct approvers the round needs")
    signed = serializers.SerializerMethodField(help_text="Approvals in this review's round")
    progress = serializers.SerializerMethodField(help_text="已签 1/2")
    pool = serializers.SerializerMethodField(help_text="Unclaimed signatures in the round")
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
            "mode",
            "mode_label",
            "quorum",
            "signed",
            "progress",
            "pool",
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

    def _gate(self, review):
        return gates.GATES.get(review.gate)

    def get_gate_label(self, review) -> str:
        gate = self._gate(review)
        return str(gate.label) if gate else str(_("未知审查节点"))

    def get_article(self, review) -> str:
        gate = self._gate(review)
        return gate.article if gate else ""

    def get_requirement(self, review) -> str:
        gate = self._gate(review)
        return gate.requirement if gate else ""

    def get_mode(self, review) -> str:
        gate = self._gate(review)
        return gate.mode if gate else ""

    def get_mode_label(self, review) -> str:
        gate = self._gate(review)
        return str(gate.mode_label) if gate else ""

    def get_quorum(self, review) -> int:
        gate = self._gate(review)
        return gate.quorum if gate else 1

    def _counts(self, review) -> tuple[int, int]:
        if not hasattr(review, "round_signed"):
            review = with_round_counts(Review.objects.filter(pk=review.pk)).get()
        return review.round_signed, review.round_pool

    def get_signed(self, review) -> int:
        return self._counts(review)[0]

    def get_pool(self, review) -> int:
        return self._counts(review)[1]

    def get_progress(self, review) -> str:
        return str(_("已签 %(signed)s/%(quorum)s")) % {
            "signed": self.get_signed(review),
            "quorum": self.get_quorum(review),
        }


class ReviewDetailSerializer(ReviewSerializer):
    """One review with its whole round: who signed, who took a signature, what is left in the
    pool, and the prerequisite gates still open."""

    round_state = serializers.SerializerMethodField()

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "round_state"]
        read_only_fields = fields

    @extend_schema_field(RoundSerializer(allow_null=True))
    def get_round_state(self, review):
        gate = self._gate(review)
        obj = review.subject
        if gate is None or obj is None:
            return None
        state = gates.round_state(obj, gate, review.round)
        return RoundSerializer(
            {
                "number": review.round,
                "is_latest": state.is_latest,
                "quorum": gate.quorum,
                "signed": state.signed,
                "progress": str(_("已签 %(signed)s/%(quorum)s"))
                % {"signed": state.signed, "quorum": gate.quorum},
                "passed": state.passed,
                "signers": state.signers,
                "pool": len(state.pool),
                "claimed_by": [r.assigned_to for r in state.claimed],
                "open_prerequisites": [
                    {
                        "code": before.code,
                        "label": str(before.label),
                        "status": status,
                        "status_label": str(GateStatus(status).label),
                    }
                    for before in gate.after
                    if (status := before.status(obj)) != GateStatus.PASSED
                ],
            }
        ).data


class ReviewDecidedSerializer(ReviewDetailSerializer):
    """A decision just recorded, and whether the domain's consequence followed (null) or was
    refused (the one error shape: the decision stands, the consequence can be applied later)."""

    consequence_error = serializers.SerializerMethodField()

    class Meta(ReviewDetailSerializer.Meta):
        fields = [*ReviewDetailSerializer.Meta.fields, "consequence_error"]
        read_only_fields = fields

    @extend_schema_field(ErrorSerializer(allow_null=True))
    def get_consequence_error(self, review):
        error = self.context.get("consequence_error")
        if error is None:
            return None
        return {"code": error.code, "detail": str(error.message), "requirement": error.requirement}


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


class ReviewWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


@extend_schema_view(
    list=extend_schema(summary="Reviews in my scope (合规审查)", tags=["reviews"]),
    retrieve=extend_schema(
        summary="One review, with its round: signers, pool, open prerequisites",
        responses=ReviewDetailSerializer,
        tags=["reviews"],
    ),
)
class ReviewViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Review gates (R-CPL-1): who asked, who decided, what, why, and the reviewed content hash;
    each round's progress towards its quorum of distinct signatures (R-ORG-4)."""

    queryset = with_round_counts(
        Review.objects.select_related(
            "requested_by", "assigned_to", "reviewer", "content_type", "park"
        )
    )
    serializer_class = ReviewSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ReviewFilter
    policy = {
        "list": "review.view",
        "retrieve": "review.view",
        "decide": "review.view",
        "claim": "review.view",
        "withdraw": "review.view",
    }

    def get_serializer_class(self):
        return ReviewDetailSerializer if self.action == "retrieve" else ReviewSerializer

    @extend_schema(
        summary="Decide a review: approve, reject or return with a written opinion",
        description="Self-review (the requester, the object's creator or initiator), a second "
        "signature by the same person in one round, a declared conflict of interest and a "
        "lapsed compliance status are refused (403, R-ORG-4, R-ORG-5); so is a decision while "
        "a prerequisite gate is still open (409 gate_prerequisite_open) and after a change to "
        "the content since the request (409 review_content_changed). The decision is recorded "
        "first; the domain's consequence follows in its own transaction, and if it is refused "
        "the decision stands and `consequence_error` says why.",
        request=ReviewDecideSerializer,
        responses=ReviewDecidedSerializer,
        tags=["reviews"],
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        body = ReviewDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = reviews.decide(
            actor=request.user, review=self.get_object(), **body.validated_data
        )
        context = {
            **self.get_serializer_context(),
            "consequence_error": decided.consequence_error,
        }
        return Response(ReviewDecidedSerializer(self.get_object(), context=context).data)

    claim = service_step(
        "claim",
        reviews.review_claim,
        obj="review",
        input=None,
        output=ReviewDetailSerializer,
        reread=True,
        summary="Take one open signature of a pooled round (认领)",
        description="Refused for whoever may not sign it (403) and when it is already taken or "
        "decided (409).",
        tags=["reviews"],
    )
    withdraw = service_step(
        "withdraw",
        reviews.review_withdraw,
        obj="review",
        input=ReviewWithdrawSerializer,
        output=ReviewDetailSerializer,
        reread=True,
        summary="Withdraw an open round (撤回审查) — the requester only",
        description="The round's open reviews are withdrawn and the round is void: signatures "
        "already given in it no longer count.",
        tags=["reviews"],
    )


# ---------------------------------------------------------------------------------------------
# Review gates and their parameters (R-CPL-1, R-BIL-4)


class GateSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    model = serializers.CharField(help_text="The reviewed model (app_label.Model)")
    article = serializers.CharField()
    requirement = serializers.CharField()
    reviewer_roles = serializers.ListField(child=serializers.CharField())
    mode = serializers.CharField(help_text="assigned or pooled")
    mode_label = serializers.CharField()
    quorum = serializers.IntegerField()
    after = serializers.ListField(child=serializers.CharField(), help_text="Prerequisite gates")
    condition = serializers.CharField(help_text="When the gate applies, in words")
    params = serializers.DictField(help_text="Parameters in force")
    defaults = serializers.DictField()
    param_labels = serializers.DictField(child=serializers.CharField())
    updated_at = serializers.DateTimeField(allow_null=True)


class GateConfigureSerializer(serializers.Serializer):
    params = serializers.DictField(required=False, default=dict)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH
    )


def _gate_row(gate, updated_at=None) -> dict:
    return {
        "code": gate.code,
        "label": str(gate.label),
        "model": gate.model,
        "article": gate.article,
        "requirement": gate.requirement,
        "reviewer_roles": list(gate.reviewer_roles),
        "mode": gate.mode,
        "mode_label": str(gate.mode_label),
        "quorum": gate.quorum,
        "after": [before.code for before in gate.after],
        "condition": str(gate.condition),
        "params": gate.param_values(),
        "defaults": gate.defaults,
        "param_labels": {k: str(v) for k, v in gate.param_labels.items()},
        "updated_at": updated_at,
    }


_GATE_CODE = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Gate code, e.g. the stored one"
)


class GateViewSet(PolicyViewMixin, viewsets.ViewSet):
    """The registered review gates: roles, quorum, mode, order, condition and the parameters in
    force; system administrators change the parameters (audited, in force at once)."""

    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    policy = {"list": "rules.view", "retrieve": "rules.view", "configure": "rules.configure"}

    def _gate(self, code):
        gate = gates.GATES.get(code)
        if gate is None:
            raise NotFound()
        return gate

    def _row(self, gate) -> dict:
        updated = GateSetting.objects.filter(code=gate.code).values_list("updated_at", flat=True)
        return _gate_row(gate, next(iter(updated), None))

    @extend_schema(
        summary="Review gates (审查节点)", responses=GateSerializer(many=True), tags=["gates"]
    )
    def list(self, request):
        updated = dict(GateSetting.objects.values_list("code", "updated_at"))
        rows = [_gate_row(g, updated.get(code)) for code, g in sorted(gates.GATES.items())]
        return Response(GateSerializer(rows, many=True).data)

    @extend_schema(
        summary="One review gate", parameters=[_GATE_CODE], responses=GateSerializer, tags=["gates"]
    )
    def retrieve(self, request, code=None):
        return Response(GateSerializer(self._row(self._gate(code))).data)

    @extend_schema(
        summary="Change a gate's parameters (system administrators; audited)",
        parameters=[_GATE_CODE],
        request=GateConfigureSerializer,
        responses=GateSerializer,
        tags=["gates"],
    )
    @action(detail=True, methods=["post"])
    def configure(self, request, code=None):
        gate = self._gate(code)
        body = GateConfigureSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reviews.gate_setting_update(actor=request.user, gate=gate, **body.validated_data)
        return Response(GateSerializer(self._row(gate)).data)


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
    """An event and, once sealed, its place in the chain (D44): ``seq`` and ``chain_hash``
    (``null`` for the few milliseconds before the seal). ``hash`` is the event's content hash;
    ``prev_hash`` is empty except on events written before the seals (their own chain, D4)."""

    seq = serializers.IntegerField(source="seal.seq", read_only=True, default=None)
    chain_hash = serializers.CharField(source="seal.hash", read_only=True, default=None)

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
            "seq",
            "chain_hash",
        ]
        read_only_fields = fields
