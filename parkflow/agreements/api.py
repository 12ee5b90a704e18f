"""Agreements endpoints (R-AGR-1 … R-AGR-6, R-PLT-2): agreements with their clauses, service
lines and fee schedule, the review step and the signature; templates and their versions;
tariffs, the service catalogue and the allowed venues. Every write is a call to
``agreements.services`` with the acting user — the functions the pages use — so the API meets
the same permission checks, gates and audit trail; a refusal is the kernel's one error shape.
The legal review and the price exception are decided through ``/api/v1/reviews/`` (core)."""

import datetime

from django import forms as django_forms
from django.db.models import prefetch_related_objects
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from parkflow.core import clock
from parkflow.core.api import IdFilter, PolicyViewMixin, ScopedViewSetMixin, is_storable_id
from parkflow.core.errors import NotFound
from parkflow.core.workflow_api import transition_actions

from . import services, visibility
from .choices import AgreementKind, AgreementStatus, FeeKind
from .models import (
    Agreement,
    FeeLine,
    ServiceItem,
    ServiceLine,
    Tariff,
    Template,
    TemplateVersion,
    Venue,
)
from .serializers import (
    AgreementCreateSerializer,
    AgreementDetailSerializer,
    AgreementSerializer,
    AgreementUpdateSerializer,
    AmendSerializer,
    ClausesInputSerializer,
    FeeLineInputSerializer,
    FeeLineSerializer,
    PricePublishSerializer,
    ServiceItemInputSerializer,
    ServiceItemSerializer,
    ServiceItemUpdateSerializer,
    ServiceLineAddSerializer,
    ServiceLineSerializer,
    SignSerializer,
    TariffSerializer,
    TemplateCreateSerializer,
    TemplateReReviewInputSerializer,
    TemplateReReviewSerializer,
    TemplateSerializer,
    TemplateVersionCreateSerializer,
    TemplateVersionDetailSerializer,
    TemplateVersionSerializer,
    VenueInputSerializer,
    VenueSerializer,
)

_TAGS = ["agreements"]
_LINE = OpenApiParameter("line_pk", int, OpenApiParameter.PATH, description="Service line id")
_FEE = OpenApiParameter("fee_pk", int, OpenApiParameter.PATH, description="Fee line id")
_REFERENCE = ["agreement reference data"]

# What the detail shows, fetched once for one agreement (never for a list: the list is lean).
DETAIL_RELATED = (
    "template_version",
    "price_approver",
    "park_signatory",
    "signed_by",
    "created_by",
)
DETAIL_PREFETCH = ("clauses", "lines__item", "lines__confirmed_by", "fees")


def _child(queryset, pk):
    """A line or fee of the agreement already fetched through the scope: one the agreement does
    not have is the 404 of a missing id."""
    if not is_storable_id(pk):
        raise NotFound()
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise NotFound() from None


class DaysFilter(filters.NumberFilter):
    field_class = django_forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 3660)
        super().__init__(*args, **kwargs)


class AgreementFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=AgreementStatus.choices)
    kind = filters.ChoiceFilter(choices=AgreementKind.choices)
    # A plain number: another park's enterprise gives an empty list, not an error.
    enterprise = IdFilter(field_name="enterprise_id")
    expiring_within = DaysFilter(
        method="filter_expiring", label="Signed, ending within this many days from today"
    )

    class Meta:
        model = Agreement
        fields = ["status", "kind", "enterprise", "expiring_within"]

    def filter_expiring(self, queryset, name, value):
        today = clock.today()
        return queryset.filter(
            status=AgreementStatus.SIGNED,
            end_date__gte=today,
            end_date__lte=today + datetime.timedelta(days=int(value)),
        )


@extend_schema_view(
    list=extend_schema(summary="Agreements in my scope (服务协议)", tags=_TAGS),
    retrieve=extend_schema(
        summary="One agreement: clauses, service lines, fees and each gate's state", tags=_TAGS
    ),
)
@transition_actions(Agreement, tags=_TAGS)  # POST /{id}/submit/ (the only routed step)
class AgreementViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Service agreements. Staff see their parks' agreements; an enterprise user sees only its
    own enterprise's, reads them and confirms the services it asked for (R-AGR-3)."""

    queryset = Agreement.objects.select_related("enterprise")
    serializer_class = AgreementSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = AgreementFilter
    search_fields = ["number", "title", "enterprise__name"]
    ordering_fields = ["created_at", "end_date", "start_date", "number", "status"]
    ordering = ["-created_at", "-id"]
    policy = {
        "list": "agreement.view",
        "retrieve": "agreement.view",
        "create": "agreement.draft",
        "partial_update": "agreement.draft",
        "clauses": "agreement.draft",
        "lines": "agreement.draft",
        "line": "agreement.draft",
        "line_confirm": "agreement.confirm_line",
        "fees": "agreement.draft",
        "fee": "agreement.draft",
        "fee_remove": "agreement.draft",
        "sign": "agreement.sign",
        "amend": "agreement.amend",
    }

    def get_serializer_class(self):
        return AgreementSerializer if self.action == "list" else AgreementDetailSerializer

    def get_queryset(self):
        # An enterprise user sees what the portal shows it, no internal draft (visibility.py).
        return visibility.visible_to(self.request.user, super().get_queryset())

    def get_object(self):
        agreement = super().get_object()
        if not visibility.visible_to(
            self.request.user, Agreement.objects.filter(pk=agreement.pk)
        ).exists():
            raise NotFound()
        return agreement

    def _detail(self, agreement, status=200) -> Response:
        row = (
            self.get_queryset()
            .select_related(*DETAIL_RELATED)
            .prefetch_related(*DETAIL_PREFETCH)
            .get(pk=agreement.pk)
        )
        context = self.get_serializer_context()
        return Response(AgreementDetailSerializer(row, context=context).data, status=status)

    def retrieve(self, request, pk=None):
        agreement = self.get_object()
        return self._detail(agreement)

    @extend_schema(
        summary="Draft an agreement from an approved template version",
        description="Its clauses are copied from the template and the service lines its kind "
        "requires are added (R-AGR-2, R-AGR-3). The template version must be approved and its "
        "quarterly re-review not lapsed (R-AGR-1).",
        request=AgreementCreateSerializer,
        responses={201: AgreementDetailSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = AgreementCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        agreement = services.agreement_create(actor=request.user, **body.validated_data)
        return self._detail(agreement, status=201)

    @extend_schema(
        summary="Change the title, the term or the leader named for a price exception",
        description="After the legal review was requested, any change voids it: the agreement "
        "goes back to the review (R-AGR-4).",
        request=AgreementUpdateSerializer,
        responses=AgreementDetailSerializer,
        tags=_TAGS,
    )
    def partial_update(self, request, pk=None):
        agreement = self.get_object()
        body = AgreementUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.agreement_update(actor=request.user, agreement=agreement, **body.validated_data)
        return self._detail(agreement)

    @extend_schema(
        summary="Replace the clauses (in the order given)",
        description="The mandatory kinds (保密条款, 违约责任, 争议解决) and the venue are checked "
        "when the agreement is submitted (R-AGR-2). A change after the review was requested "
        "voids it (R-AGR-4).",
        request=ClausesInputSerializer,
        responses=AgreementDetailSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["put"])
    def clauses(self, request, pk=None):
        agreement = self.get_object()
        body = ClausesInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.agreement_clauses_set(
            actor=request.user, agreement=agreement, clauses=body.validated_data["clauses"]
        )
        return self._detail(agreement)

    @extend_schema(
        summary="Add a service line",
        description="Its basis follows from the agreement's kind, never from the caller: a "
        "service the kind does not require is the enterprise's request and counts once the "
        "enterprise confirms it (R-AGR-3, no bundling).",
        request=ServiceLineAddSerializer,
        responses={201: ServiceLineSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        agreement = self.get_object()
        body = ServiceLineAddSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        line = services.service_line_add(
            actor=request.user, agreement=agreement, **body.validated_data
        )
        return Response(ServiceLineSerializer(line).data, status=201)

    @extend_schema(
        summary="Remove a service line the enterprise asked for (a required one stays)",
        parameters=[_LINE],
        request=None,
        responses={204: None},
        tags=_TAGS,
    )
    # A POST, not a DELETE: no API route deletes (the kernel's rule); the removal is a change
    # of the draft's content, audited like any other.
    @action(
        detail=True,
        methods=["post"],
        url_path=r"lines/(?P<line_pk>[^/.]+)/remove",
        url_name="line-remove",
    )
    def line(self, request, pk=None, line_pk=None):
        agreement = self.get_object()
        line = _child(ServiceLine.objects.filter(agreement=agreement), line_pk)
        services.service_line_remove(actor=request.user, line=line)
        return Response(status=204)

    @extend_schema(
        summary="The enterprise confirms a service it asked for (企业门户确认)",
        description="For the enterprise's own portal user only; staff cannot confirm on its "
        "behalf (a signed confirmation note is recorded on the staff pages) (R-AGR-3).",
        parameters=[_LINE],
        request=None,
        responses=ServiceLineSerializer,
        tags=_TAGS,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"lines/(?P<line_pk>[^/.]+)/confirm",
        url_name="line-confirm",
    )
    def line_confirm(self, request, pk=None, line_pk=None):
        agreement = self.get_object()
        line = _child(ServiceLine.objects.filter(agreement=agreement), line_pk)
        line = services.service_line_confirm(actor=request.user, line=line)
        return Response(ServiceLineSerializer(line).data)

    @extend_schema(
        summary="Add a line to the fee schedule",
        description="Priced from the tariff in force on its start date; above it, or "
        "discounted beyond the drafter's authority, the leader's approval applies (R-AGR-5).",
        request=FeeLineInputSerializer,
        responses={201: FeeLineSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def fees(self, request, pk=None):
        agreement = self.get_object()
        body = FeeLineInputSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        fee = services.fee_line_add(actor=request.user, agreement=agreement, **body.validated_data)
        return Response(FeeLineSerializer(fee).data, status=201)

    @extend_schema(
        methods=["PATCH"],
        summary="Change a fee line",
        parameters=[_FEE],
        request=FeeLineInputSerializer,
        responses=FeeLineSerializer,
        tags=_TAGS,
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"fees/(?P<fee_pk>[^/.]+)",
        url_name="fee",
    )
    def fee(self, request, pk=None, fee_pk=None):
        agreement = self.get_object()
        fee = _child(FeeLine.objects.filter(agreement=agreement), fee_pk)
        body = FeeLineInputSerializer(data=request.data, partial=True, context={"request": request})
        body.is_valid(raise_exception=True)
        fee = services.fee_line_update(actor=request.user, fee=fee, **body.validated_data)
        return Response(FeeLineSerializer(fee).data)

    @extend_schema(
        summary="Remove a fee line",
        parameters=[_FEE],
        request=None,
        responses={204: None},
        tags=_TAGS,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"fees/(?P<fee_pk>[^/.]+)/remove",
        url_name="fee-remove",
    )
    def fee_remove(self, request, pk=None, fee_pk=None):
        agreement = self.get_object()
        fee = _child(FeeLine.objects.filter(agreement=agreement), fee_pk)
        services.fee_line_remove(actor=request.user, fee=fee)
        return Response(status=204)

    @extend_schema(
        summary="Record the signature: date, signatories and the signed scan (multipart)",
        description="Refused, with nothing stored, unless every gate that applies passed on "
        "the content as stored (legal review by someone other than the drafter; the leader's "
        "approval of a price exception) and the enterprise is in good standing (R-AGR-4, "
        "R-AGR-5, R-AGR-6, R-ENT-5).",
        request={"multipart/form-data": SignSerializer},
        responses=AgreementDetailSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def sign(self, request, pk=None):
        agreement = self.get_object()
        body = SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.agreement_sign(actor=request.user, agreement=agreement, **body.validated_data)
        return self._detail(agreement)

    @extend_schema(
        summary="Start an amendment (补充协议) of a signed agreement",
        description="A new version with the same number and its content copied, reviewed on "
        "its own; once signed it supersedes this one (R-AGR-6).",
        request=AmendSerializer,
        responses={201: AgreementDetailSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        agreement = self.get_object()
        body = AmendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        amendment = services.agreement_amend(
            actor=request.user, agreement=agreement, **body.validated_data
        )
        return self._detail(amendment, status=201)


# ---------------------------------------------------------------------------------------------
# Templates (R-AGR-1)


@extend_schema_view(
    list=extend_schema(summary="Agreement templates in my scope (协议模板)", tags=_TAGS),
    retrieve=extend_schema(summary="One agreement template", tags=_TAGS),
)
class TemplateViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A park's templates, owned by the lead department; their text lives in versions."""

    queryset = Template.objects.all()
    serializer_class = TemplateSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_fields = ["kind"]
    policy = {
        "list": "template.view",
        "retrieve": "template.view",
        "create": "template.manage",
        "versions": "template.manage",
    }

    @extend_schema(
        summary="Create a template and its first version (a draft)",
        request=TemplateCreateSerializer,
        responses={201: TemplateVersionDetailSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = TemplateCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        version = services.template_create(actor=request.user, **body.validated_data)
        return Response(TemplateVersionDetailSerializer(version).data, status=201)

    @extend_schema(
        summary="Start a new draft version from the latest text",
        request=TemplateVersionCreateSerializer,
        responses={201: TemplateVersionDetailSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        template = self.get_object()
        body = TemplateVersionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.template_version_create(
            actor=request.user, template=template, **body.validated_data
        )
        return Response(TemplateVersionDetailSerializer(version).data, status=201)


@extend_schema_view(
    list=extend_schema(summary="Template versions in my scope (模板版本)", tags=_TAGS),
    retrieve=extend_schema(
        summary="One template version: clauses, re-reviews and the compliance review's state",
        tags=_TAGS,
    ),
)
class TemplateVersionViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A template's versions: drafted, sent to the compliance review, in force while its
    quarterly re-review has not lapsed (R-AGR-1, Art.18(三))."""

    queryset = TemplateVersion.objects.select_related("template")
    serializer_class = TemplateVersionSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_fields = ["status", "template"]
    policy = {
        "list": "template.view",
        "retrieve": "template.view",
        "clauses": "template.manage",
        "submit": "template.manage",
        "rereview": "template.rereview",
    }

    def get_serializer_class(self):
        return (
            TemplateVersionSerializer if self.action == "list" else TemplateVersionDetailSerializer
        )

    def _detail(self, version) -> Response:
        prefetch_related_objects([version], "clauses", "rereviews__reviewer")
        return Response(TemplateVersionDetailSerializer(version).data)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    @extend_schema(
        summary="Replace the clauses of a draft version",
        request=ClausesInputSerializer,
        responses=TemplateVersionDetailSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["put"])
    def clauses(self, request, pk=None):
        version = self.get_object()
        body = ClausesInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.template_clauses_set(
            actor=request.user, version=version, clauses=body.validated_data["clauses"]
        )
        return self._detail(version)

    @extend_schema(
        summary="Send a draft version to the compliance review (a legal officer who did not "
        "draft it)",
        request=None,
        responses=TemplateVersionDetailSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        version = services.template_submit(actor=request.user, version=self.get_object())
        return self._detail(version)

    @extend_schema(
        summary="Record legal's quarterly written opinion on the core clauses (季度复核)",
        request=TemplateReReviewInputSerializer,
        responses={201: TemplateReReviewSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def rereview(self, request, pk=None):
        version = self.get_object()
        body = TemplateReReviewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.template_rereview(
            actor=request.user, version=version, **body.validated_data
        )
        return Response(TemplateReReviewSerializer(record).data, status=201)


# ---------------------------------------------------------------------------------------------
# Reference data: tariffs, the service catalogue, the allowed venues


class TariffFilter(filters.FilterSet):
    park = IdFilter(field_name="park_id")
    fee_kind = filters.ChoiceFilter(choices=FeeKind.choices)

    class Meta:
        model = Tariff
        fields = ["park", "fee_kind"]


@extend_schema_view(
    list=extend_schema(summary="Published tariffs in my scope (收费标准)", tags=_REFERENCE)
)
class TariffViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The prices agreements' fee lines are priced from (R-AGR-5): versioned, never
    retroactive."""

    queryset = Tariff.objects.select_related("published_by")
    serializer_class = TariffSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = TariffFilter
    policy = {"list": "price.view", "create": "price.publish"}

    @extend_schema(
        summary="Publish a new version of a price (today or later)",
        request=PricePublishSerializer,
        responses={201: TariffSerializer},
        tags=_REFERENCE,
    )
    def create(self, request):
        body = PricePublishSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        tariff = services.tariff_publish(actor=request.user, **body.validated_data)
        return Response(TariffSerializer(tariff).data, status=201)


@extend_schema_view(
    list=extend_schema(summary="The parks' service catalogue (服务项目)", tags=_REFERENCE)
)
class ServiceItemViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Services a park offers in its agreements and the agreement kinds that require each
    (R-AGR-3)."""

    queryset = ServiceItem.objects.all()
    serializer_class = ServiceItemSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_fields = ["is_active"]
    policy = {
        "list": "price.view",
        "create": "service_item.manage",
        "partial_update": "service_item.manage",
    }

    @extend_schema(
        summary="Add a service to a park's catalogue",
        request=ServiceItemInputSerializer,
        responses={201: ServiceItemSerializer},
        tags=_REFERENCE,
    )
    def create(self, request):
        body = ServiceItemInputSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        item = services.service_item_save(actor=request.user, **body.validated_data)
        return Response(ServiceItemSerializer(item).data, status=201)

    @extend_schema(
        summary="Change a service of the catalogue",
        request=ServiceItemUpdateSerializer,
        responses=ServiceItemSerializer,
        tags=_REFERENCE,
    )
    def partial_update(self, request, pk=None):
        item = self.get_object()
        body = ServiceItemUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = {
            "code": item.code,
            "name": item.name,
            "description": item.description,
            "required_for": item.required_for,
            "is_active": item.is_active,
            **body.validated_data,
        }
        item = services.service_item_save(actor=request.user, park=item.park, item=item, **values)
        return Response(ServiceItemSerializer(item).data)


@extend_schema_view(
    list=extend_schema(
        summary="Allowed dispute-resolution venues (争议解决机构名单)", tags=_REFERENCE
    )
)
class VenueViewSet(PolicyViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The people's courts and arbitration commissions legal accepts in a dispute clause
    (R-AGR-2). Group-wide reference data, kept by legal: the action decides, not a park."""

    queryset = Venue.objects.all()
    serializer_class = VenueSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_fields = ["kind", "is_active"]
    policy = {
        "list": "template.view",
        "create": "venue.manage",
        "partial_update": "venue.manage",
    }

    @extend_schema(
        summary="Add an allowed venue",
        request=VenueInputSerializer,
        responses={201: VenueSerializer},
        tags=_REFERENCE,
    )
    def create(self, request):
        body = VenueInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        venue = services.venue_save(actor=request.user, **body.validated_data)
        return Response(VenueSerializer(venue).data, status=201)

    @extend_schema(
        summary="Change an allowed venue (deactivate rather than delete)",
        request=VenueInputSerializer(partial=True),
        responses=VenueSerializer,
        tags=_REFERENCE,
    )
    def partial_update(self, request, pk=None):
        if not is_storable_id(pk):
            raise NotFound()
        venue = self.get_object()
        body = VenueInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = {
            "name": venue.name,
            "kind": venue.kind,
            "is_active": venue.is_active,
            "note": venue.note,
            **body.validated_data,
        }
        venue = services.venue_save(actor=request.user, venue=venue, **values)
        return Response(VenueSerializer(venue).data)
