"""Shapes of the service-desk API (R-SVC-1 … R-SVC-3). Output serializers read rows, with choice
labels from dicts built once per request (``ChoiceLabelField``); input serializers only parse:
who may take, hand on, resolve or confirm, whether a comment is needed, whether an anomaly was
reported late — ``services`` judge (STYLE.md §8)."""

from rest_framework import serializers

from parkflow.core.api import (
    ChoiceLabelField,
    IdField,
    ScopedPrimaryKeyRelatedField,
    person_field,
    staff_users,
)
from parkflow.enterprises.models import Enterprise
from parkflow.org.choices import UnitKind
from parkflow.org.models import OrgUnit

from .choices import Category
from .models import AnomalyReport, CallBack, ServiceRequest, Transfer
from .models_photos import RequestPhoto

# ---------------------------------------------------------------------------------------------
# Service requests (R-SVC-1)


class ServiceRequestSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category_label = ChoiceLabelField("category")
    status_label = ChoiceLabelField("status")
    channel_label = ChoiceLabelField("channel")
    owner = person_field()

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "park",
            "enterprise",
            "enterprise_name",
            "category",
            "category_label",
            "title",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "owner",
            "submitted_at",
            "taken_at",
            "transfer_count",
            "resolved_at",
            "rating",
            "closed_at",
            "auto_closed",
        ]
        read_only_fields = fields


class RequestPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestPhoto
        fields = ["id", "mime_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    submitted_by = person_field()
    photos = RequestPhotoSerializer(many=True, read_only=True)

    class Meta(ServiceRequestSerializer.Meta):
        fields = [
            *ServiceRequestSerializer.Meta.fields,
            "description",
            "submitted_by",
            "resolution",
            "rating_comment",
            "photos",
        ]
        read_only_fields = fields


class SubmitSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        required=False,
        help_text="Staff name the enterprise; an enterprise user files for its own (default).",
    )
    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)


class TransferOfferSerializer(serializers.Serializer):
    to_person = IdField(queryset=staff_users(), help_text="The colleague offered the request")
    reason = serializers.CharField(allow_blank=True, help_text="转办原因")


class RequestResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(allow_blank=True, help_text="处理结果")


class ConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(help_text="1–5")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TransferSerializer(serializers.ModelSerializer):
    request_title = serializers.CharField(source="request.title", read_only=True)
    status_label = ChoiceLabelField("status")
    from_owner = person_field()
    to_person = person_field()

    class Meta:
        model = Transfer
        fields = [
            "id",
            "request",
            "request_title",
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


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="拒绝原因")


# ---------------------------------------------------------------------------------------------
# Monthly call-backs (R-SVC-2)


class CallBackSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status_label = ChoiceLabelField("status")
    channel_label = ChoiceLabelField("channel")
    owner = person_field()
    follow_up_owner = person_field()

    class Meta:
        model = CallBack
        fields = [
            "id",
            "park",
            "enterprise",
            "enterprise_name",
            "period",
            "due_on",
            "owner",
            "status",
            "status_label",
            "score",
            "comment",
            "channel",
            "channel_label",
            "recorded_at",
            "follow_up_owner",
            "follow_up_due_on",
        ]
        read_only_fields = fields


class CallBackRecordSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="1–5; 2 or less needs a comment")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------
# Anomaly reports (R-SVC-3)


class AnomalyReportSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(
        source="enterprise.name", read_only=True, allow_null=True, default=None
    )
    reported_by = person_field()
    delay_hours = serializers.SerializerMethodField()
    late = serializers.SerializerMethodField()

    class Meta:
        model = AnomalyReport
        fields = [
            "id",
            "park",
            "enterprise",
            "enterprise_name",
            "description",
            "discovered_at",
            "reported_at",
            "reported_by",
            "delay_hours",
            "late",
        ]
        read_only_fields = fields

    def get_delay_hours(self, report) -> float:
        return round(report.delay_hours, 1)

    def get_late(self, report) -> bool:
        """Reported later than the rule's hours (``servicedesk.anomaly_reported_late``)."""
        return report.delay_hours > self.context["late_hours"]


class AnomalyInputSerializer(serializers.Serializer):
    park = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=UnitKind.PARK))
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True, default=None
    )
    description = serializers.CharField(allow_blank=True)
    discovered_at = serializers.DateTimeField()
