"""Forms of the value-added service pages and the portal. They parse input; what is allowed —
the lead time of a price, who confirms an order, the order's state — is decided by
``services``, whose refusals are put back on these forms (STYLE.md §8, §9)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.enterprises.forms import parks_for
from parkflow.org.models import OrgUnit

from .choices import OrderChannel, OrderStatus, VasCategory

RATINGS = [(n, f"{n} 分") for n in range(5, 0, -1)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def _park_field(form, user, parks=None):
    parks = parks_for(user) if parks is None else parks
    form.fields["park"].queryset = parks
    if parks.count() < 2:
        del form.fields["park"]


# ---------------------------------------------------------------------------------------------
# The catalogue (R-VAS-1)


class ServiceFilterForm(SearchFilterForm):
    search_placeholder = _("服务名称 / 说明")
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *VasCategory.choices]
    )
    active = forms.ChoiceField(
        label=_("在售"),
        required=False,
        choices=[("", _("全部")), ("yes", _("在售")), ("no", _("已停售"))],
    )
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _park_field(self, user)

    def filters(self) -> dict:
        values = super().filters()
        values.setdefault("park", None)
        return values


class ServiceForm(StyledForm):
    park = forms.ModelChoiceField(
        label=_("园区"), queryset=OrgUnit.objects.none(), empty_label=_("请选择园区")
    )
    name = forms.CharField(label=_("服务名称"), max_length=60)
    category = forms.ChoiceField(
        label=_("服务类别"), choices=[("", _("请选择")), *VasCategory.choices]
    )
    unit = forms.CharField(
        label=_("计价单位"), max_length=8, help_text=_("如：次、小时、项、场、月。")
    )
    description = forms.CharField(
        label=_("服务说明"),
        max_length=5000,
        required=False,
        widget=_textarea(4),
        help_text=_("服务内容、交付标准和时限，企业在门户中可见。"),
    )
    is_active = forms.BooleanField(
        label=_("在售"), required=False, initial=True, help_text=_("停售后企业不能再下单。")
    )

    def __init__(self, *args, parks=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["park"]
        else:
            self.fields["park"].queryset = parks
            del self.fields["is_active"]
            if parks is not None and parks.count() == 1:
                self.fields["park"].initial = parks.first()


class PriceForm(StyledForm):
    price = forms.DecimalField(
        label=_("单价（元）"), min_value=0.01, max_digits=12, decimal_places=2
    )
    effective_from = forms.DateField(label=_("执行日期"), widget=DateInput())
    note = forms.CharField(
        label=_("调价说明"),
        max_length=200,
        required=False,
        help_text=_("如：人工成本上涨、服务内容调整。随价格一并公示。"),
    )

    def __init__(self, *args, earliest=None, **kwargs):
        super().__init__(*args, **kwargs)
        if earliest is not None:
            self.fields["effective_from"].widget.attrs["min"] = earliest.isoformat()
            if not self.is_bound:
                self.initial.setdefault("effective_from", earliest)


# ---------------------------------------------------------------------------------------------
# Orders (R-VAS-2)


class OrderFilterForm(SearchFilterForm):
    search_placeholder = _("服务 / 企业 / 需求说明")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *OrderStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("渠道"), required=False, choices=[("", _("全部渠道")), *OrderChannel.choices]
    )
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )
    unrated = forms.BooleanField(label=_("待评价"), required=False)
    unbilled = forms.BooleanField(label=_("待计费"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _park_field(self, user)

    def filters(self) -> dict:
        values = super().filters()
        values.setdefault("park", None)
        return values


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise):
        return f"{enterprise.name}（{enterprise.park}）"


class ServiceChoiceField(forms.ModelChoiceField):
    """A service with its price in force (annotated by ``selectors.with_prices``)."""

    with_park = False

    def label_from_instance(self, entry):
        price = getattr(entry, "current_price", None)
        shown = f"¥{price:,.2f}/{entry.unit}" if price is not None else _("暂无生效价格")
        name = f"{entry.name}（{entry.park}）" if self.with_park else entry.name
        return f"{name} · {shown}"


class ParkServiceChoiceField(ServiceChoiceField):
    with_park = True


class StaffOrderForm(StyledForm):
    """代录订单: staff enter an order the enterprise asked for (a call, a visit). It waits for
    the enterprise's confirmation in the portal."""

    enterprise = EnterpriseChoiceField(label=_("企业"), queryset=None, empty_label=_("请选择企业"))
    service = ParkServiceChoiceField(label=_("服务"), queryset=None, empty_label=_("请选择服务"))
    quantity = forms.DecimalField(
        label=_("数量"), min_value=0.01, max_digits=10, decimal_places=2, initial=1
    )
    note = forms.CharField(
        label=_("需求说明"),
        max_length=500,
        required=False,
        widget=_textarea(3),
        help_text=_("写明企业提出需求的方式和时间，如：3 月 2 日企业来电申请。"),
    )

    def __init__(self, *args, enterprises, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["service"].queryset = services


class PortalOrderForm(StyledForm):
    service = ServiceChoiceField(label=_("服务"), queryset=None, empty_label=_("请选择服务"))
    quantity = forms.DecimalField(
        label=_("数量"), min_value=0.01, max_digits=10, decimal_places=2, initial=1
    )
    note = forms.CharField(
        label=_("需求说明"),
        max_length=500,
        required=False,
        widget=_textarea(3),
        help_text=_("希望的服务时间、联系人等。"),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("原因"), max_length=300, widget=_textarea(3))


class DeclineForm(StyledForm):
    reason = forms.CharField(
        label=_("拒绝原因"), max_length=300, required=False, widget=_textarea(3)
    )


class CompleteForm(StyledForm):
    delivery_note = forms.CharField(
        label=_("交付说明"),
        max_length=500,
        required=False,
        widget=_textarea(3),
        help_text=_("完成后由财务按订单单价计费，并请企业评价服务质量。"),
    )


class RateForm(StyledForm):
    rating = forms.TypedChoiceField(
        label=_("服务质量评分"), choices=RATINGS, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("评价"), max_length=300, required=False, widget=_textarea(3))


class QualityForm(StyledForm):
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _park_field(self, user)

    def chosen_park(self):
        if "park" not in self.fields or not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("park")
