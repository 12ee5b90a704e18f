"""Forms of the bill, payment and bill-run pages and the portal. They parse input; what is
allowed — who records money, how much a bill can take, a second bill for the same period, a
retried payment — is decided by ``services``, whose refusals are put back on these forms
(STYLE.md §8, §9)."""

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core import clock
from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.duties.forms import MonthField
from parkflow.enterprises.forms import DateInput, parks_for
from parkflow.org.models import OrgUnit

from .choices import RECEIVED_METHODS, AdjustmentKind, BillStatus, ChargeKind, PaymentMethod


def new_idempotency_key() -> str:
    """A key for one payment form as it is rendered: a double submit or a browser retry of
    that form sends it again, and the service answers with the payment it recorded (R-BIL-4)."""
    return uuid.uuid4().hex


class _ParkFilter(SearchFilterForm):
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parks = parks_for(user)
        self.fields["park"].queryset = parks
        if parks.count() < 2:
            del self.fields["park"]

    def filters(self) -> dict:
        values = super().filters()
        values.setdefault("park", None)
        return values


class BillFilterForm(_ParkFilter):
    search_placeholder = _("企业 / 费用名称 / 账单号")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *BillStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("费用类别"), required=False, choices=[("", _("全部类别")), *ChargeKind.choices]
    )
    month = MonthField(label=_("计费月份"), required=False)
    overdue_only = forms.BooleanField(label=_("仅看逾期"), required=False)


class PaymentFilterForm(_ParkFilter):
    search_placeholder = _("企业 / 流水号 / 账单号")
    method = forms.ChoiceField(
        label=_("收款方式"), required=False, choices=[("", _("全部方式")), *PaymentMethod.choices]
    )
    month = MonthField(label=_("到账月份"), required=False)


class _KeyedForm(StyledForm):
    """A form whose submission must be recorded once: its idempotency key is made when the
    form is rendered and travels with it (hidden)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {
            "idempotency_key": new_idempotency_key(),
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)

    def with_new_key(self):
        """The same bound form (its values and errors) carrying a fresh key: after a refusal
        nothing was recorded, and a corrected submission is a new request."""
        data = self.data.copy()
        data[self.add_prefix("idempotency_key")] = new_idempotency_key()
        self.data = data
        return self


class PaymentForm(_KeyedForm):
    """登记收款 (R-BIL-4): partial payments are fine; what exceeds the bill becomes prepaid
    balance, said before it is confirmed."""

    amount = forms.DecimalField(
        label=_("收款金额（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    method = forms.ChoiceField(label=_("收款方式"), choices=RECEIVED_METHODS)
    paid_on = forms.DateField(label=_("到账日期"), widget=DateInput())
    reference = forms.CharField(
        label=_("交易流水号"),
        max_length=60,
        required=False,
        help_text=_("银行回单或支付平台的流水号，便于对账。"),
    )

    field_order = ["amount", "method", "paid_on", "reference", "idempotency_key"]

    def __init__(self, *args, bill=None, **kwargs):
        initial = {"paid_on": clock.today(), "method": PaymentMethod.BANK_TRANSFER}
        if bill is not None and bill.outstanding > 0:
            initial["amount"] = bill.outstanding
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})


class CreditApplyForm(_KeyedForm):
    """预收余额抵扣: nothing to fill in; the key makes a double submit spend the balance once."""


class AdjustmentForm(StyledForm):
    """调账 (R-BIL-5): a new credit or debit line with its reason; the bill is never edited."""

    kind = forms.ChoiceField(
        label=_("调账方向"), choices=AdjustmentKind.choices, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("调账金额（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    reason = forms.CharField(
        label=_("调账原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class RunStartForm(StyledForm):
    """开始出账: a park the user bills, and the month to bill up to."""

    park = forms.ModelChoiceField(
        label=_("园区"), queryset=OrgUnit.objects.none(), empty_label=_("请选择园区")
    )
    month = MonthField(label=_("出账至"))

    def __init__(self, *args, parks, **kwargs):
        kwargs["initial"] = {"month": clock.today().replace(day=1), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        if len(parks) == 1:
            self.fields["park"].initial = parks[0]


class IssueForm(StyledForm):
    """出具单期账单: one period of one fee line of a signed agreement (R-BIL-1, R-BIL-2)."""

    charge = forms.ChoiceField(label=_("费用与计费期间"))

    def __init__(self, *args, charges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["charge"].choices = [("", _("请选择")), *charges]

    def chosen(self) -> tuple[int, str]:
        line, start = self.cleaned_data["charge"].split(":", 1)
        return int(line), start
