"""Statement and dispute endpoints (R-BIL-5, R-PLT-2): statements (list, one with its lines,
issue, supersede, download as Excel or PDF) and disputes (list, one, raise — the enterprise —,
take, resolve by an adjustment, reject with a reason). Every write is a call to
``services_statements`` with the acting user, the functions the pages and the portal use, so the
API meets the same checks and audit trail; a refusal is the kernel's one error shape. No DELETE
and no edit: a statement is superseded, a dispute settled."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parkflow.core.api import IdFilter, IgnoreAcceptHeader, ScopedViewSetMixin, service_step

from . import selectors_statements as selectors
from . import services_statements as services
from .choices_statements import DisputeStatus, StatementStatus
from .models_statements import Statement, StatementDispute
from .serializers_statements import (
    DisputeRejectSerializer,
    DisputeResolveSerializer,
    StatementDetailSerializer,
    StatementDisputeCreateSerializer,
    StatementDisputeSerializer,
    StatementIssueSerializer,
    StatementSerializer,
    StatementSupersedeSerializer,
)

_TAGS = ["statements"]


class StatementFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=StatementStatus.choices)
    park = IdFilter(field_name="park_id")
    enterprise = IdFilter(field_name="enterprise_id")
    period_start = filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_end = filters.DateFilter(field_name="period_end", lookup_expr="lte")

    class Meta:
        model = Statement
        fields = ["status", "park", "enterprise"]


def _download(fmt: str):
    def download(self, request, pk=None):
        document = services.statement_download(
            actor=request.user, statement=self.get_object(), fmt=fmt
        )
        response = HttpResponse(document.content, content_type=document.content_type)
        response["Content-Disposition"] = content_disposition_header(True, document.filename)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    download.__name__ = download.__qualname__ = fmt
    routed = action(detail=True, methods=["get"], content_negotiation_class=IgnoreAcceptHeader)(
        download
    )
    return extend_schema(
        summary=f"The statement as {'Excel' if fmt == 'xlsx' else 'PDF'} (an attachment; audited)",
        responses={(200, services.XLSX if fmt == "xlsx" else services.PDF): OpenApiTypes.BINARY},
        tags=_TAGS,
    )(routed)


@extend_schema_view(
    list=extend_schema(summary="Statements in my scope (对账单)", tags=_TAGS),
    retrieve=extend_schema(
        summary="One statement: totals, the closing balance in capitals, its lines as issued",
        tags=_TAGS,
    ),
)
class StatementViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Statements of my parks (staff) or of my own enterprise (an enterprise user). Issued
    once per (enterprise, period); never edited, superseded to be issued again."""

    queryset = Statement.objects.select_related("park", "enterprise", "issued_by")
    serializer_class = StatementSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = StatementFilter
    ordering = ["-period_start", "-id"]
    policy = {
        "list": "statement.view",
        "retrieve": "statement.view",
        "issue": "statement.issue",
        "supersede": "statement.issue",
        "xlsx": "statement.view",
        "pdf": "statement.view",
    }

    def get_queryset(self):
        return super().get_queryset().order_by("-period_start", "-id")

    def get_serializer_class(self):
        return StatementSerializer if self.action == "list" else StatementDetailSerializer

    @extend_schema(
        summary="Issue an enterprise's statement for a period that has ended",
        description="Default: last month; with only period_start, that month; any range up to "
        "five years. 409 statement_exists when the period has a statement in force "
        "(supersede it first, R-BIL-5).",
        request=StatementIssueSerializer,
        responses={201: StatementDetailSerializer},
        tags=_TAGS,
    )
    @action(detail=False, methods=["post"])
    def issue(self, request):
        body = StatementIssueSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        made = services.statement_issue(actor=request.user, **body.validated_data)
        row = self.get_queryset().get(pk=made.pk)
        return Response(
            StatementDetailSerializer(row, context=self.get_serializer_context()).data, status=201
        )

    supersede = service_step(
        "supersede",
        services.statement_supersede,
        obj="statement",
        input=StatementSupersedeSerializer,
        output=StatementDetailSerializer,
        reread=True,
        summary="Supersede a statement (作废) so its period can be issued again",
        tags=_TAGS,
    )
    xlsx = _download("xlsx")
    pdf = _download("pdf")


class DisputeFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=DisputeStatus.choices)
    park = IdFilter(field_name="park_id")
    enterprise = IdFilter(field_name="enterprise_id")
    statement = IdFilter(field_name="statement_id")
    overdue = filters.BooleanFilter(
        method="filter_overdue", help_text="Response or resolution clock past due (超时)"
    )

    class Meta:
        model = StatementDispute
        fields = ["status", "park", "enterprise", "statement"]

    def filter_overdue(self, queryset, name, value):
        return selectors.overdue(queryset) if value else queryset


def _step(name, service, input, summary):
    return service_step(
        name,
        service,
        obj="dispute",
        input=input,
        output=StatementDisputeSerializer,
        reread=True,
        summary=summary,
        tags=_TAGS,
    )


@extend_schema_view(
    list=extend_schema(summary="Disputes of statement lines (对账争议)", tags=_TAGS),
    retrieve=extend_schema(summary="One dispute with its outcome", tags=_TAGS),
)
class StatementDisputeViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """An enterprise's dispute of one line of its statement: raised by the enterprise, taken by
    finance, resolved by an adjustment or rejected with a written reason."""

    queryset = StatementDispute.objects.select_related(
        "park", "enterprise", "statement", "line", "handler"
    )
    serializer_class = StatementDisputeSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = DisputeFilter
    policy = {
        "list": "dispute.view",
        "retrieve": "dispute.view",
        "create": "dispute.raise",
        "take": "dispute.handle",
        "resolve": "dispute.handle",
        "reject": "dispute.handle",
    }

    def get_queryset(self):
        return super().get_queryset().order_by("-raised_at", "-id")

    @extend_schema(
        summary="Dispute a line of my statement (the enterprise)",
        description="One open dispute per line (409 dispute_open); staff cannot raise one on "
        "an enterprise's behalf (403).",
        request=StatementDisputeCreateSerializer,
        responses={201: StatementDisputeSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = StatementDisputeCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        made = services.dispute_raise(actor=request.user, **body.validated_data)
        row = self.get_queryset().get(pk=made.pk)
        return Response(
            StatementDisputeSerializer(row, context=self.get_serializer_context()).data,
            status=201,
        )

    take = _step("take", services.dispute_take, None, "Take the dispute up (核查中)")
    resolve = _step(
        "resolve",
        services.dispute_resolve,
        DisputeResolveSerializer,
        "Resolve by an adjustment of the bill (a new line; the bill is not edited)",
    )
    reject = _step(
        "reject",
        services.dispute_reject,
        DisputeRejectSerializer,
        "Reject with a written reason the enterprise reads",
    )
