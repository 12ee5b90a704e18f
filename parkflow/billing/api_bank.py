"""Bank-statement, invoice-data and receivables endpoints (R-BIL-4, R-BIL-6, R-PLT-2).

* ``bank-import-checks``: upload a statement and get its check (every row's errors, or what
  each credit line will become; nothing written), read it again, confirm it — the same
  ``imports_bank`` / ``services_bank`` functions as the pages. A check is its importer's alone.
* ``bank-imports``: the statements imported into my parks, with their progress and counts.
* ``bank-lines``: the lines of my parks (``?status=review`` is the review list, 待人工核对);
  ``match`` pays a line into a bill, ``ignore`` marks it as not the park's money.
* ``invoice-data``: each bill's 数电发票 data; ``export`` is the finance system's workbook.
* ``receivables``: the dashboard's figures (aging by park, KPIs, top overdue enterprises).

There is no DELETE and no edit: a line is handled once, through its service."""

from django.http import FileResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from parkflow.core import access
from parkflow.core.api import (
    ErrorSerializer,
    IdFilter,
    IgnoreAcceptHeader,
    PolicyViewMixin,
    ScopedViewSetMixin,
    is_storable_id,
)
from parkflow.core.errors import NotFound

from . import imports_bank, invoices, services_bank
from . import selectors_receivables as receivables_selectors
from .choices import ChargeKind
from .choices_bank import BankLineStatus
from .models_bank import BankLine, BankStatementImport
from .serializers_bank import (
    BankImportCheckSerializer,
    BankImportConfirmSerializer,
    BankImportUploadSerializer,
    BankLineIgnoreSerializer,
    BankLineMatchSerializer,
    BankLineSerializer,
    BankStatementImportSerializer,
    InvoiceLineSerializer,
    ReceivablesSummarySerializer,
)

_BANK = ["bank statements"]
_INVOICES = ["invoice data"]
_RECEIVABLES = ["receivables"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# Checks (nothing written) and their confirmation


@extend_schema_view(
    retrieve=extend_schema(
        summary="A checked statement: its row-level errors, or what each credit line will become",
        tags=_BANK,
    )
)
class BankImportCheckViewSet(PolicyViewMixin, viewsets.GenericViewSet):
    """A statement uploaded and checked, waiting for its importer's confirmation. Checks live
    in the worker's store, bound to the person who uploaded: anyone else gets 404."""

    serializer_class = BankImportCheckSerializer
    lookup_field = "token"
    lookup_value_regex = "[0-9a-f]{32}"
    filter_backends: list = []
    policy = {"create": "bank.import", "retrieve": "bank.import", "confirm": "bank.import"}

    def _job(self):
        return imports_bank.import_job_get_for_user(
            actor=self.request.user, token=self.kwargs["token"]
        )

    @extend_schema(
        summary="Upload a bank statement and check it (nothing is written)",
        description="Excel (.xlsx) or CSV (UTF-8 or GBK) as the bank exports it. The answer "
        "lists every row's errors (status `invalid`) or, for a clean file (status `checked`), "
        "what each credit line will become: paid into a bill by its number (ZD…) or by payer "
        "and amount, left for review (待人工核对), or already imported (已导入). The same file "
        "imported before into the park is refused (400). Confirm with `…/confirm/`.",
        request={"multipart/form-data": BankImportUploadSerializer},
        responses={201: BankImportCheckSerializer},
        tags=_BANK,
    )
    def create(self, request):
        body = BankImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = imports_bank.bank_import_check(
            actor=request.user,
            park=body.validated_data.get("park"),
            upload=body.validated_data["file"],
        )
        return Response(BankImportCheckSerializer(job).data, status=201)

    def retrieve(self, request, token=None):
        return Response(BankImportCheckSerializer(self._job()).data)

    @extend_schema(
        summary="Confirm a checked statement: its credit lines are taken into the books",
        description="The file is read again (same SHA-256) and recorded once for the park "
        "(409 `statement_already_imported` for the same file twice). Matched lines become "
        "payments through the ordinary payment service, idempotent per bank transaction; a "
        "large file is taken by the worker: poll `/bank-imports/{id}/` for its progress.",
        request=BankImportConfirmSerializer,
        responses={201: BankStatementImportSerializer},
        tags=_BANK,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, token=None):
        job = self._job()
        run = services_bank.bank_import_confirm(actor=request.user, token=job["token"])
        run.refresh_from_db()
        return Response(BankStatementImportSerializer(run).data, status=201)


class BankImportFilter(filters.FilterSet):
    park = IdFilter(field_name="park_id")

    class Meta:
        model = BankStatementImport
        fields = ["park"]


@extend_schema_view(
    list=extend_schema(summary="Bank statements imported into my parks, newest first", tags=_BANK),
    retrieve=extend_schema(
        summary="One imported statement: progress and what became of its lines", tags=_BANK
    ),
)
class BankImportViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = BankStatementImport.objects.select_related("park", "imported_by")
    serializer_class = BankStatementImportSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = BankImportFilter
    ordering = ["-imported_at", "-id"]
    policy = {"list": "bank.view", "retrieve": "bank.view"}

    def get_queryset(self):
        return super().get_queryset().order_by("-imported_at", "-id")


# ---------------------------------------------------------------------------------------------
# Lines and the review list


class BankLineFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=BankLineStatus.choices)
    park = IdFilter(field_name="park_id")
    statement = IdFilter(field_name="statement_id")

    class Meta:
        model = BankLine
        fields = ["status", "park", "statement"]


@extend_schema_view(
    list=extend_schema(
        summary="Bank lines of my parks (status=review: the review list, 待人工核对)",
        tags=_BANK,
    ),
    retrieve=extend_schema(summary="One bank line and what became of it", tags=_BANK),
)
class BankLineViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = BankLine.objects.select_related("park", "bill", "handled_by")
    serializer_class = BankLineSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = BankLineFilter
    policy = {
        "list": "bank.view",
        "retrieve": "bank.view",
        "match": "bank.match",
        "ignore": "bank.match",
    }

    def get_queryset(self):
        return super().get_queryset().order_by("-booked_on", "-id")

    @extend_schema(
        summary="Match a line waiting for review to a bill of its park (audited)",
        description="Records the payment through the ordinary payment service with the line's "
        "own idempotency key; sending the same match again changes nothing. 409 "
        "`line_not_in_review` for a line already handled otherwise.",
        request=BankLineMatchSerializer,
        responses=BankLineSerializer,
        tags=_BANK,
    )
    @action(detail=True, methods=["post"])
    def match(self, request, pk=None):
        line = self.get_object()
        body = BankLineMatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services_bank.bank_line_match(actor=request.user, line=line, **body.validated_data)
        return Response(BankLineSerializer(self.get_object()).data)

    @extend_schema(
        summary="Mark a line waiting for review as not the park's money, with the reason",
        request=BankLineIgnoreSerializer,
        responses=BankLineSerializer,
        tags=_BANK,
    )
    @action(detail=True, methods=["post"])
    def ignore(self, request, pk=None):
        line = self.get_object()
        body = BankLineIgnoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services_bank.bank_line_ignore(actor=request.user, line=line, **body.validated_data)
        return Response(BankLineSerializer(self.get_object()).data)


# ---------------------------------------------------------------------------------------------
# Invoice data and the receivables summary

_INVOICE_FILTERS = [
    OpenApiParameter("park", OpenApiTypes.INT, description="Park id"),
    OpenApiParameter("month", OpenApiTypes.STR, description="Billing period, e.g. 2026-11"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=ChargeKind.values, description="Fee kind"),
    OpenApiParameter("paid_only", OpenApiTypes.BOOL, description="Only settled bills"),
]


def _invoice_filters(request) -> dict:
    """The query's filters, parsed as the page's form does (a park among mine); a bad value is
    a 400."""
    from .forms_bank import InvoiceFilterForm

    form = InvoiceFilterForm(request.query_params or None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.filters()


@extend_schema_view(
    list=extend_schema(
        summary="Invoice data (数电发票) of my parks' bills",
        description="Buyer and credit code, item, tax classification code, rate, amount "
        "excluding tax, tax and total — to the fen, half up; deposits are not invoiced.",
        parameters=_INVOICE_FILTERS,
        tags=_INVOICES,
    ),
)
class InvoiceDataViewSet(PolicyViewMixin, viewsets.GenericViewSet):
    serializer_class = InvoiceLineSerializer
    filter_backends: list = []
    policy = {"list": "invoice.view", "export": "invoice.view"}

    def list(self, request):
        qs, to_line = invoices.invoice_lines(actor=request.user, **_invoice_filters(request))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            InvoiceLineSerializer([to_line(bill) for bill in page], many=True).data
        )

    @extend_schema(
        summary="The invoice data as Excel for the finance system (audited)",
        parameters=_INVOICE_FILTERS,
        responses={(200, XLSX): OpenApiTypes.BINARY},
        tags=_INVOICES,
    )
    @action(detail=False, methods=["get"], content_negotiation_class=IgnoreAcceptHeader)
    def export(self, request):
        workbook, _count = invoices.invoice_export(
            actor=request.user, filters=_invoice_filters(request)
        )
        return FileResponse(
            workbook,
            as_attachment=True,
            filename=invoices.filename("invoice-data"),
            content_type=XLSX,
        )


class ReceivablesViewSet(PolicyViewMixin, viewsets.GenericViewSet):
    """The receivables dashboard's figures: one object, not a list."""

    serializer_class = ReceivablesSummarySerializer
    filter_backends: list = []
    pagination_class = None
    policy = {"summary": "bill.view"}

    @extend_schema(
        summary="Receivables of my parks: aging by park, KPIs, top overdue enterprises",
        parameters=[OpenApiParameter("park", OpenApiTypes.INT, description="Park id")],
        responses={
            200: ReceivablesSummarySerializer,
            404: OpenApiResponse(ErrorSerializer, description="不是您负责的园区 (not my park)"),
        },
        tags=_RECEIVABLES,
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        from parkflow.enterprises.forms import parks_for

        if access.is_enterprise_user(request.user):
            # The dashboard is the park's; an enterprise reads its own bills in the portal.
            raise exceptions.PermissionDenied()
        park = None
        value = request.query_params.get("park")
        if value:
            if not is_storable_id(value):
                raise NotFound()
            park = parks_for(request.user).filter(pk=int(value)).first()
            if park is None:
                raise NotFound()
        board = receivables_selectors.receivables_summary(actor=request.user, park=park)
        return Response(ReceivablesSummarySerializer(board).data)
