"""Organisation forms: parse input; the services validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core import access
from parkflow.core.forms import StyledForm

from .choices import ComplianceKind, UnitKind
from .models import OrgUnit


def units_for(user):
    """Parks and departments the user sees, HQ units included for headquarters staff."""
    return (
        access.scope(user, OrgUnit.objects.exclude(kind=UnitKind.GROUP))
        .select_related("parent")
        .order_by("park_id", "sort_order", "id")
    )


class EmergencyContactForm(StyledForm):
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=OrgUnit.objects.none(), empty_label=_("请选择园区或部门")
    )
    name = forms.CharField(label=_("姓名"), max_length=60)
    title = forms.CharField(label=_("职务"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("电话"),
        max_length=30,
        help_text=_("手机号或固定电话，如 13812345678 或 021-12345678。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)


class ContactFilterForm(StyledForm):
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )
    stale = forms.BooleanField(label=_("只看超期未确认"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = access.scope(
            user, OrgUnit.objects.filter(kind=UnitKind.PARK)
        )


class PeopleFilterForm(StyledForm):
    q = forms.CharField(label=_("姓名 / 工号"), required=False, max_length=60)
    lapsed = forms.BooleanField(label=_("只看履职状态失效"), required=False)


class ComplianceRecordForm(StyledForm):
    kind = forms.ChoiceField(label=_("类别"), choices=ComplianceKind.choices)
    completed_on = forms.DateField(
        label=_("完成日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("签署承诺书或考核合格的日期。"),
    )
    valid_until = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空则按规定计算：承诺书与新员工培训一年，管理层培训半年。"),
    )
    evidence = forms.FileField(
        label=_("证明材料"),
        help_text=_("签字的承诺书或培训考核合格证明，PDF、JPG 或 PNG。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        error_messages={"required": _("请上传签字的承诺书或培训考核合格证明（证明材料）。")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)
