"""Shapes of the refunds API (R-BIL-4, R-PLT-2). Output serializers read rows, their choice
labels from a dict built once per request (``ChoiceLabelField``), the signatures from the list's
annotations (no query per row); the payee's account is masked for whoever is not finance of the
refund's park. Input serializers only parse: who may start or release one, whether the amount is
covered and whether its signatures passed are judged by ``services_refunds`` (STYLE.md §8)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkflow.core.api import ChoiceLabelField, ScopedPrimaryKeyRelatedField, person_field
from parkflow.core.choices import GateStatus
from parkflow.enterprises.models import Enterprise

from . import selectors_refunds as selectors
from .choices_refunds import RefundKind
from .models import Bill
from .models_refunds import Refund


class RefundListSerializer(serializers.ListSerializer):
    """A page decorated once: the threshold and the reader's roles read once, not per row."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        selectors.decorate_rows(rows, getattr(request, "user", None))
        return super().to_representation(rows)


class RefundSerializer(serializers.ModelSerializer):
    """One row of the list: what, for whom, how much, to which account, and its signatures
    (已签 x/y)."""

    number = serializers.CharField(read_only=True)
    kind_label = ChoiceLabelField("kind")
    status_label = ChoiceLabelField("status")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    payee_account = serializers.SerializerMethodField(
        help_text="In full for finance of the refund's park, masked for everyone else"
    )
    deposit_bill_number = serializers.SerializerMethodField()
    signatures_required = serializers.SerializerMethodField(
        help_text="1 below the large-amount threshold, 2 at or above it"
    )
    signatures_signed = serializers.SerializerMethodField(
        help_text="Approvals in the latest rounds of the refund's gates"
    )
    initiated_by = person_field()
    released_by = person_field()

    class Meta:
        model = Refund
        fields = [
            "id",
            "number",
            "park",
            "enterprise",
            "enterprise_name",
            "kind",
            "kind_label",
            "amount",
            "reason",
            "payee_name",
            "payee_bank",
            "payee_account",
            "deposit_bill",
            "deposit_bill_number",
            "status",
            "status_label",
            "signatures_required",
            "signatures_signed",
            "return_opinion",
            "initiated_by",
            "initiated_at",
            "submitted_at",
            "approved_at",
            "released_by",
            "released_at",
            "release_reference",
        ]
        read_only_fields = fields
        list_serializer_class = RefundListSerializer

    def _decorated(self, refund):
        if not hasattr(refund, "signatures_required"):
            request = self.context.get("request")
            selectors.decorate_rows([refund], getattr(request, "user", None))
        return refund

    def get_payee_account(self, refund) -> str:
        refund = self._decorated(refund)
        return refund.payee_account if refund.sees_account else refund.masked_account

    def get_deposit_bill_number(self, refund) -> str:
        return refund.deposit_bill.number if refund.deposit_bill_id else ""

    def get_signatures_required(self, refund) -> int:
        return self._decorated(refund).signatures_required

    def get_signatures_signed(self, refund) -> int:
        return self._decorated(refund).signatures_signed


class RefundGateSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=GateStatus.choices)
    status_label = serializers.CharField()
    signed_by = serializers.ListField(child=serializers.CharField())
    may_sign = serializers.ListField(
        child=serializers.CharField(), help_text="Who may still sign the open signature"
    )
    reviews = serializers.ListField(
        child=serializers.IntegerField(), help_text="Open reviews (/api/v1/reviews/{id}/)"
    )


class RefundDetailSerializer(RefundSerializer):
    """One refund with where its signatures stand: each gate that applies, who signed, who may
    still sign, the open reviews to sign through /api/v1/reviews/."""

    signatures = serializers.SerializerMethodField()

    class Meta(RefundSerializer.Meta):
        fields = [*RefundSerializer.Meta.fields, "signatures"]
        read_only_fields = fields
        list_serializer_class = serializers.ListSerializer

    @extend_schema_field(RefundGateSerializer(many=True))
    def get_signatures(self, refund) -> list:
        progress = selectors.signature_progress(refund)
        return [
            {
                "code": row["gate"].code,
                "label": str(row["gate"].label),
                "status": row["status"],
                "status_label": str(GateStatus(row["status"]).label),
                "signed_by": [str(r.reviewer) for r in row["state"].current_approvals],
                "may_sign": [str(person) for person in row["may_sign"]],
                "reviews": [r.pk for r in row["state"].pending],
            }
            for row in progress["rows"]
        ]


class RefundCreateSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    kind = serializers.ChoiceField(choices=RefundKind.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField(max_length=300)
    payee_name = serializers.CharField(max_length=100)
    payee_bank = serializers.CharField(max_length=100)
    payee_account = serializers.CharField(max_length=40, help_text="8–30 digits")
    deposit_bill = ScopedPrimaryKeyRelatedField(
        queryset=Bill.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The paid deposit bill (a deposit return only)",
    )


class RefundReleaseSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text="Bank reference"
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
