"""Service-desk endpoints (R-SVC-1 … R-SVC-3, R-PLT-2): service requests and their steps
(submit, take, offer a transfer, resolve, confirm), transfers (accept, decline), the monthly
call-backs (record) and anomaly reports (report). Every write is a call to the services the pages
and the portal use, so the API meets the same permission checks, first-responder rules, clocks and
audit trail; a refusal is the kernel's one error shape. Nothing is deleted through the API."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.response import Response

from parkflow.core import access
from parkflow.core.api import IdFilter, ScopedViewSetMixin, service_step
from parkflow.core.errors import ValidationFailed
from parkflow.enterprises.models import Enterprise

from . import selectors_requests as selectors
from . import services
from .choices import CallBackStatus, Category, RequestStatus, TransferStatus
from .models import AnomalyReport, CallBack, ServiceRequest, Transfer
from .serializers_requests import (
    AnomalyInputSerializer,
    AnomalyReportSerializer,
    CallBackRecordSerializer,
    CallBackSerializer,
    ConfirmSerializer,
    DeclineSerializer,
    RequestResolveSerializer,
    ServiceRequestDetailSerializer,
    ServiceRequestSerializer,
    SubmitSerializer,
    TransferOfferSerializer,
    TransferSerializer,
)

_TAGS = ["servicedesk"]

# ---------------------------------------------------------------------------------------------
# Service requests (R-SVC-1)


class ServiceRequestFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RequestStatus.choices)
    category = filters.ChoiceFilter(choices=Category.choices)
    park = IdFilter(field_name="park_id")
    enterprise = IdFilter(field_name="enterprise_id")
    owner = IdFilter(field_name="owner_id")

    class Meta:
        model = ServiceRequest
        fields = ["status", "category", "park", "enterprise", "owner"]


@extend_schema_view(
    list=extend_schema(summary="Service requests in my scope (服务请求)", tags=_TAGS),
    retrieve=extend_schema(summary="One service request, with its photos", tags=_TAGS),
)
class ServiceRequestViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """报修, 咨询 and 企业服务 requests. Staff see their parks'; an enterprise user sees and files
    its own. The first staff member to take a request owns it (首问负责制) until it is closed or
    a transfer is accepted."""

    queryset = ServiceRequest.objects.select_related("enterprise", "owner")
    serializer_class = ServiceRequestSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = ServiceRequestFilter
    search_fields = ["title", "enterprise__name"]
    ordering_fields = ["submitted_at", "status", "transfer_count"]
    ordering = ["-submitted_at", "-id"]
    policy = {
        "list": "service_request.view",
        "retrieve": "service_request.view",
        "create": "service_request.submit",
        "take": "service_request.handle",
        "transfer": "service_request.handle",
        "resolve": "service_request.handle",
        "confirm": "service_request.confirm",
    }

    def get_serializer_class(self):
        return ServiceRequestSerializer if self.action == "list" else ServiceRequestDetailSerializer

    def _detail(self, made, status=200) -> Response:
        row = (
            self.get_queryset()
            .select_related("submitted_by")
            .prefetch_related("photos")
            .get(pk=made.pk)
        )
        context = self.get_serializer_context()
        return Response(ServiceRequestDetailSerializer(row, context=context).data, status=status)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    @extend_schema(
        summary="File a service request (the response clock starts)",
        description="An enterprise user files for its own enterprise (``enterprise`` may be "
        "left out); staff name the enterprise. Photos are added from the portal.",
        request=SubmitSerializer,
        responses={201: ServiceRequestDetailSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = SubmitSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        enterprise = values.pop("enterprise", None)
        if enterprise is None and access.is_enterprise_user(request.user):
            enterprise = Enterprise.objects.get(pk=access.enterprise_id_of(request.user))
        if enterprise is None:
            raise ValidationFailed({"enterprise": ["请选择企业。"]}, requirement="R-SVC-1")
        made = services.request_submit(actor=request.user, enterprise=enterprise, **values)
        return self._detail(made, status=201)

    take = service_step(
        "take",
        services.request_take,
        obj="request",
        input=None,
        output=ServiceRequestDetailSerializer,
        reread=True,
        summary="Take the request: the first to take it owns it (首问受理)",
        description="409 already_owned, naming the owner, when someone took it first.",
        tags=_TAGS,
    )

    @extend_schema(
        summary="Offer the request to a colleague (转办)",
        description="Only the owner; ownership moves only when the colleague accepts "
        "(POST /service-transfers/{id}/accept/). Every offer is counted.",
        request=TransferOfferSerializer,
        responses={201: TransferSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        return self.service_action(
            services.transfer_offer,
            obj="request",
            input=TransferOfferSerializer,
            output=TransferSerializer,
            status=201,
        )

    resolve = service_step(
        "resolve",
        services.request_resolve,
        obj="request",
        input=RequestResolveSerializer,
        output=ServiceRequestDetailSerializer,
        reread=True,
        summary="Record the result (办结); the enterprise is asked to confirm",
        tags=_TAGS,
    )
    confirm = service_step(
        "confirm",
        services.request_confirm,
        obj="request",
        input=ConfirmSerializer,
        output=ServiceRequestDetailSerializer,
        reread=True,
        summary="The enterprise confirms the result and rates it 1–5 (enterprise users only)",
        tags=_TAGS,
    )


class TransferFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=TransferStatus.choices)
    request = IdFilter(field_name="request_id")
    to_me = filters.BooleanFilter(method="filter_to_me", label="Offered to me")

    class Meta:
        model = Transfer
        fields = ["status", "request", "to_me"]

    def filter_to_me(self, queryset, name, value):
        user = self.request.user
        return queryset.filter(to_person=user) if value else queryset.exclude(to_person=user)


@extend_schema_view(
    list=extend_schema(summary="Transfers of service requests (转办)", tags=_TAGS),
    retrieve=extend_schema(summary="One transfer", tags=_TAGS),
)
class TransferViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Offers to hand a request to a colleague; ``?to_me=true&status=pending`` is my inbox. Only
    the receiver accepts or declines."""

    queryset = Transfer.objects.select_related("request", "from_owner", "to_person")
    serializer_class = TransferSerializer
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = TransferFilter
    ordering_fields = ["created_at", "decided_at"]
    ordering = ["-created_at", "-id"]
    policy = {
        "list": "service_request.view",
        "retrieve": "service_request.view",
        "accept": "service_request.handle",
        "decline": "service_request.handle",
    }

    @extend_schema(
        summary="Accept a transfer offered to me: the request becomes mine",
        request=None,
        responses=ServiceRequestDetailSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        made = services.transfer_accept(actor=request.user, transfer=self.get_object())
        row = ServiceRequest.objects.select_related("enterprise", "owner", "submitted_by").get(
            pk=made.pk
        )
        context = self.get_serializer_context()
        return Response(ServiceRequestDetailSerializer(row, context=context).data)

    decline = service_step(
        "decline",
        services.transfer_decline,
        obj="transfer",
        input=DeclineSerializer,
        output=TransferSerializer,
        reread=True,
        summary="Decline a transfer offered to me, with a reason; ownership stays",
        tags=_TAGS,
    )


# ---------------------------------------------------------------------------------------------
# Monthly call-backs (R-SVC-2)


class CallBackFilter(filters.FilterSet):
    period = filters.CharFilter(max_length=7, help_text="2026-11")
    status = filters.ChoiceFilter(choices=CallBackStatus.choices)
    enterprise = IdFilter(field_name="enterprise_id")
    owner = IdFilter(field_name="owner_id")
    follow_up = filters.BooleanFilter(
        field_name="follow_up_owner", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = CallBack
        fields = ["period", "status", "enterprise", "owner", "follow_up"]


@extend_schema_view(
    list=extend_schema(summary="Monthly call-backs in my scope (月度回访)", tags=_TAGS),
    retrieve=extend_schema(summary="One call-back", tags=_TAGS),
)
class CallBackViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """One call-back per resident enterprise and month; recorded by staff (by phone) or by the
    enterprise itself. A score of 2 or less needs a comment and opens a follow-up."""

    queryset = CallBack.objects.select_related("enterprise", "owner", "follow_up_owner")
    serializer_class = CallBackSerializer
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = CallBackFilter
    ordering_fields = ["period", "due_on", "score"]
    ordering = ["-period", "enterprise_id"]
    policy = {
        "list": "callback.view",
        "retrieve": "callback.view",
        "record": "callback.record",
    }

    record = service_step(
        "record",
        services.callback_record,
        obj="callback",
        input=CallBackRecordSerializer,
        output=CallBackSerializer,
        reread=True,
        summary="Record the call-back: a score 1–5 and comments",
        description="400 on ``comment`` when the score is 2 or less and no comment is given.",
        tags=_TAGS,
    )


# ---------------------------------------------------------------------------------------------
# Anomaly reports (R-SVC-3)


class AnomalyFilter(filters.FilterSet):
    park = IdFilter(field_name="park_id")
    enterprise = IdFilter(field_name="enterprise_id")

    class Meta:
        model = AnomalyReport
        fields = ["park", "enterprise"]


@extend_schema_view(
    list=extend_schema(summary="Service anomaly reports in my scope (服务异常报告)", tags=_TAGS),
)
class AnomalyReportViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Anomalies and early complaint signs with their discovery and report times; ``late`` when
    reported more than the rule's hours after discovery (Art.9(二))."""

    queryset = AnomalyReport.objects.select_related("enterprise", "reported_by")
    serializer_class = AnomalyReportSerializer
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = AnomalyFilter
    ordering_fields = ["reported_at", "discovered_at"]
    ordering = ["-reported_at", "-id"]
    policy = {"list": "anomaly.view", "create": "anomaly.report"}

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "late_hours": selectors.late_hours()}

    @extend_schema(
        summary="Report a service anomaly with the time it was discovered",
        request=AnomalyInputSerializer,
        responses={201: AnomalyReportSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        return self.service_action(
            services.anomaly_report, input=AnomalyInputSerializer, status=201
        )
