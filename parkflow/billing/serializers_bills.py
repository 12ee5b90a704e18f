"""Shapes of the bills API (R-BIL-1 … R-BIL-6, R-PLT-2). Output serializers read rows, their choice
labels from a dict built once per request (``ChoiceLabelField``), never a ``get_FOO_display`` per
row; amounts are decimal strings in yuan with two places. Input serializers only parse: who may
record money, how much a bill can take, a duplicate bill, a retried payment are judged by
``services`` (STYLE.md §8).

A payment's shape holds only what never changes once it is recorded (its own amounts, method,
dates and the bill's number, no names, no bill status), so a retried request is answered with
exactly the body of the original (R-BIL-4)."""

import datetime
import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from parkflow.core import clock
from parkflow.core.api import ChoiceLabelField, ScopedPrimaryKeyRelatedField
from parkflow.org.choices import UnitKind
from parkflow.org.models import OrgUnit

from .choices import OUTSTANDING, RECEIVED_METHODS, AdjustmentKind
from .models import Adjustment, Bill, BillRun, Payment

MONEY = {"max_digits": 14, "decimal_places": 2}
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")

# ---------------------------------------------------------------------------------------------
# Output


class BillSerializer(serializers.ModelSerializer):
    """One bill of the list: the charge, what is due, received and still owed."""

    number = serializers.CharField(read_only=True, help_text="账单号, e.g. ZD202611-0000123")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    source_label = ChoiceLabelField("source")
    kind_label = ChoiceLabelField("kind")
    status_label = ChoiceLabelField("status")
    due = serializers.DecimalField(
        read_only=True, help_text="amount + adjusted: what the bill asks for now", **MONEY
    )
    outstanding = serializers.DecimalField(
        read_only=True, help_text="due − paid: still to pay", **MONEY
    )
    overdue_days = serializers.SerializerMethodField(
        help_text="Days past the due date while not fully paid (0 otherwise); no penalty accrues"
    )

    class Meta:
        model = Bill
        fields = [
            "id",
            "number",
            "park",
            "enterprise",
            "enterprise_name",
            "source",
            "source_label",
            "agreement",
            "fee_line",
            "kind",
            "kind_label",
            "label",
            "period_start",
            "period_end",
            "quantity",
            "unit_price",
            "price_ceiling",
            "amount",
            "adjusted",
            "paid",
            "due",
            "outstanding",
            "status",
            "status_label",
            "due_date",
            "overdue_days",
            "issued_at",
        ]
        read_only_fields = fields

    def get_overdue_days(self, bill) -> int:
        if bill.status not in OUTSTANDING:
            return 0
        return max((clock.today() - bill.due_date).days, 0)


class PaymentSerializer(serializers.ModelSerializer):
    """A payment as recorded: immutable, so a replay's body equals the original's."""

    bill_number = serializers.CharField(source="bill.number", read_only=True)
    method_label = ChoiceLabelField("method")
    source_label = ChoiceLabelField("source")

    class Meta:
        model = Payment
        fields = [
            "id",
            "bill",
            "bill_number",
            "park",
            "enterprise",
            "amount",
            "applied",
            "credited",
            "method",
            "method_label",
            "source",
            "source_label",
            "reference",
            "paid_on",
            "idempotency_key",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class AdjustmentSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")
    signed_amount = serializers.DecimalField(read_only=True, help_text="debit +, credit −", **MONEY)

    class Meta:
        model = Adjustment
        fields = [
            "id",
            "bill",
            "kind",
            "kind_label",
            "amount",
            "signed_amount",
            "reason",
            "made_by",
            "made_at",
        ]
        read_only_fields = fields


class BillDetailSerializer(BillSerializer):
    """One bill with its payments and adjustments, newest first."""

    payments = PaymentSerializer(many=True, read_only=True)
    adjustments = AdjustmentSerializer(many=True, read_only=True)

    class Meta(BillSerializer.Meta):
        fields = [*BillSerializer.Meta.fields, "payments", "adjustments"]
        read_only_fields = fields


class BillRunSerializer(serializers.ModelSerializer):
    """A park's run: its progress while it runs, its result when done."""

    park_name = serializers.CharField(source="park.name", read_only=True)
    status_label = ChoiceLabelField("status")
    percent = serializers.IntegerField(read_only=True, help_text="0–100")

    class Meta:
        model = BillRun
        fields = [
            "id",
            "park",
            "park_name",
            "month",
            "status",
            "status_label",
            "agreements_total",
            "agreements_done",
            "percent",
            "bills_created",
            "already_billed",
            "amount_created",
            "error",
            "started_by",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------
# Input


class PaymentCreateSerializer(serializers.Serializer):
    bill = ScopedPrimaryKeyRelatedField(queryset=Bill.objects.all())
    amount = serializers.DecimalField(
        help_text="Yuan, at most two decimals; what exceeds the bill becomes prepaid balance",
        **MONEY,
    )
    method = serializers.ChoiceField(
        choices=RECEIVED_METHODS,
        help_text="How the money arrived (a prepaid balance is spent with credit-apply)",
    )
    paid_on = serializers.DateField(help_text="到账日期, not after today")
    reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=60, help_text="交易流水号"
    )
    idempotency_key = serializers.CharField(
        required=False,
        max_length=80,
        help_text="Used when the Idempotency-Key header is absent",
    )


class KeyOnlySerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(
        required=False,
        max_length=80,
        help_text="Used when the Idempotency-Key header is absent",
    )


class AdjustmentCreateSerializer(serializers.Serializer):
    bill = ScopedPrimaryKeyRelatedField(queryset=Bill.objects.all())
    kind = serializers.ChoiceField(choices=AdjustmentKind.choices)
    amount = serializers.DecimalField(**MONEY)
    reason = serializers.CharField(max_length=300)


class BillRunCreateSerializer(serializers.Serializer):
    park = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=UnitKind.PARK))
    month = serializers.CharField(
        help_text="The month billed up to, YYYY-MM (or its first day, YYYY-MM-01)"
    )

    def validate_month(self, value) -> datetime.date:
        match = _MONTH.match(str(value).strip())
        try:
            if match is None:
                raise ValueError(value)
            return datetime.date(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            raise serializers.ValidationError(_("请输入年月，例如 2026-11。")) from None
