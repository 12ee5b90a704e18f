"""Forms of the complaint pages and the portal. They parse input; what is allowed (who owns the
complaint, the grade below the matrix's proposal, the plan's review) is decided by
``services_complaints``, whose refusals are put back on these forms (STYLE.md §8, §9)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core import clock
from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.core.models import Article
from parkflow.enterprises.forms import parks_for
from parkflow.org.models import OrgUnit

from .choices import (
    ComplaintChannel,
    ComplaintGrade,
    ComplaintStatus,
    ComplaintTopic,
    Criterion,
    NoteKind,
)
from .services_complaints import STAFF_CHANNELS

TEXT_ROWS = 4


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _textarea(rows=TEXT_ROWS):
    return forms.Textarea(attrs={"rows": rows})


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return str(person)


# ---------------------------------------------------------------------------------------------
# The list and the dashboard


class ComplaintFilterForm(SearchFilterForm):
    search_placeholder = _("事由 / 企业 / 投诉人 / 工单号")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ComplaintStatus.choices]
    )
    grade = forms.ChoiceField(
        label=_("等级"), required=False, choices=[("", _("全部等级")), *ComplaintGrade.choices]
    )
    topic = forms.ChoiceField(
        label=_("主题"), required=False, choices=[("", _("全部主题")), *ComplaintTopic.choices]
    )
    channel = forms.ChoiceField(
        label=_("渠道"), required=False, choices=[("", _("全部渠道")), *ComplaintChannel.choices]
    )
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )
    mine = forms.BooleanField(label=_("我负责的"), required=False)
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


class DashboardForm(StyledForm):
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parks = parks_for(user)
        self.fields["park"].queryset = parks
        if parks.count() < 2:
            del self.fields["park"]

    def chosen_park(self):
        if "park" not in self.fields or not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("park")


# ---------------------------------------------------------------------------------------------
# 登记投诉 (staff, R-CMP-1, R-CMP-2)


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise):
        return f"{enterprise.name}（{enterprise.park}）"


class ComplaintRecordForm(StyledForm):
    enterprise = EnterpriseChoiceField(
        label=_("投诉企业"), queryset=None, empty_label=_("请选择企业")
    )
    channel = forms.ChoiceField(
        label=_("投诉渠道"),
        choices=[("", _("请选择")), *[(c.value, c.label) for c in STAFF_CHANNELS]],
    )
    hotline_ticket = forms.CharField(
        label=_("12345 工单号"),
        required=False,
        max_length=40,
        help_text=_("12345 热线转办的投诉必填。"),
    )
    received_at = forms.DateTimeField(
        label=_("接收时间"),
        widget=DateTimeInput(),
        help_text=_("企业实际提出投诉的时间；响应时限从此时起算，登记晚于接收会被标记。"),
    )
    topic = forms.ChoiceField(
        label=_("投诉主题"), choices=[("", _("请选择")), *ComplaintTopic.choices]
    )
    title = forms.CharField(label=_("投诉事由"), max_length=100)
    text = forms.CharField(label=_("投诉内容"), max_length=10000, widget=_textarea(5))
    complainant = forms.CharField(label=_("投诉人"), max_length=50)
    contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    enterprises_affected = forms.IntegerField(
        label=_("涉及企业数"), min_value=1, max_value=100000, initial=1
    )
    safety = forms.BooleanField(label=_("涉及人身或消防安全"), required=False)
    media_exposure = forms.BooleanField(label=_("媒体或网络曝光"), required=False)
    amount = forms.DecimalField(
        label=_("涉及金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    grade = forms.ChoiceField(
        label=_("投诉等级"),
        required=False,
        choices=[("", _("按分级矩阵建议")), *ComplaintGrade.choices],
        help_text=_("留空则按矩阵建议定级；低于建议等级须经园区领导审批。"),
    )
    grade_reason = forms.CharField(
        label=_("定级说明"),
        required=False,
        max_length=300,
        help_text=_("等级与矩阵建议不同时必填。"),
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["channel"].widget.attrs["data-hotline-toggle"] = "1"
        if not self.is_bound:
            self.initial.setdefault(
                "received_at", clock.localtime().replace(second=0, microsecond=0)
            )


# ---------------------------------------------------------------------------------------------
# The actions on a complaint's page


class TransferForm(StyledForm):
    to_person = PersonChoiceField(label=_("转给"), queryset=None, empty_label=_("请选择同事"))
    reason = forms.CharField(label=_("转办原因"), max_length=300, widget=_textarea(3))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_person"].queryset = candidates


class DeclineForm(StyledForm):
    reason = forms.CharField(label=_("拒绝原因"), max_length=300, widget=_textarea(3))


class RespondForm(StyledForm):
    text = forms.CharField(
        label=_("答复内容"),
        max_length=5000,
        widget=_textarea(),
        help_text=_("企业将在门户看到这条答复；首次答复即停止响应计时。"),
    )


class NoteForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("记录类型"),
        choices=[(NoteKind.PROGRESS.value, _("处理进展")), (NoteKind.CORRECTION.value, _("更正"))],
        widget=forms.RadioSelect,
        initial=NoteKind.PROGRESS.value,
    )
    text = forms.CharField(
        label=_("内容"),
        max_length=5000,
        widget=_textarea(),
        help_text=_("已记录的内容不能修改；更正以新记录追加在原记录之后。"),
    )


class WaitForm(StyledForm):
    reason = forms.CharField(
        label=_("等待原因"),
        max_length=300,
        widget=_textarea(3),
        help_text=_("暂停办结计时，企业补充材料后自动恢复。"),
    )


class RegradeForm(StyledForm):
    grade = forms.ChoiceField(label=_("调整为"), choices=ComplaintGrade.choices)
    reason = forms.CharField(label=_("调整理由"), max_length=300, widget=_textarea(3))


class ReportForm(StyledForm):
    control_measures = forms.CharField(
        label=_("即时控制措施"), max_length=5000, widget=_textarea(3)
    )
    report_text = forms.CharField(
        label=_("重大事件报告"),
        max_length=5000,
        widget=_textarea(),
        help_text=_("报送园区办公室并抄送分管领导，须在启动后 24 小时内完成。"),
    )


class PlanForm(StyledForm):
    plan_text = forms.CharField(
        label=_("解决方案"),
        max_length=10000,
        widget=_textarea(6),
        help_text=_("提交后由领导小组进行合规性审查，审查通过前不得实施。"),
    )


class CompleteForm(StyledForm):
    rectification = forms.CharField(label=_("整改情况"), max_length=5000, widget=_textarea())


class ResolveForm(StyledForm):
    resolution = forms.CharField(
        label=_("处理结果"),
        max_length=5000,
        widget=_textarea(),
        help_text=_("办结后由企业在门户确认并评价，或要求重新处理。"),
    )


class ReferralForm(StyledForm):
    responsible_person = PersonChoiceField(
        label=_("责任人"), queryset=None, empty_label=_("请选择责任人")
    )
    article = forms.ModelChoiceField(
        label=_("违反条款"), queryset=Article.objects.none(), empty_label=_("请选择条款")
    )
    facts = forms.CharField(label=_("违规事实"), max_length=5000, widget=_textarea())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"].queryset = candidates
        self.fields["article"].queryset = Article.objects.order_by("regulation_id", "number")
        self.fields["article"].label_from_instance = lambda a: f"{a.ref} {a.text[:24]}"


# ---------------------------------------------------------------------------------------------
# The grading matrix (R-CMP-2)


class GradingForm(StyledForm):
    """One pair of thresholds per criterion (``<code>-significant_at``, ``<code>-major_at``),
    empty for "never", and the reason for the change."""

    reason = forms.CharField(label=_("调整理由"), max_length=300)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            for level, label in (("significant_at", _("较大")), ("major_at", _("重大"))):
                name = f"{row.criterion}-{level}"
                self.fields[name] = forms.DecimalField(
                    label=f"{row.get_criterion_display()} · {label}",
                    required=False,
                    max_digits=14,
                    decimal_places=2,
                    widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
                )
                self.initial.setdefault(name, _plain(getattr(row, level)))
                style = self.fields[name].widget.attrs
                style["class"] = "form-control form-control-sm text-end"

    def cells(self):
        """The form's rows for the table: (row, 较大 field, 重大 field, unit)."""
        return [
            (
                row,
                self[f"{row.criterion}-significant_at"],
                self[f"{row.criterion}-major_at"],
                CRITERION_HINTS.get(row.criterion, ""),
            )
            for row in self.rows
        ]

    def thresholds(self) -> dict:
        data = self.cleaned_data
        return {
            row.criterion: (
                data.get(f"{row.criterion}-significant_at"),
                data.get(f"{row.criterion}-major_at"),
            )
            for row in self.rows
        }


def _plain(number) -> str | None:
    """12 rather than 12.00 or 1.2E+1 in the editor's cells."""
    if number is None:
        return None
    return f"{number.normalize():f}"


CRITERION_HINTS = {
    Criterion.ENTERPRISES: _("家"),
    Criterion.SAFETY: _("是 = 1"),
    Criterion.MEDIA: _("是 = 1"),
    Criterion.REPEAT: _("次"),
    Criterion.AMOUNT: _("元"),
}


# ---------------------------------------------------------------------------------------------
# The portal


class PortalComplaintForm(StyledForm):
    topic = forms.ChoiceField(
        label=_("投诉主题"), choices=[("", _("请选择")), *ComplaintTopic.choices]
    )
    title = forms.CharField(label=_("投诉事由"), max_length=100)
    text = forms.CharField(
        label=_("投诉内容"),
        max_length=10000,
        widget=_textarea(5),
        help_text=_("请写明时间、地点和经过；园区将在 3 个工作日内答复。"),
    )
    contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)


class SupplementForm(StyledForm):
    text = forms.CharField(label=_("补充内容"), max_length=5000, widget=_textarea(3))


class ConfirmForm(StyledForm):
    rating = forms.TypedChoiceField(
        label=_("满意度评分"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价"), max_length=300, required=False)


class ReopenForm(StyledForm):
    reason = forms.CharField(label=_("不满意原因"), max_length=2000, widget=_textarea(3))
