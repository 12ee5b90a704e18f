"""Forms of the compliance calendar's pages: they parse input, the services decide."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import StyledForm

from .choices import TaskState

VIEW_CHOICES = [("month", _("月视图")), ("quarter", _("季度视图"))]


class MonthField(forms.Field):
    """A month as ``YYYY-MM`` (the browser's month picker) → the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month"})
    default_error_messages = {"invalid": _("请输入年月，例如 2026-10。")}

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            if not 1900 <= year <= 2100:
                raise ValueError(value)
            return datetime.date(year, month, 1)
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.year}-{value.month:02d}"
        return value


class CalendarFilterForm(StyledForm):
    view = forms.ChoiceField(label=_("视图"), choices=VIEW_CHOICES, required=False)
    month = MonthField(label=_("月份"), required=False)
    unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=None, required=False, empty_label=_("全部单位")
    )
    owner = forms.ModelChoiceField(
        label=_("负责人"), queryset=None, required=False, empty_label=_("全部负责人")
    )
    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *TaskState.choices], required=False
    )

    def __init__(self, *args, units, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: str(user)

    def values(self, today: datetime.date) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "view": data.get("view") or "month",
            "month": data.get("month") or today.replace(day=1),
            "unit": data.get("unit"),
            "owner": data.get("owner"),
            "state": data.get("state") or "",
        }


class TaskCompleteForm(StyledForm):
    note = forms.CharField(
        label=_("完成说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("做了什么、结论如何；记入审计追踪。"),
    )
    file = forms.FileField(
        label=_("证明文件"),
        required=False,
        help_text=_("PDF、JPG 或 PNG，如签字的记录表、会议纪要、报告。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    link = forms.ChoiceField(label=_("关联记录"), required=False)

    def __init__(self, *args, link_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.link_objects = {str(obj.pk): obj for obj in (link_choices or [])}
        if self.link_objects:
            self.fields["link"].choices = [
                ("", _("请选择")),
                *((key, str(obj)) for key, obj in self.link_objects.items()),
            ]
        else:
            del self.fields["link"]

    def clean_link(self):
        value = self.cleaned_data.get("link")
        return self.link_objects.get(value) if value else None

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"note": data.get("note", ""), "file": data.get("file"), "link": data.get("link")}


class TaskReassignForm(StyledForm):
    owner = forms.ModelChoiceField(label=_("新负责人"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = candidates
        self.fields["owner"].label_from_instance = lambda user: str(user)
