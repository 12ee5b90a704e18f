"""Resource allocation endpoints (R-RES-1 … R-RES-6, R-PLT-2): the catalogue and its free/busy
calendar, entitlements, requests with the state of their gates, allocations and delivery
deviations. Every write is a call to ``resources.services`` with the acting user — the functions
the pages and the portal use — so the API meets the same permission checks, gates, slot check and
audit trail; a refusal is the kernel's one error shape. No route allocates: a request is
allocated only by its gates' consequence (the risk review and, when major, the leading group,
decided through ``/api/v1/reviews/``) or a declared standing approval (R-RES-3)."""

import datetime

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.response import Response

from parkflow.core import access, clock
from parkflow.core.api import IdFilter, ScopedViewSetMixin, is_storable_id
from parkflow.core.errors import NotFound, ValidationFailed
from parkflow.core.workflow_api import transition_actions
from parkflow.enterprises.choices import EnterpriseGrade

from . import services
from .choices import (
    AllocationStatus,
    DeviationStatus,
    RequestStatus,
    ResourceKind,
    ResourceStatus,
)
from .models import Allocation, Deviation, Entitlement, Resource, ResourceRequest
from .serializers import (
    AllocationSerializer,
    BusyQuerySerializer,
    DeviationReportSerializer,
    DeviationSerializer,
    EntitlementInputSerializer,
    EntitlementSerializer,
    FreeBusySerializer,
    ReleaseSerializer,
    ResolveSerializer,
    ResourceInputSerializer,
    ResourceRequestCreateSerializer,
    ResourceRequestDetailSerializer,
    ResourceRequestSerializer,
    ResourceSerializer,
    ResourceUpdateSerializer,
    visible_resources,
)

_TAGS = ["resources"]
BUSY_DEFAULT = datetime.timedelta(days=7)
BUSY_LONGEST = datetime.timedelta(days=366)


# ---------------------------------------------------------------------------------------------
# The catalogue (R-RES-1) and its free/busy calendar (R-RES-4)


class ResourceFilter(filters.FilterSet):
    park = IdFilter(field_name="park_id")
    kind = filters.ChoiceFilter(choices=ResourceKind.choices)
    building = filters.CharFilter(max_length=30)
    status = filters.ChoiceFilter(choices=ResourceStatus.choices)

    class Meta:
        model = Resource
        fields = ["park", "kind", "building", "status"]


def free_busy(resource, start, end, *, staff: bool) -> dict:
    """The active allocations of ``resource`` overlapping ``[start, end)`` and the gaps between
    them. Who holds a slot only for staff: an enterprise user sees the periods (R-RES-4)."""
    held = (
        Allocation.objects.filter(
            resource=resource,
            status=AllocationStatus.ACTIVE,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("enterprise")
        .order_by("starts_at", "id")
    )
    busy, free, cursor = [], [], start
    for allocation in held:
        period = {"starts_at": allocation.starts_at, "ends_at": allocation.ends_at}
        if staff:
            period |= {
                "allocation": allocation.pk,
                "enterprise": allocation.enterprise_id,
                "enterprise_name": allocation.enterprise.name,
            }
        busy.append(period)
        if allocation.starts_at > cursor:
            free.append({"starts_at": cursor, "ends_at": allocation.starts_at})
        cursor = max(cursor, allocation.ends_at)
    if cursor < end:
        free.append({"starts_at": cursor, "ends_at": end})
    return {"resource": resource.pk, "from": start, "to": end, "busy": busy, "free": free}


@extend_schema_view(
    list=extend_schema(summary="The resource catalogue of my parks (资源台账)", tags=_TAGS),
    retrieve=extend_schema(summary="One resource", tags=_TAGS),
)
class ResourceViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Office units, meeting rooms, equipment, parking spaces and staff services of a park. Staff
    read their parks' catalogue and the keepers change it; an enterprise user reads only the
    free/busy calendar of its own park's resources, to book (never who holds a slot)."""

    queryset = Resource.objects.all()
    serializer_class = ResourceSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = ResourceFilter
    search_fields = ["code", "name", "building", "number"]
    ordering_fields = ["code", "name", "building", "area", "capacity"]
    ordering = ["park", "kind", "building", "code"]
    policy = {
        "list": "resource.view",
        "retrieve": "resource.view",
        "create": "resource.manage",
        "partial_update": "resource.manage",
        "busy": "resource.view",
    }
    # An enterprise user books: the calendar of its own park's resources and nothing else.
    portal_policy = {"busy": "resource.book"}

    def initial(self, request, *args, **kwargs):
        if access.is_enterprise_user(request.user):
            self.policy = self.portal_policy
        super().initial(request, *args, **kwargs)

    def _detail(self, resource, status=200) -> Response:
        context = self.get_serializer_context()
        return Response(ResourceSerializer(resource, context=context).data, status=status)

    @extend_schema(
        summary="Add a resource to a park's catalogue",
        description="An office unit needs its area; the code is unique in the park (R-RES-1).",
        request=ResourceInputSerializer,
        responses={201: ResourceSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = ResourceInputSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        resource = services.resource_save(actor=request.user, **body.validated_data)
        return self._detail(resource, status=201)

    @extend_schema(
        summary="Change a resource (its status too: 维护中, 已停用)",
        request=ResourceUpdateSerializer,
        responses=ResourceSerializer,
        tags=_TAGS,
    )
    def partial_update(self, request, pk=None):
        resource = self.get_object()
        body = ResourceUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        resource = services.resource_save(
            actor=request.user,
            park=resource.park,
            resource=resource,
            kind=values.pop("kind", resource.kind),
            code=values.pop("code", resource.code),
            **values,
        )
        return self._detail(resource)

    @extend_schema(
        summary="Free and busy periods of a resource (空闲/占用时段)",
        description="The active allocations overlapping [from, to) and the free gaps between "
        "them; periods are half-open, so a booking may start when another ends. Staff see who "
        "holds each slot; an enterprise user sees only the periods, for its own park's "
        "resources (R-RES-4). At most 366 days.",
        parameters=[
            OpenApiParameter("from", str, description="ISO date-time; default now"),
            OpenApiParameter("to", str, description="ISO date-time; default from + 7 days"),
        ],
        responses=FreeBusySerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["get"])
    def busy(self, request, pk=None):
        if not is_storable_id(pk):
            raise NotFound()
        # The rows the user may see are the authorisation: an enterprise user reads its own
        # park's resources through the public "book" action, which has no per-object check.
        try:
            resource = visible_resources(request.user).get(pk=pk)
        except Resource.DoesNotExist:
            raise NotFound() from None
        query = BusyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data.get("from") or clock.now()
        end = query.validated_data.get("to") or start + BUSY_DEFAULT
        if end <= start:
            raise ValidationFailed({"to": ["结束时间须晚于开始时间。"]}, requirement="R-RES-4")
        if end - start > BUSY_LONGEST:
            raise ValidationFailed({"to": ["查询区间不能超过366天。"]}, requirement="R-RES-4")
        staff = not access.is_enterprise_user(request.user)
        return Response(FreeBusySerializer(free_busy(resource, start, end, staff=staff)).data)


# ---------------------------------------------------------------------------------------------
# Entitlements (R-RES-2)


class EntitlementFilter(filters.FilterSet):
    park = IdFilter(field_name="park_id")
    grade = filters.ChoiceFilter(choices=EnterpriseGrade.choices)
    kind = filters.ChoiceFilter(choices=ResourceKind.choices)

    class Meta:
        model = Entitlement
        fields = ["park", "grade", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Entitlements by customer grade (客户等级资源权益)", tags=_TAGS)
)
class EntitlementViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """What each customer grade may have of each kind of resource in a park, and its booking
    priority (R-RES-2)."""

    queryset = Entitlement.objects.all()
    serializer_class = EntitlementSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = EntitlementFilter
    policy = {"list": "resource.view", "create": "entitlement.manage"}

    @extend_schema(
        summary="Set a grade's entitlement of a kind in a park (creates or replaces it)",
        request=EntitlementInputSerializer,
        responses=EntitlementSerializer,
        tags=_TAGS,
    )
    def create(self, request):
        body = EntitlementInputSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        entitlement = services.entitlement_save(actor=request.user, **body.validated_data)
        return Response(EntitlementSerializer(entitlement).data)


# ---------------------------------------------------------------------------------------------
# Requests (R-RES-3, R-RES-4, R-RES-5)


class ResourceRequestFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RequestStatus.choices)
    kind = filters.ChoiceFilter(field_name="resource__kind", choices=ResourceKind.choices)
    above_entitlement = filters.BooleanFilter()
    major = filters.BooleanFilter()
    enterprise = IdFilter(field_name="enterprise_id")
    resource = IdFilter(field_name="resource_id")

    class Meta:
        model = ResourceRequest
        fields = ["status", "kind", "above_entitlement", "major", "enterprise", "resource"]


@extend_schema_view(
    list=extend_schema(summary="Resource requests in my scope (资源申请)", tags=_TAGS),
    retrieve=extend_schema(
        summary="One request: each gate's state and the usage against the entitlement",
        tags=_TAGS,
    ),
)
@transition_actions(ResourceRequest, tags=_TAGS)  # POST /{id}/cancel/ (the only routed step)
class ResourceRequestViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Requests for a resource over a period. Staff see their parks'; an enterprise user sees
    and makes its own enterprise's. Allocation is never a route: the gates decide (R-RES-3)."""

    queryset = ResourceRequest.objects.select_related("enterprise", "resource")
    serializer_class = ResourceRequestSerializer
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = ResourceRequestFilter
    ordering_fields = ["created_at", "starts_at", "status"]
    ordering = ["-created_at", "-id"]
    policy = {
        "list": "resource_request.view",
        "retrieve": "resource_request.view",
        "create": "resource_request.create",
    }

    def get_serializer_class(self):
        return (
            ResourceRequestSerializer if self.action == "list" else ResourceRequestDetailSerializer
        )

    def _detail(self, request_row, status=200) -> Response:
        row = (
            self.get_queryset()
            .select_related("requested_by", "allocation", "resource__park")
            .get(pk=request_row.pk)
        )
        context = self.get_serializer_context()
        return Response(ResourceRequestDetailSerializer(row, context=context).data, status=status)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    @extend_schema(
        summary="Request a resource for a period",
        description="An enterprise user requests for its own enterprise; staff name it. "
        "Refused at once, writing nothing, when the slot is taken (409 slot_taken, naming the "
        "held period — and the holder only to staff, R-RES-4), the enterprise is not in good "
        "standing (R-ENT-5), or the request is above the grade's entitlement without a written "
        "justification (400, R-RES-5). A routine meeting-room booking a standing approval "
        "covers is allocated at once; anything else waits for the risk-control review and, "
        "when major, the leading group (R-RES-3).",
        request=ResourceRequestCreateSerializer,
        responses={201: ResourceRequestDetailSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = ResourceRequestCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        made = services.request_create(actor=request.user, **body.validated_data)
        return self._detail(made, status=201)


# ---------------------------------------------------------------------------------------------
# Allocations (R-RES-4) and delivery deviations (R-RES-6)


class AllocationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=AllocationStatus.choices)
    kind = filters.ChoiceFilter(field_name="resource__kind", choices=ResourceKind.choices)
    above_entitlement = filters.BooleanFilter()
    enterprise = IdFilter(field_name="enterprise_id")
    resource = IdFilter(field_name="resource_id")

    class Meta:
        model = Allocation
        fields = ["status", "kind", "above_entitlement", "enterprise", "resource"]


@extend_schema_view(
    list=extend_schema(summary="Allocations in my scope (资源分配)", tags=_TAGS),
    retrieve=extend_schema(summary="One allocation", tags=_TAGS),
)
class AllocationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """What granted requests became. An enterprise user sees only its own enterprise's."""

    queryset = Allocation.objects.select_related("enterprise", "resource", "granted_by")
    serializer_class = AllocationSerializer
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = AllocationFilter
    ordering_fields = ["starts_at", "ends_at", "created_at"]
    ordering = ["-starts_at", "-id"]
    policy = {
        "list": "allocation.view",
        "retrieve": "allocation.view",
        "release": "allocation.release",
    }

    @extend_schema(
        summary="Release an allocation early (the slot is free again)",
        request=ReleaseSerializer,
        responses=AllocationSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self.service_action(
            services.allocation_release, obj="allocation", input=ReleaseSerializer, reread=True
        )


class DeviationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=DeviationStatus.choices)
    allocation = IdFilter(field_name="allocation_id")
    enterprise = IdFilter(field_name="enterprise_id")

    class Meta:
        model = Deviation
        fields = ["status", "allocation", "enterprise", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Delivery deviations in my scope (交付偏差)", tags=_TAGS),
    retrieve=extend_schema(summary="One delivery deviation", tags=_TAGS),
)
class DeviationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Late, different or insufficient delivery, reported against an allocation (by the
    enterprise or staff) and tracked to its resolution on the SLA clock (R-RES-6)."""

    queryset = Deviation.objects.select_related("enterprise", "reported_by", "resolved_by")
    serializer_class = DeviationSerializer
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = DeviationFilter
    ordering_fields = ["reported_at", "resolved_at"]
    ordering = ["-reported_at", "-id"]
    policy = {
        "list": "deviation.view",
        "retrieve": "deviation.view",
        "create": "deviation.report",
        "resolve": "deviation.resolve",
    }

    @extend_schema(
        summary="Report a delivery deviation against an allocation",
        request=DeviationReportSerializer,
        responses={201: DeviationSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        return self.service_action(
            services.deviation_report, input=DeviationReportSerializer, status=201
        )

    @extend_schema(
        summary="Record how a deviation was resolved (stops its clock)",
        request=ResolveSerializer,
        responses=DeviationSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self.service_action(
            services.deviation_resolve, obj="deviation", input=ResolveSerializer, reread=True
        )
