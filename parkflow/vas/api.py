"""Value-added service endpoints (R-VAS-1 … R-VAS-3, R-PLT-2): the catalogue (list, add a
service), its prices (list, publish a new version), and orders (list, one, place) with every
step on them. Every write is a call to ``services`` with the acting user — the functions the
pages and the portal use — so the API meets the same lead time, the same rule that only the
enterprise confirms a staff-entered order (``confirm`` is refused to every staff member,
R-VAS-2) and the same audit trail; a refusal is the kernel's one error shape. There is no
DELETE and no edit of a published price or of an order's terms."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from parkflow.core.api import IdFilter, ScopedViewSetMixin, service_step

from . import selectors, services
from .choices import OrderChannel, OrderStatus, VasCategory
from .models import VasOrder, VasPrice, VasService
from .serializers import (
    VasCancelSerializer,
    VasCompleteSerializer,
    VasOrderCreateSerializer,
    VasOrderSerializer,
    VasPricePublishSerializer,
    VasPriceSerializer,
    VasRateSerializer,
    VasReasonSerializer,
    VasServiceCreateSerializer,
    VasServiceSerializer,
)

_TAGS = ["value-added services"]


# ---------------------------------------------------------------------------------------------
# The catalogue (R-VAS-1)


class VasServiceFilter(filters.FilterSet):
    category = filters.ChoiceFilter(choices=VasCategory.choices)
    park = IdFilter(field_name="park_id")
    is_active = filters.BooleanFilter()

    class Meta:
        model = VasService
        fields = ["category", "park", "is_active"]


@extend_schema_view(
    list=extend_schema(
        summary="The catalogue (服务目录) with the price in force and the prices announced "
        "ahead of time; an enterprise user sees its own park's services on sale",
        tags=_TAGS,
    ),
)
class VasServiceViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = VasService.objects.all()
    serializer_class = VasServiceSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter]
    filterset_class = VasServiceFilter
    search_fields = ["name", "description"]
    policy = {"list": "vas_service.view", "create": "vas_service.manage"}

    def get_queryset(self):
        user = self.request.user
        qs = selectors.catalogue_of(user).select_related("park")
        return selectors.with_prices(qs.order_by("category", "name", "id"))

    @extend_schema(
        summary="Add a service to a park's catalogue (the lead department, the office, system "
        "administrators); it can be ordered once a published price is in force",
        request=VasServiceCreateSerializer,
        responses={201: VasServiceSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = VasServiceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = services.service_create(actor=request.user, **body.validated_data)
        row = self.get_queryset().get(pk=made.pk)
        return Response(
            VasServiceSerializer(row, context=self.get_serializer_context()).data, status=201
        )


class VasPriceFilter(filters.FilterSet):
    service = IdFilter(field_name="service_id")

    class Meta:
        model = VasPrice
        fields = ["service"]


@extend_schema_view(
    list=extend_schema(
        summary="Published prices (价格版本), newest publication first; never edited or deleted",
        tags=_TAGS,
    ),
)
class VasPriceViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = VasPrice.objects.all()
    serializer_class = VasPriceSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = VasPriceFilter
    policy = {"list": "vas_service.view", "create": "vas_service.manage"}

    def get_queryset(self):
        return selectors.price_list(actor=self.request.user)

    @extend_schema(
        summary="Publish a new price of a service (公示价格)",
        description="The effective date must be at least N days after today (the lead time an "
        "administrator sets, default 7): an earlier one is refused with 400 naming "
        "effective_from (R-VAS-1). The new version supersedes the older ones from its "
        "effective date; nothing already published changes.",
        request=VasPricePublishSerializer,
        responses={201: VasPriceSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = VasPricePublishSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        made = services.price_publish(actor=request.user, **body.validated_data)
        return Response(
            VasPriceSerializer(made, context=self.get_serializer_context()).data, status=201
        )


# ---------------------------------------------------------------------------------------------
# Orders (R-VAS-2, R-VAS-3)


class VasOrderFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=OrderStatus.choices)
    channel = filters.ChoiceFilter(choices=OrderChannel.choices)
    park = IdFilter(field_name="park_id")
    enterprise = IdFilter(field_name="enterprise_id")
    service = IdFilter(field_name="service_id")

    class Meta:
        model = VasOrder
        fields = ["status", "channel", "park", "enterprise", "service"]


def _step(name, service, input, summary, description=""):
    return service_step(
        name,
        service,
        obj="order",
        input=input,
        output=VasOrderSerializer,
        reread=True,
        summary=summary,
        description=description,
        tags=_TAGS,
    )


@extend_schema_view(
    list=extend_schema(summary="Value-added service orders in my scope (服务订单)", tags=_TAGS),
    retrieve=extend_schema(summary="One order", tags=_TAGS),
)
class VasOrderViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Orders of my parks (staff) or of my own enterprise (an enterprise user)."""

    queryset = VasOrder.objects.select_related("service", "enterprise", "handler")
    serializer_class = VasOrderSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter]
    filterset_class = VasOrderFilter
    search_fields = ["service__name", "enterprise__name", "note"]
    ordering = ["-placed_at", "-id"]
    policy = {
        "list": "vas_order.view",
        "retrieve": "vas_order.view",
        "create": "vas_order.place",
        "confirm": "vas_order.confirm",
        "decline": "vas_order.confirm",
        "start": "vas_order.handle",
        "complete": "vas_order.handle",
        "bill": "vas_order.bill",
        "cancel": "vas_order.cancel",
        "rate": "vas_order.rate",
    }

    def get_queryset(self):
        return super().get_queryset().order_by("-placed_at", "-id")

    @extend_schema(
        summary="Place an order (下单)",
        description="An enterprise user orders for its own enterprise: confirmed at once. Staff "
        "enter an order on an enterprise's behalf: it waits for the enterprise's confirmation "
        "in the portal and is not billable until then (R-VAS-2). The unit price is the "
        "published price in force today.",
        request=VasOrderCreateSerializer,
        responses={201: VasOrderSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = VasOrderCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        made = services.order_place(actor=request.user, **body.validated_data)
        row = self.get_queryset().get(pk=made.pk)
        return Response(
            VasOrderSerializer(row, context=self.get_serializer_context()).data, status=201
        )

    confirm = _step(
        "confirm",
        services.order_confirm,
        None,
        "Confirm a staff-entered order (the enterprise; no staff role may)",
        "403 for every staff member: only the enterprise confirms what it orders (R-VAS-2).",
    )
    decline = _step(
        "decline",
        services.order_decline,
        VasReasonSerializer,
        "Decline a staff-entered order (the enterprise): never delivered nor billed",
    )
    start = _step(
        "start",
        services.order_start,
        None,
        "Start delivering a confirmed order (the front office)",
        "409 not_confirmed / wrong_state before the enterprise confirmed it (R-VAS-2).",
    )
    complete = _step(
        "complete",
        services.order_complete,
        VasCompleteSerializer,
        "Record the service as delivered (the front office); finance bills it next",
    )
    bill = _step(
        "bill",
        services.order_bill,
        None,
        "Bill a completed order (finance), once, at its snapshot price",
        "409 not_confirmed for a staff-entered order the enterprise did not confirm (R-VAS-2); "
        "409 duplicate_charge for an order already billed (R-BIL-2).",
    )
    cancel = _step(
        "cancel",
        services.order_cancel,
        VasCancelSerializer,
        "Cancel an order before its service starts, with a reason",
    )
    rate = _step(
        "rate",
        services.order_rate,
        VasRateSerializer,
        "Rate a completed order's quality 1–5 (the enterprise, once; R-VAS-3)",
    )
