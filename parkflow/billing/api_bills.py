"""Bill endpoints (R-BIL-1 … R-BIL-6, R-PLT-2): bills (list, one, and paying one from the prepaid
balance), payments (list, one, record), adjustments (list, make) and bill runs (start, follow,
list). Every write is a call to ``services`` with the acting user — the functions the pages use —
so the API meets the same checks and audit trail; a refusal is the kernel's one error shape.
There is no DELETE and no edit: a bill is corrected by an adjustment line (R-BIL-5).

Idempotency (R-BIL-4): recording a payment, and paying from the prepaid balance, take a key —
the ``Idempotency-Key`` header, or ``idempotency_key`` in the body. A retry with the same key and
the same body is answered with the status and body of the original, plus the header
``Idempotent-Replayed: true``, and records nothing; the same key with another body is refused
(409 ``idempotency_key_reused``)."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.response import Response

from parkflow.core.api import IdFilter, ScopedViewSetMixin

from . import selectors, services
from .choices import AdjustmentKind, BillStatus, ChargeKind, PaymentMethod, RunStatus
from .models import Adjustment, Bill, BillRun, Payment
from .serializers_bills import (
    AdjustmentCreateSerializer,
    AdjustmentSerializer,
    BillDetailSerializer,
    BillRunCreateSerializer,
    BillRunSerializer,
    BillSerializer,
    KeyOnlySerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
)

_TAGS = ["bills"]
KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY_PARAMETER = OpenApiParameter(
    KEY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="One key per payment (1–80 characters), sent again unchanged on a retry. "
    "Required here or as idempotency_key in the body.",
)
_REPLAY_NOTE = (
    "A retry with the same key and body answers 201 with the original body and the header "
    "Idempotent-Replayed: true, recording nothing; the same key with another body is 409 "
    "idempotency_key_reused."
)


def _key(request, body: dict) -> str:
    return request.headers.get(KEY_HEADER) or body.get("idempotency_key") or ""


def _recorded(view, recorded) -> Response:
    """The payment as stored (so a replay's body is the original's), 201 either way."""
    payment = Payment.objects.select_related("bill").get(pk=recorded.payment.pk)
    response = Response(
        PaymentSerializer(payment, context=view.get_serializer_context()).data, status=201
    )
    if recorded.replayed:
        response[REPLAYED_HEADER] = "true"
    return response


class BillFilter(filters.FilterSet):
    park = IdFilter(field_name="park_id")
    enterprise = IdFilter(field_name="enterprise_id")
    agreement = IdFilter(field_name="agreement_id")
    status = filters.ChoiceFilter(choices=BillStatus.choices)
    kind = filters.ChoiceFilter(choices=ChargeKind.choices)
    overdue = filters.BooleanFilter(
        method="filter_overdue", help_text="Not fully paid and past the due date (逾期)"
    )
    period_from = filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period_start", lookup_expr="lte")

    class Meta:
        model = Bill
        fields = ["park", "enterprise", "agreement", "status", "kind"]

    def filter_overdue(self, queryset, name, value):
        return selectors.overdue(queryset) if value else queryset


@extend_schema_view(
    list=extend_schema(
        summary="Bills in my scope (账单): due, received and outstanding, overdue days",
        tags=_TAGS,
    ),
    retrieve=extend_schema(summary="One bill with its payments and adjustments", tags=_TAGS),
)
class BillViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Bills of my parks (staff) or of my own enterprise (an enterprise user). Issued by a bill
    run or on demand, never typed in, never edited or deleted."""

    queryset = Bill.objects.select_related("enterprise")
    serializer_class = BillSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = BillFilter
    search_fields = ["enterprise__name", "label", "agreement__number"]
    ordering_fields = ["period_start", "due_date", "issued_at", "amount"]
    ordering = ["-period_start", "-id"]
    policy = {
        "list": "bill.view",
        "retrieve": "bill.view",
        "credit_apply": "payment.record",
    }

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("payments", Payment.objects.select_related("bill").order_by("-id")),
                Prefetch("adjustments", Adjustment.objects.order_by("-id")),
            )
        return qs

    def get_serializer_class(self):
        return BillDetailSerializer if self.action == "retrieve" else BillSerializer

    @extend_schema(
        summary="Pay the bill from the enterprise's prepaid balance (预收余额抵扣)",
        description="As far as the balance goes; the enterprise's balance is locked so two "
        "bills cannot spend it twice. " + _REPLAY_NOTE,
        parameters=[_KEY_PARAMETER],
        request=KeyOnlySerializer,
        responses={201: PaymentSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="credit-apply")
    def credit_apply(self, request, pk=None):
        bill = self.get_object()
        body = KeyOnlySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        recorded = services.credit_apply(
            actor=request.user, bill=bill, idempotency_key=_key(request, body.validated_data)
        )
        return _recorded(self, recorded)


class PaymentFilter(filters.FilterSet):
    park = IdFilter(field_name="park_id")
    enterprise = IdFilter(field_name="enterprise_id")
    bill = IdFilter(field_name="bill_id")
    method = filters.ChoiceFilter(choices=PaymentMethod.choices)
    paid_from = filters.DateFilter(field_name="paid_on", lookup_expr="gte")
    paid_to = filters.DateFilter(field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["park", "enterprise", "bill", "method"]


@extend_schema_view(
    list=extend_schema(summary="Payments in my scope (收款记录), newest first", tags=_TAGS),
    retrieve=extend_schema(summary="One payment as recorded", tags=_TAGS),
)
class PaymentViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Money received for bills: recorded once per idempotency key, never edited or deleted."""

    queryset = Payment.objects.select_related("bill")
    serializer_class = PaymentSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = PaymentFilter
    search_fields = ["reference", "enterprise__name"]
    ordering_fields = ["recorded_at", "paid_on", "amount"]
    ordering = ["-recorded_at", "-id"]
    policy = {"list": "bill.view", "retrieve": "bill.view", "create": "payment.record"}

    @extend_schema(
        summary="Record money received for a bill (登记收款), idempotently",
        description="Partial payments are fine; what exceeds the bill goes to the enterprise's "
        "prepaid balance (never a silent change). " + _REPLAY_NOTE,
        parameters=[_KEY_PARAMETER],
        request=PaymentCreateSerializer,
        responses={
            201: OpenApiResponse(
                PaymentSerializer,
                description="Recorded — or, with Idempotent-Replayed: true, recorded before "
                "by a request with the same key and body",
            )
        },
        tags=_TAGS,
    )
    def create(self, request):
        body = PaymentCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values["idempotency_key"] = _key(request, values)
        recorded = services.payment_record(actor=request.user, **values)
        return _recorded(self, recorded)


class AdjustmentFilter(filters.FilterSet):
    bill = IdFilter(field_name="bill_id")
    kind = filters.ChoiceFilter(choices=AdjustmentKind.choices)

    class Meta:
        model = Adjustment
        fields = ["bill", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Adjustments (调账) in my scope, newest first", tags=_TAGS),
)
class AdjustmentViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Corrections of bills: a new credit or debit line with its reason, never an edit."""

    queryset = Adjustment.objects.all()
    serializer_class = AdjustmentSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = AdjustmentFilter
    ordering = ["-made_at", "-id"]
    policy = {"list": "bill.view", "create": "bill.adjust"}

    def get_queryset(self):
        return super().get_queryset().order_by("-made_at", "-id")

    @extend_schema(
        summary="Adjust a bill (调账): a credit or debit line with its reason",
        description="A credit beyond what is still due returns the difference to the prepaid "
        "balance; a credit may not exceed what the bill charges (R-BIL-5).",
        request=AdjustmentCreateSerializer,
        responses={201: AdjustmentSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = AdjustmentCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        made = services.adjustment_make(actor=request.user, **body.validated_data)
        return Response(AdjustmentSerializer(made).data, status=201)


class BillRunFilter(filters.FilterSet):
    park = IdFilter(field_name="park_id")
    status = filters.ChoiceFilter(choices=RunStatus.choices)

    class Meta:
        model = BillRun
        fields = ["park", "status"]


@extend_schema_view(
    list=extend_schema(summary="Bill runs of my parks (出账), newest first", tags=_TAGS),
    retrieve=extend_schema(
        summary="One bill run: its progress while it runs, its result when done", tags=_TAGS
    ),
)
class BillRunViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A park's generation of bills up to a month (R-BIL-1), done by the worker in chunks."""

    queryset = BillRun.objects.select_related("park")
    serializer_class = BillRunSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = BillRunFilter
    policy = {"list": "bill.view", "retrieve": "bill.view", "create": "bill.issue"}

    def get_queryset(self):
        return super().get_queryset().order_by("-started_at", "-id")

    @extend_schema(
        summary="Start a park's bill run up to a month (202: follow it at its URL)",
        description="Bills every period of the park's signed fee schedules up to the end of "
        "the month not billed yet; a period billed already is counted, never billed again "
        "(R-BIL-2). One run of a park at a time (409 run_in_progress).",
        request=BillRunCreateSerializer,
        responses={202: BillRunSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = BillRunCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        run = services.bill_run_start(actor=request.user, **body.validated_data)
        run = self.get_queryset().get(pk=run.pk)
        return Response(BillRunSerializer(run).data, status=202)
