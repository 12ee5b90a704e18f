"""Forms of the refund pages. They parse input; what is allowed — who may start, edit or
release one, whether the amount is covered, whether its signatures passed — is decided by
``services_refunds``, whose refusals are put back on these forms (STYLE.md §8, §9)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.enterprises.forms import parks_for
from parkflow.org.models import OrgUnit

from .choices_refunds import RefundKind, RefundStatus


class RefundFilterForm(SearchFilterForm):
    search_placeholder = _("企业 / 收款户名 / 事由")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *RefundStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *RefundKind.choices]
    )
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )
    large_only = forms.BooleanField(label=_("仅大额"), required=False)

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


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise):
        return f"{enterprise.name}（{enterprise.park}）"


class DepositBillChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, bill):
        return _("%(number)s %(enterprise)s · %(label)s · 已收 ¥%(paid)s") % {
            "number": bill.number,
            "enterprise": bill.enterprise.name,
            "label": bill.label,
            "paid": f"{bill.paid:,.2f}",
        }


class RefundForm(StyledForm):
    """发起 (with the enterprise) and 修改 (the draft's enterprise is fixed)."""

    enterprise = EnterpriseChoiceField(label=_("企业"), queryset=None, empty_label=_("请选择企业"))
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=RefundKind.choices,
        widget=forms.RadioSelect,
        initial=RefundKind.REFUND,
        help_text=_(
            "退款从企业预收余额退回；押金退还退回已缴清的押金；付款为园区向企业支付的款项（如政策补贴）。"
        ),
    )
    amount = forms.DecimalField(
        label=_("金额（元）"),
        max_digits=14,
        decimal_places=2,
        min_value=0.01,
        help_text=_("达到大额阈值的须两人签署，其中一人为园区领导；发起人不能签署。"),
    )
    deposit_bill = DepositBillChoiceField(
        label=_("押金账单"),
        queryset=None,
        required=False,
        empty_label=_("押金退还时选择"),
        help_text=_("仅押金退还：选择该企业已缴清的押金账单。"),
    )
    reason = forms.CharField(
        label=_("事由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    payee_name = forms.CharField(label=_("收款户名"), max_length=100)
    payee_bank = forms.CharField(label=_("开户银行"), max_length=100)
    payee_account = forms.CharField(
        label=_("收款账号"),
        max_length=40,
        help_text=_("8–30 位数字，可用空格分隔；仅财务人员可见完整账号。"),
    )

    def __init__(self, *args, enterprises, deposit_bills, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deposit_bill"].queryset = deposit_bills
        if editing:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = enterprises

    @staticmethod
    def initial_for(refund) -> dict:
        return {
            "kind": refund.kind,
            "amount": refund.amount,
            "deposit_bill": refund.deposit_bill_id,
            "reason": refund.reason,
            "payee_name": refund.payee_name,
            "payee_bank": refund.payee_bank,
            "payee_account": refund.payee_account,
        }


class ReleaseForm(StyledForm):
    reference = forms.CharField(
        label=_("付款流水号"),
        max_length=60,
        required=False,
        help_text=_("银行付款回单上的流水号，便于对账。"),
    )
    reason = forms.CharField(
        label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
