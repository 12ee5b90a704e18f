"""Complaint endpoints (R-CMP-1 … R-CMP-8, R-PLT-2): complaints (list, one, record) and every
step on them, the major complaint's emergency plan and its steps, and the grading matrix. Every
write is a call to ``services_complaints`` with the acting user — the functions the pages and the
portal use — so the API meets the same first-responder checks, gates (a plan is carried out only
after the leading group's review, R-CMP-5) and audit trail; a refusal is the kernel's one error
shape. There is no DELETE and no edit of a complaint or a note: corrections are appended notes
(R-CMP-6). Leaders sign the downgrade and the plan review through ``/api/v1/reviews/``."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.response import Response

from parkflow.core.api import IdFilter, PolicyViewMixin, ScopedViewSetMixin, service_step
from parkflow.core.errors import NotFound

from . import selectors_complaints as selectors
from . import services_complaints as services
from .choices import ComplaintChannel, ComplaintGrade, ComplaintStatus, ComplaintTopic, PlanStage
from .models import Complaint, EmergencyPlan, GradingCriterion
from .serializers_complaints import (
    ComplaintConfirmSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintResolveSerializer,
    ComplaintSerializer,
    CompleteSerializer,
    EmergencyPlanSerializer,
    GradingCriterionSerializer,
    GradingUpdateSerializer,
    NoteInputSerializer,
    PlanSerializer,
    ReasonSerializer,
    ReferralInputSerializer,
    ReferralSerializer,
    RegradeSerializer,
    ReportSerializer,
    TextSerializer,
    TransferInputSerializer,
)

_TAGS = ["complaints"]


# ---------------------------------------------------------------------------------------------
# Complaints


class ComplaintFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ComplaintStatus.choices)
    grade = filters.ChoiceFilter(choices=ComplaintGrade.choices)
    topic = filters.ChoiceFilter(choices=ComplaintTopic.choices)
    channel = filters.ChoiceFilter(choices=ComplaintChannel.choices)
    park = IdFilter(field_name="park_id")
    enterprise = IdFilter(field_name="enterprise_id")
    mine = filters.BooleanFilter(method="filter_mine", help_text="Only those I own")
    overdue = filters.BooleanFilter(
        method="filter_overdue", help_text="Response or resolution clock past due (超时)"
    )

    class Meta:
        model = Complaint
        fields = ["status", "grade", "topic", "channel", "park", "enterprise"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return selectors.overdue(queryset) if value else queryset


def _step(name, service, input, summary, description=""):
    return service_step(
        name,
        service,
        obj="complaint",
        input=input,
        output=ComplaintDetailSerializer,
        reread=True,
        summary=summary,
        description=description,
        tags=_TAGS,
    )


@extend_schema_view(
    list=extend_schema(
        summary="Complaints in my scope (投诉), each with its response clock", tags=_TAGS
    ),
    retrieve=extend_schema(
        summary="One complaint: the record, transfers, the emergency plan, the gates",
        tags=_TAGS,
    ),
)
class ComplaintViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Complaints of my parks (staff) or of my own enterprise (an enterprise user, who sees the
    answers and its own words only). Recorded once, never edited or deleted."""

    queryset = Complaint.objects.select_related("enterprise", "owner", "recorded_by", "park")
    serializer_class = ComplaintSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = ComplaintFilter
    search_fields = ["title", "enterprise__name", "complainant", "hotline_ticket"]
    ordering_fields = ["received_at", "recorded_at", "status", "grade"]
    ordering = ["-received_at", "-id"]
    policy = {
        "list": "complaint.view",
        "retrieve": "complaint.view",
        "create": "complaint.record",
        "take": "complaint.handle",
        "transfer": "complaint.handle",
        "accept_transfer": "complaint.handle",
        "decline_transfer": "complaint.handle",
        "respond": "complaint.handle",
        "note": "complaint.handle",
        "wait": "complaint.handle",
        "resume": "complaint.handle",
        "regrade": "complaint.grade",
        "resolve": "complaint.handle",
        "refer": "complaint.refer",
        "confirm": "complaint.confirm",
        "reopen": "complaint.confirm",
        "supplement": "complaint.supplement",
    }

    def get_queryset(self):
        qs = super().get_queryset()
        return selectors.with_response_clock(qs) if self.action == "list" else qs

    def get_serializer_class(self):
        return ComplaintSerializer if self.action == "list" else ComplaintDetailSerializer

    @extend_schema(
        summary="Record a complaint (登记投诉)",
        description="Staff record a call, a visit, an e-mail or a 12345 referral with the time "
        "it was received (a hotline referral names its work order); an enterprise user files "
        "its own, received now, by the portal. The matrix proposes the grade; a grade below "
        "the proposal waits for a leader (R-CMP-2); a major one starts its emergency plan at "
        "once (R-CMP-3).",
        request=ComplaintCreateSerializer,
        responses={201: ComplaintDetailSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = ComplaintCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        made = services.complaint_record(actor=request.user, **body.validated_data)
        row = self.get_queryset().get(pk=made.pk)
        return Response(
            ComplaintDetailSerializer(row, context=self.get_serializer_context()).data, status=201
        )

    take = _step(
        "take",
        services.complaint_take,
        None,
        "Take a complaint: you become its first responder (首问负责制)",
        "409 already_owned when someone took it first (R-CMP-4).",
    )
    transfer = _step(
        "transfer",
        services.complaint_transfer_offer,
        TransferInputSerializer,
        "Offer the complaint to a colleague (counted; ownership moves on acceptance)",
    )
    respond = _step(
        "respond",
        services.complaint_respond,
        TextSerializer,
        "Answer the enterprise (the first answer stops the response clock)",
    )
    note = _step(
        "note",
        services.complaint_note_add,
        NoteInputSerializer,
        "Append progress or a correction to the record (nothing is edited)",
    )
    wait = _step(
        "wait",
        services.complaint_wait,
        ReasonSerializer,
        "Wait for the enterprise: the resolution clock pauses",
    )
    resume = _step(
        "resume", services.complaint_resume, None, "Go on without waiting: the clock runs again"
    )
    regrade = _step(
        "regrade",
        services.complaint_regrade,
        RegradeSerializer,
        "Change the grade (below the matrix's proposal it waits for a leader's approval)",
    )
    resolve = _step(
        "resolve",
        services.complaint_resolve,
        ComplaintResolveSerializer,
        "Record the result (a major complaint only through its reviewed plan, R-CMP-5)",
    )
    confirm = _step(
        "confirm",
        services.complaint_confirm,
        ComplaintConfirmSerializer,
        "Confirm the result and rate it 1–5 (the enterprise)",
    )
    reopen = _step(
        "reopen",
        services.complaint_reopen,
        ReasonSerializer,
        "Not satisfied: send the complaint back with a reason (the enterprise)",
    )
    supplement = _step(
        "supplement",
        services.complaint_supplement,
        TextSerializer,
        "Add to the complaint (the enterprise); a complaint waiting for it goes on",
    )

    def _pending_transfer(self):
        complaint = self.get_object()
        transfer = selectors.pending_transfer(complaint)
        if transfer is None:
            raise NotFound()
        return complaint, transfer

    def _detail(self, complaint) -> Response:
        row = self.get_queryset().get(pk=complaint.pk)
        return Response(ComplaintDetailSerializer(row, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Accept the transfer offered to me: I own the complaint from now",
        request=None,
        responses=ComplaintDetailSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="transfer/accept")
    def accept_transfer(self, request, pk=None):
        complaint, transfer = self._pending_transfer()
        services.complaint_transfer_accept(actor=request.user, transfer=transfer)
        return self._detail(complaint)

    @extend_schema(
        summary="Decline the transfer offered to me, with a reason",
        request=ReasonSerializer,
        responses=ComplaintDetailSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="transfer/decline")
    def decline_transfer(self, request, pk=None):
        complaint, transfer = self._pending_transfer()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.complaint_transfer_decline(
            actor=request.user, transfer=transfer, **body.validated_data
        )
        return self._detail(complaint)

    @extend_schema(
        summary="Refer the complaint for accountability: the person, the article, the facts",
        request=ReferralInputSerializer,
        responses={201: ReferralSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        complaint = self.get_object()
        body = ReferralInputSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        referral = services.referral_open(
            actor=request.user, complaint=complaint, **body.validated_data
        )
        return Response(ReferralSerializer(referral).data, status=201)


# ---------------------------------------------------------------------------------------------
# The major complaint's emergency plan (Art.17, Art.20(一)3, R-CMP-5, R-RSK-6)


class EmergencyPlanFilter(filters.FilterSet):
    stage = filters.ChoiceFilter(choices=PlanStage.choices)
    complaint = IdFilter(field_name="complaint_id")

    class Meta:
        model = EmergencyPlan
        fields = ["stage", "complaint"]


def _plan_step(name, service, input, summary, description=""):
    return service_step(
        name,
        service,
        obj="plan",
        input=input,
        output=EmergencyPlanSerializer,
        reread=True,
        summary=summary,
        description=description,
        tags=_TAGS,
    )


@extend_schema_view(
    list=extend_schema(summary="Emergency plans of major complaints (应急预案)", tags=_TAGS),
    retrieve=extend_schema(summary="One emergency plan with its review's state", tags=_TAGS),
)
class EmergencyPlanViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A major complaint's plan: immediate control and the 24 h major-event report, the
    resolution plan under the leading group's review, carrying it out, the rectification."""

    queryset = EmergencyPlan.objects.select_related("complaint")
    serializer_class = EmergencyPlanSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = EmergencyPlanFilter
    policy = {
        "list": "complaint.view",
        "retrieve": "complaint.view",
        "report": "complaint.handle",
        "submit": "complaint.handle",
        "carry_out": "complaint.handle",
        "complete": "complaint.handle",
    }

    report = _plan_step(
        "report",
        services.major_event_report,
        ReportSerializer,
        "Report the major event with the measures taken (within 24 hours, R-RSK-6)",
    )
    submit = _plan_step(
        "submit",
        services.plan_submit,
        PlanSerializer,
        "Submit the resolution plan to the leading group's review",
    )
    carry_out = _plan_step(
        "carry_out",
        services.plan_carry_out,
        None,
        "Carry out the plan the leading group approved (未经审查不得实施)",
        "409 gate_not_passed, naming the missing review, before the leading group approved "
        "this very text (R-CMP-5); nothing changes.",
    )
    complete = _plan_step(
        "complete",
        services.plan_complete,
        CompleteSerializer,
        "Record the rectification as done",
    )


# ---------------------------------------------------------------------------------------------
# The grading matrix (R-CMP-2)


class GradingViewSet(PolicyViewMixin, viewsets.ViewSet):
    """The grading matrix: at what value each criterion makes a complaint 较大 or 重大. All
    staff read it; a headquarters system administrator changes it (audited)."""

    policy = {"list": "grading.view", "change": "grading.manage"}

    @extend_schema(
        summary="The complaint grading matrix (投诉分级矩阵)",
        responses=GradingCriterionSerializer(many=True),
        tags=_TAGS,
    )
    def list(self, request):
        rows = GradingCriterion.objects.order_by("order", "id")
        return Response(GradingCriterionSerializer(rows, many=True).data)

    @extend_schema(
        summary="Change thresholds of the matrix, with a reason (system administrators)",
        description="Every row is checked before any is saved (a 重大 threshold below 较大 is "
        "refused naming the cell, e.g. enterprises-major_at); audited with the old and new "
        "values.",
        request=GradingUpdateSerializer,
        responses=GradingCriterionSerializer(many=True),
        tags=_TAGS,
    )
    @action(detail=False, methods=["post"])
    def change(self, request):
        body = GradingUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.grading_update(actor=request.user, **body.validated_data)
        return self.list(request)
