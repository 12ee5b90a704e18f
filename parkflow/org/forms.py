"""Organisation forms: parse input; the services validate and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import StyledForm

from . import access
from .choices import UnitKind
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
