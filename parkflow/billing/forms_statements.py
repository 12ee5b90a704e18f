"""Forms of the statement and dispute pages and the portal. They parse input; who may issue,
supersede or settle, and what the state allows, is decided by ``services_statements``, whose
refusals are put back on these forms (STYLE.md §8, §9)."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.enterprises.forms import parks_for
from parkflow.org.models import OrgUnit

from .choices import AdjustmentKind
from .choices_statements import DisputeStatus, StatementStatus

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month as the browser's month input sends it (2026-03): its first day."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("请选择月份（如 2026-03）。"))
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class StatementFilterForm(SearchFilterForm):
    search_placeholder = _("企业名称 / 统一社会信用代码")
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )
    month = MonthField(label=_("对账月份"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *StatementStatus.choices]
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


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise):
        return f"{enterprise.name}（{enterprise.park}）"


class StatementIssueForm(StyledForm):
    """出具对账单: a month, or any range of days that has ended."""

    enterprise = EnterpriseChoiceField(label=_("企业"), queryset=None, empty_label=_("请选择企业"))
    month = MonthField(
        label=_("对账月份"),
        required=False,
        help_text=_("按月对账时选择月份；或填写下面的起止日期。"),
    )
    period_start = forms.DateField(
        label=_("对账期间起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("对账期间止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises

    def clean(self):
        data = super().clean()
        start, end, month = data.get("period_start"), data.get("period_end"), data.get("month")
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("按日期对账时请同时填写起止日期。"))
        elif month is None:
            raise forms.ValidationError(_("请选择对账月份或填写起止日期。"))
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        if data.get("period_start"):
            return {
                "enterprise": data["enterprise"],
                "period_start": data["period_start"],
                "period_end": data["period_end"],
            }
        return {"enterprise": data["enterprise"], "period_start": data["month"]}


class SupersedeForm(StyledForm):
    reason = forms.CharField(label=_("作废原因"), max_length=300, widget=_textarea())


class DisputeFilterForm(SearchFilterForm):
    search_placeholder = _("企业名称 / 争议理由")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *DisputeStatus.choices]
    )
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )
    overdue_only = forms.BooleanField(label=_("超时"), required=False)

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


class ResolveForm(StyledForm):
    kind = forms.ChoiceField(label=_("调账方向"), choices=AdjustmentKind.choices)
    amount = forms.DecimalField(
        label=_("调账金额（元）"), max_digits=14, decimal_places=2, min_value=0.01
    )
    outcome = forms.CharField(label=_("处理结果（企业可见）"), max_length=2000, widget=_textarea(4))


class RejectForm(StyledForm):
    reason = forms.CharField(label=_("驳回理由（企业可见）"), max_length=2000, widget=_textarea(4))


class PortalDisputeForm(StyledForm):
    """The enterprise disputes one line: which one, and why."""

    line = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("争议理由"),
        max_length=2000,
        widget=_textarea(4),
        help_text=_("请说明哪一项有误及原因，园区财务将在 2 个工作日内受理、10 个工作日内答复。"),
    )
