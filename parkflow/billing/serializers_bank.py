"""Shapes of the bank-statement, invoice-data and receivables API (R-BIL-4, R-BIL-6, R-PLT-2).
Output serializers read rows, their choice labels from a dict built once per request
(``ChoiceLabelField``), never ``get_FOO_display`` per row; a code is plain text beside its
label. Input serializers only parse: who may match a line and whether it still waits for review
are judged by ``services_bank``."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkflow.core.api import ChoiceLabelField, IdField, person_field
from parkflow.org.models import OrgUnit

from .choices import AgingBucket
from .models import Bill
from .models_bank import BankLine, BankStatementImport


class BankImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class BankImportPreviewSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    payer = serializers.CharField()
    summary = serializers.CharField()
    outcome = serializers.CharField(
        help_text="按账单号入账 / 按户名和金额入账 / 待人工核对 / 已导入"
    )
    bill = serializers.CharField(help_text="The bill's number when the line would pay one")
    reason = serializers.CharField(help_text="Why the line would wait for a person")


class BankImportCheckSerializer(serializers.Serializer):
    """A checked statement, waiting for its importer's confirmation (nothing written yet)."""

    token = serializers.CharField()
    park = serializers.IntegerField()
    park_name = serializers.CharField()
    name = serializers.CharField()
    sha256 = serializers.CharField()
    status = serializers.CharField(help_text="checked | invalid | imported")
    status_label = serializers.SerializerMethodField()
    lines = serializers.IntegerField(help_text="Credit lines (收入)")
    debit_lines = serializers.IntegerField(help_text="Debit lines and reversals: not processed")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    first_day = serializers.CharField()
    last_day = serializers.CharField()
    error_count = serializers.IntegerField()
    errors = BankImportErrorSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    preview = BankImportPreviewSerializer(many=True)
    import_id = serializers.IntegerField(allow_null=True)

    def get_status_label(self, job) -> str:
        from .imports_bank import STATUS_LABELS

        return STATUS_LABELS.get(job["status"], job["status"])


class BankImportUploadSerializer(serializers.Serializer):
    park = IdField(
        queryset=OrgUnit.objects.filter(kind="park"),
        required=False,
        help_text="Park id (optional when you import into one park only)",
    )
    file = serializers.FileField(help_text="The bank's export: .xlsx, or CSV in UTF-8 or GBK")


class BankImportConfirmSerializer(serializers.Serializer):
    """Nothing to send: the checked file is confirmed as it was checked."""


class BankStatementImportSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    status_label = ChoiceLabelField("status")
    park_name = serializers.CharField(source="park.name", read_only=True)
    imported_by = person_field()
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = BankStatementImport
        fields = [
            "id",
            "park",
            "park_name",
            "file_name",
            "sha256",
            "first_day",
            "last_day",
            "lines_total",
            "lines_done",
            "percent",
            "debit_lines",
            "matched",
            "to_review",
            "duplicates",
            "matched_amount",
            "status",
            "status_label",
            "error",
            "imported_by",
            "imported_at",
            "finished_at",
        ]
        read_only_fields = fields


class BankLineSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    status_label = ChoiceLabelField("status")
    method = serializers.CharField(read_only=True)
    method_label = ChoiceLabelField("method")
    review_reason = serializers.CharField(read_only=True)
    review_reason_label = ChoiceLabelField("review_reason")
    bill_number = serializers.SerializerMethodField()
    handled_by = person_field()

    class Meta:
        model = BankLine
        fields = [
            "id",
            "statement",
            "park",
            "row",
            "transaction_id",
            "booked_on",
            "amount",
            "payer_name",
            "payer_account",
            "summary",
            "status",
            "status_label",
            "method",
            "method_label",
            "review_reason",
            "review_reason_label",
            "bill",
            "bill_number",
            "payment",
            "duplicate_of",
            "note",
            "handled_by",
            "handled_at",
        ]
        read_only_fields = fields

    def get_bill_number(self, line) -> str:
        return line.bill.number if line.bill_id else ""


class BankLineMatchSerializer(serializers.Serializer):
    bill = IdField(queryset=Bill.objects.all(), help_text="The bill the line pays")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BankLineIgnoreSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why it is not the park's money")


class InvoiceLineSerializer(serializers.Serializer):
    """One bill's 数电发票 data."""

    bill = serializers.IntegerField(source="bill.pk")
    number = serializers.CharField(source="bill.number")
    park = serializers.IntegerField(source="bill.park_id")
    buyer_name = serializers.CharField(source="bill.enterprise.name")
    buyer_credit_code = serializers.CharField(source="bill.enterprise.credit_code")
    item = serializers.CharField(help_text="项目名称: the fee's name and its period")
    kind = serializers.CharField(source="bill.kind")
    item_name = serializers.CharField(source="classification.item_name")
    tax_code = serializers.CharField(source="classification.tax_code")
    method = serializers.CharField(source="classification.method")
    rate = serializers.DecimalField(source="classification.rate", max_digits=5, decimal_places=4)
    amount_excluding_tax = serializers.DecimalField(source="net", max_digits=14, decimal_places=2)
    tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(source="gross", max_digits=14, decimal_places=2)
    period_start = serializers.DateField(source="bill.period_start")
    period_end = serializers.DateField(source="bill.period_end")
    bill_status = serializers.CharField(source="bill.status")


class AgingParkSerializer(serializers.Serializer):
    park = serializers.IntegerField(source="park_id")
    park_name = serializers.CharField(source="park")
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    buckets = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_buckets(self, row) -> dict:
        return {bucket.value: f"{row['buckets'][bucket]:.2f}" for bucket in AgingBucket}


class OverdueEnterpriseSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise_id")
    name = serializers.CharField()
    park_name = serializers.CharField(source="park")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    bills = serializers.IntegerField()
    oldest_due = serializers.DateField()
    days_past_due = serializers.IntegerField(source="days")
    bucket = serializers.CharField()


class ReceivablesSummarySerializer(serializers.Serializer):
    today = serializers.DateField()
    outstanding = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="应收总额: what the bills still ask"
    )
    overdue = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="逾期金额: the part past its due date"
    )
    overdue_rate = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text="逾期率 (%)"
    )
    bills_outstanding = serializers.IntegerField()
    collected_month = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="本月已收: money received this month"
    )
    payments_month = serializers.IntegerField()
    buckets = serializers.SerializerMethodField()
    by_park = AgingParkSerializer(many=True)
    top_overdue = OverdueEnterpriseSerializer(many=True)

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_buckets(self, board) -> dict:
        return {bucket.value: f"{board.buckets[bucket]:.2f}" for bucket in AgingBucket}
