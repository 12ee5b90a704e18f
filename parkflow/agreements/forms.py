"""Forms of the agreement pages. They parse input; what is allowed (mandatory clauses, venues,
no bundling, tariffs, signing) is decided by the services, whose refusals are put back on these
forms (STYLE.md §8, §9)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import SearchFilterForm, StyledForm, style_widget
from parkflow.enterprises.forms import DateInput, parks_for
from parkflow.org.models import OrgUnit, User

from . import selectors
from .choices import (
    AgreementKind,
    AgreementStatus,
    ClauseKind,
    FeeKind,
    FeePeriod,
    TariffUnit,
    VenueKind,
)
from .models import ServiceItem, TemplateVersion

# ---------------------------------------------------------------------------------------------
# The ledger


class AgreementFilterForm(SearchFilterForm):
    search_placeholder = _("协议编号 / 协议名称 / 企业名称 / 信用代码")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *AgreementStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("协议类型"), required=False, choices=[("", _("全部类型")), *AgreementKind.choices]
    )
    expiry = forms.ChoiceField(
        label=_("到期"),
        required=False,
        choices=[
            ("", _("不限")),
            *[
                (str(days), _("%(days)s天内到期") % {"days": days})
                for days in selectors.EXPIRY_WINDOWS
            ],
            (selectors.EXPIRED, _("已过期仍在册")),
        ],
    )
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parks = parks_for(user)
        self.fields["park"].queryset = parks
        # Park staff see one park: the filter is for those who see several (headquarters).
        if parks.count() < 2:
            del self.fields["park"]

    def filters(self) -> dict:
        values = super().filters()
        values.setdefault("park", None)
        return values


# ---------------------------------------------------------------------------------------------
# Drafting


class TemplateVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, version):
        return f"{version.template.park} · {version.template.name}（第{version.number}版）"


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise):
        return f"{enterprise.name}（{enterprise.park}）"


class AgreementCreateForm(StyledForm):
    enterprise = EnterpriseChoiceField(label=_("企业"), queryset=None, empty_label=_("请选择企业"))
    template_version = TemplateVersionChoiceField(
        label=_("协议模板"),
        queryset=TemplateVersion.objects.none(),
        empty_label=_("请选择已启用的模板"),
        help_text=_("只列出通过合规审查、季度复核未逾期的模板版本。"),
    )
    title = forms.CharField(label=_("协议名称"), max_length=120)
    start_date = forms.DateField(label=_("起始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("终止日期"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = selectors.enterprises_for_drafting(user)
        usable, self.lapsed = selectors.template_versions_for_drafting(user)
        self.fields["template_version"].queryset = TemplateVersion.objects.filter(
            pk__in=[v.pk for v in usable]
        ).select_related("template__park")


class AgreementEditForm(StyledForm):
    title = forms.CharField(label=_("协议名称"), max_length=120)
    start_date = forms.DateField(label=_("起始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("终止日期"), widget=DateInput())
    price_approver = forms.ModelChoiceField(
        label=_("价格例外审批领导"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("暂不指定"),
        help_text=_("有费用高于收费标准或折扣超出授权时，由该领导审批（R-AGR-5）。"),
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_approver"].queryset = selectors.price_approvers(agreement.park_id)

    @staticmethod
    def initial_for(agreement) -> dict:
        return {
            "title": agreement.title,
            "start_date": agreement.start_date,
            "end_date": agreement.end_date,
            "price_approver": agreement.price_approver_id,
        }

    def changes(self, agreement) -> dict:
        """Only the fields that differ: an unchanged save touches nothing (and voids nothing)."""
        data = self.cleaned_data
        changes = {}
        for name in ("title", "start_date", "end_date"):
            if data[name] != getattr(agreement, name):
                changes[name] = data[name]
        if (data["price_approver"] and data["price_approver"].pk) != agreement.price_approver_id:
            changes["price_approver"] = data["price_approver"]
        return changes


class ClauseForm(forms.Form):
    # A blank first choice: an untouched extra row posts nothing and is left out.
    kind = forms.ChoiceField(label=_("条款类别"), choices=[("", _("请选择")), *ClauseKind.choices])
    title = forms.CharField(label=_("条款标题"), max_length=60)
    text = forms.CharField(
        label=_("条款内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    venue_kind = forms.ChoiceField(
        label=_("争议解决方式"),
        required=False,
        choices=[("", _("不适用")), *VenueKind.choices],
    )
    venue_name = forms.CharField(
        label=_("争议解决机构"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"list": "venue-names", "autocomplete": "off"}),
    )


CLAUSE_FIELDS = ("kind", "title", "text", "venue_kind", "venue_name")


class BaseClauseFormSet(forms.BaseFormSet):
    """The clauses of an agreement or a template in one form: 序号 reorders, 删除 drops a
    clause, the blank rows at the end add new ones."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("序号")
        form.fields["ORDER"].widget.attrs["min"] = 1
        form.fields["DELETE"].label = _("删除")
        for field in form.fields.values():
            style_widget(field)

    def clauses(self) -> list[dict]:
        """The clauses in their new order, without the blank rows and the deleted ones."""
        return [
            {name: form.cleaned_data.get(name, "") for name in CLAUSE_FIELDS}
            for form in self.ordered_forms
        ]


ClauseFormSet = forms.formset_factory(
    ClauseForm,
    formset=BaseClauseFormSet,
    extra=2,
    max_num=60,
    validate_max=True,
    can_delete=True,
    can_order=True,
)


def clause_formset(data=None, clauses=()):
    initial = [
        c if isinstance(c, dict) else {name: getattr(c, name) for name in CLAUSE_FIELDS}
        for c in clauses
    ]
    return ClauseFormSet(data, initial=initial, prefix="clauses")


class ServiceLineForm(StyledForm):
    item = forms.ModelChoiceField(
        label=_("服务项目"), queryset=ServiceItem.objects.none(), empty_label=_("请选择服务项目")
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = selectors.line_candidates(agreement)


class SignedNoteForm(StyledForm):
    upload = forms.FileField(
        label=_("企业签字确认书"), help_text=_("PDF 或图片，单个文件不超过 20MB。")
    )


class FeeLineForm(StyledForm):
    kind = forms.ChoiceField(label=_("费用类别"), choices=FeeKind.choices)
    service_item = forms.ModelChoiceField(
        label=_("服务项目"),
        queryset=ServiceItem.objects.none(),
        required=False,
        empty_label=_("不适用（租金、物业费、押金等）"),
        help_text=_("服务费须指定服务项目。"),
    )
    label = forms.CharField(
        label=_("费用名称"), max_length=60, required=False, help_text=_("留空则按类别命名。")
    )
    quantity = forms.DecimalField(
        label=_("数量（面积/个数）"), max_digits=12, decimal_places=2, initial=1
    )
    unit_price = forms.DecimalField(
        label=_("单价（元）"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("留空则按生效的收费标准定价；高于标准须领导审批。"),
    )
    period = forms.ChoiceField(label=_("计费周期"), choices=FeePeriod.choices)
    start_date = forms.DateField(label=_("计费起始日"), widget=DateInput())
    end_date = forms.DateField(label=_("计费截止日"), widget=DateInput())
    escalation_percent = forms.DecimalField(
        label=_("年递增率（%）"), max_digits=5, decimal_places=2, required=False, initial=0
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_item"].queryset = ServiceItem.objects.filter(
            park_id=agreement.park_id, is_active=True
        ).order_by("code")

    @staticmethod
    def initial_for(fee) -> dict:
        return {
            "kind": fee.kind,
            "service_item": fee.service_item_id,
            "label": fee.label,
            "quantity": fee.quantity,
            "unit_price": fee.unit_price,
            "period": fee.period,
            "start_date": fee.start_date,
            "end_date": fee.end_date,
            "escalation_percent": fee.escalation_percent,
        }

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["escalation_percent"] = data.get("escalation_percent") or 0
        if data.get("unit_price") is None:
            data.pop("unit_price", None)
        return data


class SignForm(StyledForm):
    signed_on = forms.DateField(label=_("签署日期"), widget=DateInput())
    enterprise_signatory = forms.CharField(label=_("企业方签署人"), max_length=60)
    park_signatory = forms.ModelChoiceField(
        label=_("园区方签署人"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("本人"),
    )
    scan = forms.FileField(
        label=_("签署扫描件"), help_text=_("双方签字盖章后的协议扫描件，PDF 或图片。")
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park_signatory"].queryset = selectors.park_signatories(agreement.park_id)


class AmendForm(StyledForm):
    title = forms.CharField(
        label=_("补充协议名称"),
        max_length=120,
        required=False,
        help_text=_("留空则沿用原协议名称。"),
    )


# ---------------------------------------------------------------------------------------------
# Templates


class TemplateCreateForm(StyledForm):
    park = forms.ModelChoiceField(
        label=_("园区"), queryset=OrgUnit.objects.none(), empty_label=_("请选择园区")
    )
    name = forms.CharField(label=_("模板名称"), max_length=80)
    kind = forms.ChoiceField(label=_("协议类型"), choices=AgreementKind.choices)
    note = forms.CharField(label=_("修订说明"), max_length=200, required=False)

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        if len(parks) == 1 and not self.is_bound:
            self.fields["park"].initial = parks[0].pk


class NewVersionForm(StyledForm):
    note = forms.CharField(label=_("修订说明"), max_length=200, required=False)


class ReReviewForm(StyledForm):
    opinion = forms.CharField(
        label=_("书面复核意见"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("对核心条款（保密、违约责任、争议解决）的复核结论及理由。"),
    )


# ---------------------------------------------------------------------------------------------
# Reference data


class TariffFilterForm(StyledForm):
    fee_kind = forms.ChoiceField(
        label=_("费用类别"), required=False, choices=[("", _("全部类别")), *FeeKind.choices]
    )
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
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"fee_kind": data.get("fee_kind", ""), "park": data.get("park")}


class TariffPublishForm(StyledForm):
    park = forms.ModelChoiceField(
        label=_("园区"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    fee_kind = forms.ChoiceField(label=_("费用类别"), choices=FeeKind.choices)
    service_item = forms.ModelChoiceField(
        label=_("服务项目"),
        queryset=ServiceItem.objects.none(),
        required=False,
        empty_label=_("不适用"),
        help_text=_("服务费须指定服务项目。"),
    )
    unit = forms.ChoiceField(label=_("计价单位"), choices=TariffUnit.choices)
    price = forms.DecimalField(label=_("标准价格（元）"), max_digits=12, decimal_places=2)
    effective_from = forms.DateField(
        label=_("生效日期"), widget=DateInput(), help_text=_("不得早于今天（不得追溯）。")
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        self.fields["service_item"].queryset = (
            ServiceItem.objects.filter(park__in=parks, is_active=True)
            .select_related("park")
            .order_by("park_id", "code")
        )


class ServiceItemForm(StyledForm):
    park = forms.ModelChoiceField(
        label=_("园区"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    code = forms.CharField(label=_("编码"), max_length=30)
    name = forms.CharField(label=_("服务名称"), max_length=60)
    description = forms.CharField(label=_("服务说明"), max_length=300, required=False)
    required_for = forms.MultipleChoiceField(
        label=_("必备于协议类型"),
        choices=AgreementKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选的协议类型必须包含该服务；其他类型只能由企业自主申请（禁止捆绑）。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks

    @staticmethod
    def initial_for(item) -> dict:
        return {
            "park": item.park_id,
            "code": item.code,
            "name": item.name,
            "description": item.description,
            "required_for": item.required_for,
            "is_active": item.is_active,
        }


class VenueForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=80)
    kind = forms.ChoiceField(label=_("类别"), choices=VenueKind.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    @staticmethod
    def initial_for(venue) -> dict:
        return {
            "name": venue.name,
            "kind": venue.kind,
            "note": venue.note,
            "is_active": venue.is_active,
        }
