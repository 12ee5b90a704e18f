"""Shapes of the statements API (R-BIL-5, R-PLT-2). Output serializers read rows, their choice
labels from a dict built once per request (``ChoiceLabelField``); input serializers only parse:
who may issue or settle, and what the state allows, is judged by ``services_statements``."""

from rest_framework import serializers

from parkflow.core.api import ChoiceLabelField, ScopedPrimaryKeyRelatedField, person_field
from parkflow.enterprises.models import Enterprise

from .choices import AdjustmentKind
from .models_statements import Statement, StatementDispute, StatementLine


class StatementLineSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = StatementLine
        fields = [
            "id",
            "position",
            "kind",
            "kind_label",
            "date",
            "description",
            "amount",
            "effect",
            "balance",
            "bill",
            "payment",
            "adjustment",
        ]


class StatementSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    period_label = serializers.CharField(read_only=True)
    status_label = ChoiceLabelField("status")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "number",
            "park",
            "enterprise",
            "enterprise_name",
            "period_start",
            "period_end",
            "period_label",
            "opening",
            "billed",
            "debits",
            "credits",
            "received",
            "credit_applied",
            "refunded",
            "closing",
            "outstanding",
            "prepaid",
            "advance",
            "status",
            "status_label",
            "issued_at",
            "content_hash",
        ]


class OutstandingBillSerializer(serializers.Serializer):
    bill = serializers.IntegerField()
    number = serializers.CharField()
    label = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_date = serializers.DateField()
    due = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)


class StatementDetailSerializer(StatementSerializer):
    lines = StatementLineSerializer(many=True, read_only=True)
    outstanding_bills = OutstandingBillSerializer(many=True, read_only=True)
    closing_in_words = serializers.SerializerMethodField()
    issued_by = person_field()

    class Meta(StatementSerializer.Meta):
        fields = [
            *StatementSerializer.Meta.fields,
            "closing_in_words",
            "issued_by",
            "supersede_reason",
            "superseded_at",
            "outstanding_bills",
            "lines",
        ]

    def get_closing_in_words(self, statement) -> str:
        from .money import cny_in_words

        return cny_in_words(statement.closing)


class StatementIssueSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    period_start = serializers.DateField(
        required=False, help_text="First day (default: last month); a month if alone"
    )
    period_end = serializers.DateField(required=False)


class StatementSupersedeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class StatementDisputeSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField("status")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    line_position = serializers.IntegerField(source="line.position", read_only=True)
    line_description = serializers.CharField(source="line.description", read_only=True)
    line_amount = serializers.DecimalField(
        source="line.amount", max_digits=14, decimal_places=2, read_only=True
    )
    handler = person_field()

    class Meta:
        model = StatementDispute
        fields = [
            "id",
            "park",
            "enterprise",
            "enterprise_name",
            "statement",
            "line",
            "line_position",
            "line_description",
            "line_amount",
            "reason",
            "status",
            "status_label",
            "raised_at",
            "handler",
            "taken_at",
            "outcome",
            "adjustment",
            "decided_at",
        ]


class StatementDisputeCreateSerializer(serializers.Serializer):
    line = ScopedPrimaryKeyRelatedField(queryset=StatementLine.objects.all())
    reason = serializers.CharField(max_length=2000)


class DisputeResolveSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AdjustmentKind.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    outcome = serializers.CharField(max_length=2000)


class DisputeRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
