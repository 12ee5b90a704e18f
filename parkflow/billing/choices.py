"""Codes of billing (SPEC §5, Art.14), each with its Chinese label and its tag colour."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BillSource(models.TextChoices):
    """Where a bill's charge comes from: only from something the enterprise agreed to."""

    FEE_SCHEDULE = "fee_schedule", _("协议费用")
    VAS_ORDER = "vas_order", _("增值服务订单")
    ADMISSION = "admission", _("入驻费")


class ChargeKind(models.TextChoices):
    """What is charged: the agreement's fee kinds (the same codes), a value-added service or
    the admission fee. Invoices classify by it."""

    DEPOSIT = "deposit", _("押金")
    RENT = "rent", _("租金")
    PROPERTY = "property", _("物业费")
    SERVICE = "service", _("服务费")
    ONE_OFF = "one_off", _("一次性费用")
    VAS = "vas", _("增值服务费")
    ADMISSION = "admission", _("入驻费")


class BillStatus(models.TextChoices):
    OPEN = "open", _("待缴")
    PARTIAL = "partial", _("部分缴纳")
    PAID = "paid", _("已结清")

    @classmethod
    def status_colours(cls):
        return {cls.OPEN: "warning", cls.PARTIAL: "info", cls.PAID: "success"}


OUTSTANDING = (BillStatus.OPEN, BillStatus.PARTIAL)


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("银行转账")
    WECHAT = "wechat", _("微信支付")
    ALIPAY = "alipay", _("支付宝")
    CASH = "cash", _("现金")
    CREDIT = "credit", _("预收余额抵扣")


class PaymentSource(models.TextChoices):
    MANUAL = "manual", _("人工登记")
    BANK_IMPORT = "bank_import", _("银行流水导入")


class CreditReason(models.TextChoices):
    """Why an enterprise's prepaid balance (预收余额) moved: never a silent change (R-BIL-4)."""

    OVERPAYMENT = "overpayment", _("多缴转预收")
    ADJUSTMENT = "adjustment", _("调账退差")
    APPLIED = "applied", _("抵扣账单")
    REFUNDED = "refunded", _("退款")


class AdjustmentKind(models.TextChoices):
    """R-BIL-5: a correction is a new line, never an edit of the bill."""

    CREDIT = "credit", _("调减（贷项）")
    DEBIT = "debit", _("调增（借项）")


class AgingBucket(models.TextChoices):
    """How long a receivable is overdue (the receivables dashboard)."""

    NOT_DUE = "not_due", _("未到期")
    D30 = "d30", _("逾期1–30天")
    D90 = "d90", _("逾期31–90天")
    D180 = "d180", _("逾期91–180天")
    OVER_180 = "over_180", _("逾期180天以上")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("出账中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")

    @classmethod
    def status_colours(cls):
        return {cls.RUNNING: "info", cls.DONE: "success", cls.FAILED: "danger"}


# --- billui: the tones of the status tags on the pages and the portal -------------------------
from parkflow.core.registry import status_colours  # noqa: E402 - the tags' registry, after the classes

status_colours("bill", BillStatus.status_colours())(BillStatus)
status_colours("bill_run", RunStatus.status_colours())(RunStatus)

# Money received (登记收款): a prepaid balance is spent with 预收余额抵扣, not recorded as received.
RECEIVED_METHODS = [(v, label) for v, label in PaymentMethod.choices if v != PaymentMethod.CREDIT]
