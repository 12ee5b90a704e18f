"""Shapes of the complaints API (R-CMP-1 … R-CMP-8, R-PLT-2). Output serializers read rows, their
choice labels from a dict built once per request (``ChoiceLabelField``), never a
``get_FOO_display`` per row; input serializers only parse: who may act, the first responder, the
grade below the proposal and the plan's review are judged by ``services_complaints``
(STYLE.md §8). What stays inside the park — the grade, who handles it, internal progress and
corrections, the emergency plan — is dropped for an enterprise (portal) user."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkflow.core import access
from parkflow.core.api import (
    ChoiceLabelField,
    IdField,
    ScopedPrimaryKeyRelatedField,
    person_field,
    staff_users,
)
from parkflow.core.choices import GateStatus
from parkflow.core.models import Article
from parkflow.enterprises.models import Enterprise

from . import gates
from .choices import (
    PORTAL_NOTE_KINDS,
    ComplaintChannel,
    ComplaintGrade,
    ComplaintTopic,
    NoteKind,
)
from .models import (
    AccountabilityReferral,
    Complaint,
    ComplaintNote,
    ComplaintTransfer,
    EmergencyPlan,
    GradingCriterion,
)


def for_enterprise_user(context) -> bool:
    request = context.get("request")
    return request is not None and access.is_enterprise_user(request.user)


class InternalFieldsMixin:
    """Drops ``INTERNAL`` fields for an enterprise user."""

    INTERNAL: tuple[str, ...] = ()

    def to_representation(self, instance):
        shown = super().to_representation(instance)
        if self.INTERNAL and for_enterprise_user(self.context):
            for name in self.INTERNAL:
                shown.pop(name, None)
        return shown


# ---------------------------------------------------------------------------------------------
# Complaints


class ComplaintSerializer(InternalFieldsMixin, serializers.ModelSerializer):
    """One row of the list, with its response clock (annotated on the queryset: no query per
    row)."""

    channel_label = ChoiceLabelField("channel")
    topic_label = ChoiceLabelField("topic")
    grade_label = ChoiceLabelField("grade")
    status_label = ChoiceLabelField("status")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    response_due_at = serializers.DateTimeField(read_only=True, allow_null=True, default=None)
    response_state = serializers.CharField(read_only=True, allow_null=True, default=None)

    INTERNAL = (
        "proposed_grade",
        "grade",
        "grade_label",
        "requested_grade",
        "owner",
        "transfer_count",
        "repeat_count",
        "recorded_at",
        "response_due_at",
        "response_state",
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "park",
            "enterprise",
            "enterprise_name",
            "channel",
            "channel_label",
            "hotline_ticket",
            "topic",
            "topic_label",
            "title",
            "received_at",
            "recorded_at",
            "proposed_grade",
            "grade",
            "grade_label",
            "requested_grade",
            "status",
            "status_label",
            "owner",
            "transfer_count",
            "repeat_count",
            "response_due_at",
            "response_state",
            "first_response_at",
            "resolved_at",
            "rating",
        ]
        read_only_fields = fields


class NoteSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = ComplaintNote
        fields = ["id", "kind", "kind_label", "text", "created_at"]
        read_only_fields = fields


class ComplaintTransferSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField("status")
    from_owner = person_field()
    to_person = person_field()

    class Meta:
        model = ComplaintTransfer
        fields = [
            "id",
            "from_owner",
            "to_person",
            "reason",
            "status",
            "status_label",
            "created_at",
            "decided_at",
            "decline_reason",
        ]
        read_only_fields = fields


class ComplaintGateStateSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    requirement = serializers.CharField()
    status = serializers.CharField(help_text="passed, open, refused, void or not_applicable")
    status_label = serializers.CharField()
    reviews = serializers.ListField(
        child=serializers.IntegerField(), help_text="Open reviews (POST /api/v1/reviews/{id}/…)"
    )


def gate_state(gate, obj) -> dict:
    status = gate.status(obj)
    return {
        "code": gate.code,
        "label": str(gate.label),
        "requirement": gate.requirement,
        "status": status,
        "status_label": str(GateStatus(status).label),
        "reviews": [review.pk for review in gate.state(obj).pending],
    }


class EmergencyPlanSerializer(serializers.ModelSerializer):
    stage_label = ChoiceLabelField("stage")
    complaint_title = serializers.CharField(source="complaint.title", read_only=True)
    review = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyPlan
        fields = [
            "id",
            "complaint",
            "complaint_title",
            "park",
            "stage",
            "stage_label",
            "activated_at",
            "control_measures",
            "reported_at",
            "report_text",
            "plan_text",
            "plan_submitted_at",
            "carried_out_at",
            "rectification",
            "completed_at",
            "review",
        ]
        read_only_fields = fields

    @extend_schema_field(ComplaintGateStateSerializer)
    def get_review(self, plan):
        return gate_state(gates.PLAN_REVIEW, plan)


class ReferralSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField("status")
    responsible_person = person_field()
    article = serializers.CharField(source="article.ref", read_only=True)

    class Meta:
        model = AccountabilityReferral
        fields = [
            "id",
            "complaint",
            "responsible_person",
            "article",
            "facts",
            "status",
            "status_label",
            "referred_at",
        ]
        read_only_fields = fields


class ComplaintDetailSerializer(ComplaintSerializer):
    """One complaint: the text, the criteria, the appended record (the enterprise sees the
    answers and its own words only), transfers, the emergency plan and the downgrade's gate."""

    recorded_by = person_field()
    owner_person = person_field(source="owner")
    notes = serializers.SerializerMethodField()
    transfers = serializers.SerializerMethodField()
    emergency_plan = serializers.SerializerMethodField()
    downgrade = serializers.SerializerMethodField()

    INTERNAL = (
        *ComplaintSerializer.INTERNAL,
        "recorded_by",
        "owner_person",
        "grade_reason",
        "enterprises_affected",
        "safety",
        "media_exposure",
        "amount",
        "transfers",
        "emergency_plan",
        "downgrade",
    )

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "text",
            "complainant",
            "contact",
            "recorded_by",
            "owner_person",
            "taken_at",
            "grade_reason",
            "enterprises_affected",
            "safety",
            "media_exposure",
            "amount",
            "resolution",
            "rating_comment",
            "closed_at",
            "reopen_count",
            "notes",
            "transfers",
            "emergency_plan",
            "downgrade",
        ]
        read_only_fields = fields

    @extend_schema_field(NoteSerializer(many=True))
    def get_notes(self, complaint):
        notes = ComplaintNote.objects.filter(complaint=complaint).order_by("created_at", "id")
        if for_enterprise_user(self.context):
            notes = notes.filter(kind__in=PORTAL_NOTE_KINDS)
        return NoteSerializer(notes, many=True, context=self.context).data

    @extend_schema_field(ComplaintTransferSerializer(many=True))
    def get_transfers(self, complaint):
        if for_enterprise_user(self.context):
            return []
        rows = complaint.transfers.select_related("from_owner", "to_person").order_by("-id")
        return ComplaintTransferSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(EmergencyPlanSerializer(allow_null=True))
    def get_emergency_plan(self, complaint):
        if for_enterprise_user(self.context):
            return None
        plan = EmergencyPlan.objects.filter(complaint=complaint).first()
        return EmergencyPlanSerializer(plan, context=self.context).data if plan else None

    @extend_schema_field(ComplaintGateStateSerializer)
    def get_downgrade(self, complaint):
        return gate_state(gates.DOWNGRADE_APPROVAL, complaint)


class ComplaintCreateSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        required=False,
        help_text="Default for an enterprise user: its own enterprise (the only one it may name)",
    )
    channel = serializers.ChoiceField(
        choices=ComplaintChannel.choices,
        required=False,
        default="",
        help_text="Staff: phone, visit, email or hotline; an enterprise user files by the portal",
    )
    hotline_ticket = serializers.CharField(required=False, allow_blank=True, default="")
    topic = serializers.ChoiceField(choices=ComplaintTopic.choices)
    title = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    complainant = serializers.CharField(required=False, allow_blank=True, default="")
    contact = serializers.CharField(required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(
        required=False, default=None, help_text="Staff: when it was received (R-CMP-1)"
    )
    enterprises_affected = serializers.IntegerField(required=False, default=1)
    safety = serializers.BooleanField(required=False, default=False)
    media_exposure = serializers.BooleanField(required=False, default=False)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    grade = serializers.ChoiceField(
        choices=ComplaintGrade.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty: the matrix's proposal; below it waits for a leader (R-CMP-2)",
    )
    grade_reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, data):
        if data.get("enterprise") is None:
            enterprise_id = access.enterprise_id_of(self.context["request"].user)
            if enterprise_id is None:
                raise serializers.ValidationError({"enterprise": ["请选择投诉企业。"]})
            data["enterprise"] = Enterprise.objects.get(pk=enterprise_id)
        return data


# ---------------------------------------------------------------------------------------------
# Inputs of the steps


class StaffField(IdField):
    """A staff member, by id (the service checks that they may act in the complaint's park)."""

    def get_queryset(self):
        return staff_users()


class TransferInputSerializer(serializers.Serializer):
    to_person = StaffField(queryset=staff_users())
    reason = serializers.CharField(allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(
        choices=[(NoteKind.PROGRESS, NoteKind.PROGRESS.label), (NoteKind.CORRECTION, "更正")],
        default=NoteKind.PROGRESS,
    )


class RegradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=ComplaintGrade.choices)
    reason = serializers.CharField(allow_blank=True)


class ComplaintResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(allow_blank=True)


class ComplaintConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralInputSerializer(serializers.Serializer):
    responsible_person = StaffField(queryset=staff_users())
    article = serializers.SlugRelatedField(
        slug_field="ref", queryset=Article.objects.all(), help_text='e.g. "Art.17"'
    )
    facts = serializers.CharField(allow_blank=True)


class ReportSerializer(serializers.Serializer):
    control_measures = serializers.CharField(allow_blank=True)
    report_text = serializers.CharField(allow_blank=True)


class PlanSerializer(serializers.Serializer):
    plan_text = serializers.CharField(allow_blank=True)


class CompleteSerializer(serializers.Serializer):
    rectification = serializers.CharField(allow_blank=True)


# ---------------------------------------------------------------------------------------------
# The grading matrix (R-CMP-2)


class GradingCriterionSerializer(serializers.ModelSerializer):
    criterion_label = ChoiceLabelField("criterion")

    class Meta:
        model = GradingCriterion
        fields = ["criterion", "criterion_label", "significant_at", "major_at", "order"]
        read_only_fields = fields


class ThresholdSerializer(serializers.Serializer):
    significant_at = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="较大 at; null: never"
    )
    major_at = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="重大 at; null: never"
    )


class GradingUpdateSerializer(serializers.Serializer):
    thresholds = serializers.DictField(
        child=ThresholdSerializer(), help_text="criterion → its two thresholds"
    )
    reason = serializers.CharField(allow_blank=True)

    def validate_thresholds(self, value):
        return {code: (pair["significant_at"], pair["major_at"]) for code, pair in value.items()}
