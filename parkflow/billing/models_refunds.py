"""Refunds, deposit returns and payouts (R-BIL-4, Art.14, R-ORG-4): money the park pays out.

A ``Refund`` is written by finance as a draft, submitted for signatures and released — paid out
— only when the gates of ``gates.py`` passed for its content as stored: one approver below the
large-amount threshold, two distinct people (the second a leader) at or above it, never the
initiator. Releasing moves the ledger in the same transaction (``services_refunds``): a refund
takes the amount off the prepaid balance, a deposit return credits the paid deposit bill and
pays that credit out; a payout (a policy subsidy) is recorded with this row only. The status is
a protected state field: only the workflow's declared steps (``workflows.py``) change it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from .choices_refunds import RefundKind, RefundStatus

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}


def mask_account(number: str) -> str:
    """A bank account as everyone but finance sees it: the first and last four digits."""
    number = number or ""
    if len(number) <= 8:
        return f"**** {number[-4:]}" if number else ""
    return f"{number[:4]} **** **** {number[-4:]}"


def group_account(number: str) -> str:
    """A bank account in full as it is printed on a bank card or a receipt: groups of four."""
    number = number or ""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


class Refund(FSMModelMixin, models.Model):
    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    kind = models.CharField(_("类别"), max_length=16, choices=RefundKind.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    reason = models.CharField(_("事由"), max_length=300)
    payee_name = models.CharField(_("收款户名"), max_length=100)
    payee_bank = models.CharField(_("开户银行"), max_length=100)
    # Digits only (the service strips spaces); shown in full to finance, masked to everyone else.
    payee_account = models.CharField(_("收款账号"), max_length=30)
    # The paid deposit bill a deposit return gives back (only for that kind).
    deposit_bill = models.ForeignKey(
        "billing.Bill",
        verbose_name=_("押金账单"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposit_returns",
    )
    status = FSMField(
        _("状态"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.DRAFT,
        protected=True,
    )  # fmt: skip
    # A reviewer's opinion when it was sent back to draft (退回修改).
    return_opinion = models.TextField(_("退回意见"), blank=True)
    initiated_by = models.ForeignKey(
        USER, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    initiated_at = models.DateTimeField(_("发起时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    submitted_at = models.DateTimeField(_("提交审批时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审批通过时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        USER,
        verbose_name=_("放款人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(_("放款时间"), null=True, blank=True)
    release_reference = models.CharField(_("付款流水号"), max_length=60, blank=True)
    # What the release wrote to the ledger: the deposit bill's credit line and the prepaid
    # balance's "refunded" entry (none for a payout).
    adjustment = models.OneToOneField(
        "billing.Adjustment",
        verbose_name=_("押金调减"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposit_return",
    )
    credit_entry = models.OneToOneField(
        "billing.CreditEntry",
        verbose_name=_("预收余额退款记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund",
    )

    class Meta:
        verbose_name = _("退款与付款")
        verbose_name_plural = _("退款与付款")
        ordering = ["-initiated_at", "-id"]
        indexes = [
            models.Index(fields=["-initiated_at", "-id"], name="refund_newest"),
            models.Index(fields=["park", "status"], name="refund_park_status"),
            models.Index(fields=["enterprise", "status"], name="refund_enterprise_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            # A deposit return names the deposit bill it returns; nothing else names one.
            models.CheckConstraint(
                condition=Q(kind="deposit_return", deposit_bill__isnull=False)
                | (~Q(kind="deposit_return") & Q(deposit_bill__isnull=True)),
                name="refund_deposit_bill_iff_deposit_return",
            ),
            # Released means: by whom and when, and — but for a payout — its ledger entry.
            models.CheckConstraint(
                condition=~Q(status="released")
                | Q(released_at__isnull=False, released_by__isnull=False),
                name="refund_released_stamped",
            ),
            models.CheckConstraint(
                condition=~Q(status="released") | Q(kind="payout") | Q(credit_entry__isnull=False),
                name="refund_released_in_the_ledger",
            ),
        ]

    def __str__(self):
        # What the review inbox and the audit trail call it: the signer sees what and for whom.
        return (
            f"{self.number} {self.get_kind_display()} ¥{self.amount:,.2f} · {self.enterprise.name}"
        )

    def get_absolute_url(self):
        return reverse("billing:refund", args=[self.pk])

    @property
    def number(self) -> str:
        """退款单号: the month it was started and the row's number, stable and unique."""
        started = timezone.localtime(self.initiated_at) if self.initiated_at else None
        month = f"{started:%Y%m}" if started else "000000"
        return f"TK{month}-{self.pk or 0:06d}"

    @property
    def grouped_account(self) -> str:
        return group_account(self.payee_account)

    @property
    def masked_account(self) -> str:
        return mask_account(self.payee_account)

    def get_payee_account_display(self) -> str:
        """What the kernel's review page shows of the account: masked (it is not finance's
        page); the approval is bound to the full number through the content hash."""
        return self.masked_account
