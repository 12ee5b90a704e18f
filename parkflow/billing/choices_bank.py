"""Codes of bank-statement import and invoice data (R-BIL-4, SPEC §5), each with its Chinese
label and, for what pages show as a tag, its tone."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


@status_colours("bank_import", {"running": "info", "done": "success", "failed": "danger"})
class ImportStatus(models.TextChoices):
    RUNNING = "running", _("正在导入")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


@status_colours(
    "bank_line",
    {"matched": "success", "review": "warning", "ignored": "muted", "duplicate": "slate"},
)
class BankLineStatus(models.TextChoices):
    """What became of one credit line of a statement."""

    MATCHED = "matched", _("已入账")
    REVIEW = "review", _("待人工核对")
    IGNORED = "ignored", _("非本园区款项")
    # The same bank transaction came in an earlier statement: recorded there, nothing here.
    DUPLICATE = "duplicate", _("已导入")


class MatchMethod(models.TextChoices):
    BILL_NUMBER = "bill_number", _("按附言中的账单号")
    NAME_AMOUNT = "name_amount", _("按付款户名和金额")
    MANUAL = "manual", _("人工核对")


class ReviewReason(models.TextChoices):
    """Why a credit line was not matched by itself (the review list says it)."""

    UNKNOWN_BILL = "unknown_bill", _("附言中的账单号不属于本园区")
    SETTLED_BILL = "settled_bill", _("附言中的账单已结清")
    SEVERAL_NUMBERS = "several_numbers", _("附言中有多个账单号")
    UNKNOWN_PAYER = "unknown_payer", _("付款户名不是本园区企业")
    NO_CANDIDATE = "no_candidate", _("该企业没有金额相同的待缴账单")
    SEVERAL_CANDIDATES = "several_candidates", _("该企业有多张金额相同的待缴账单")


class InvoiceMethod(models.TextChoices):
    """How a charge kind is invoiced (数电发票): at a rate, or not at all (押金)."""

    GENERAL = "general", _("一般计税")
    SIMPLIFIED = "simplified", _("简易计税")
    NOT_INVOICED = "not_invoiced", _("不开具发票")
