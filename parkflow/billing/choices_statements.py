"""Codes of statements (对账单) and their disputes (R-BIL-5), each with its Chinese label and
its tag colour."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


@status_colours("statement", {"issued": "success", "superseded": "muted"})
class StatementStatus(models.TextChoices):
    ISSUED = "issued", _("已出具")
    # Replaced by a statement issued again for the same period (the first stays on record).
    SUPERSEDED = "superseded", _("已作废重出")


class StatementLineKind(models.TextChoices):
    """One movement of the enterprise's account in a period, as the statement lists it."""

    BILL = "bill", _("本期账单")
    DEBIT = "debit", _("调增")
    CREDIT = "credit", _("调减")
    PAYMENT = "payment", _("收款")
    CREDIT_APPLIED = "credit_applied", _("预收抵扣")
    REFUND = "refund", _("退款")


# The order of a day's movements on the statement.
LINE_ORDER = {kind: index for index, kind in enumerate(StatementLineKind.values)}


@status_colours(
    "statement_dispute",
    {"open": "warning", "investigating": "info", "resolved": "success", "rejected": "muted"},
)
class DisputeStatus(models.TextChoices):
    """R-BIL-5: a dispute is a workflow, never an edit of the bill."""

    OPEN = "open", _("待处理")
    INVESTIGATING = "investigating", _("核查中")
    RESOLVED = "resolved", _("已解决（调账）")
    REJECTED = "rejected", _("已驳回")


OPEN_DISPUTES = (DisputeStatus.OPEN, DisputeStatus.INVESTIGATING)
