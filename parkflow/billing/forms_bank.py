"""Forms of the bank-statement, invoice-data and receivables pages: they parse; the services
judge (STYLE.md §8)."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.enterprises.forms import parks_for
from parkflow.org.models import OrgUnit

from .choices import ChargeKind
from .choices_bank import BankLineStatus, InvoiceMethod


def _park_field():
    return forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )


class _ParkFilterMixin:
    """A park filter over the user's parks, dropped when there is only one."""

    def _parks(self, user):
        parks = parks_for(user)
        self.fields["park"].queryset = parks
        if parks.count() < 2:
            del self.fields["park"]

    def chosen_park(self):
        if "park" not in self.fields or not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("park")


class ReceivablesForm(_ParkFilterMixin, StyledForm):
    park = _park_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._parks(user)


class BankLineFilterForm(_ParkFilterMixin, SearchFilterForm):
    search_placeholder = _("付款户名、摘要或流水号")
    status = forms.ChoiceField(
        label=_("处理结果"),
        required=False,
        initial=BankLineStatus.REVIEW,  # the review list (待人工核对) unless another is chosen
        choices=[("", _("全部"))] + list(BankLineStatus.choices),
    )
    park = _park_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._parks(user)

    def filters(self) -> dict:
        values = super().filters()
        if not self.is_bound:
            values["status"] = BankLineStatus.REVIEW
        return values


class MatchForm(StyledForm):
    """Match a line to one of the suggested bills, or to a bill named by its number."""

    bill = forms.TypedChoiceField(
        label=_("建议的账单"), required=False, coerce=int, widget=forms.RadioSelect, choices=[]
    )
    number = forms.CharField(
        label=_("或输入账单号"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "ZD202611-0000123"}),
    )
    note = forms.CharField(
        label=_("核对说明"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("如：电话确认为母公司代付")}),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bill"].choices = [(bill.pk, bill.number) for bill in candidates]

    def clean(self):
        data = super().clean()
        if not data.get("bill") and not (data.get("number") or "").strip():
            raise forms.ValidationError(_("请选择建议的账单，或输入账单号。"))
        return data


class IgnoreForm(StyledForm):
    reason = forms.CharField(
        label=_("原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("如：供应商退款，非企业缴费")}),
    )


class InvoiceFilterForm(_ParkFilterMixin, StyledForm):
    park = _park_field()
    month = forms.CharField(
        label=_("账期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
    )
    kind = forms.ChoiceField(
        label=_("费用类别"),
        required=False,
        choices=[("", _("全部"))]
        + [(k, label) for k, label in ChargeKind.choices if k != ChargeKind.DEPOSIT],
    )
    paid_only = forms.BooleanField(label=_("仅已结清"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._parks(user)

    def clean_month(self):
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("账期应如 2026-11。"))
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "park": data.get("park") if "park" in self.fields else None,
            "month": data.get("month"),
            "kind": data.get("kind") or "",
            "paid_only": bool(data.get("paid_only")),
        }


RATE_CHOICES = [
    ("0.13", "13%"),
    ("0.09", "9%"),
    ("0.06", "6%"),
    ("0.05", _("5%（征收率）")),
    ("0.03", _("3%（征收率）")),
    ("0.01", "1%"),
    ("0", "0"),
]


class InvoiceSettingForm(StyledForm):
    method = forms.ChoiceField(label=_("计税方式"), choices=InvoiceMethod.choices)
    item_name = forms.CharField(label=_("货物或应税劳务、服务名称"), required=False, max_length=60)
    tax_code = forms.CharField(label=_("税收分类编码"), required=False, max_length=30)
    rate = forms.ChoiceField(label=_("税率/征收率"), choices=RATE_CHOICES, required=False)
