"""Intake forms: they parse input; the services decide validity and their errors are put back
on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.choices import ReviewDecision
from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.forms import DateInput, parks_for
from parkflow.org.models import OrgUnit

from .choices import DocumentType, DrawPurpose, LicenceState


class ConflictForm(StyledForm):
    reason = forms.CharField(
        label=_("利益关系说明"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申报后您将不能审查或审批该企业的事项（R-ENT-4）。"),
    )


class DocumentForm(StyledForm):
    """A new version of a qualification document (R-ENT-2); the file is checked by the service."""

    doc_type = forms.ChoiceField(
        label=_("材料类型"), choices=[("", _("请选择材料类型")), *DocumentType.choices]
    )
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、JPG 或 PNG，按文件内容识别格式；上传新版本不会覆盖旧版本。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    valid_from = forms.DateField(label=_("有效期起"), required=False, widget=DateInput())
    valid_until = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=DateInput(),
        help_text=_("营业执照、经营许可证必填；长期有效填 2099-12-31。"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, doc_types=None, **kwargs):
        """``doc_types`` narrows the offered types (the portal offers a brand authorisation only
        to an enterprise whose name was flagged); the service still decides."""
        super().__init__(*args, **kwargs)
        if doc_types is not None:
            self.fields["doc_type"].choices = [
                ("", _("请选择材料类型")),
                *((value, label) for value, label in DocumentType.choices if value in doc_types),
            ]


# ---------------------------------------------------------------------------------------------
# Customer intake (R-ENT-2 … R-ENT-6)

APPLICATION_STATUSES = (
    EnterpriseStatus.PROSPECT,
    EnterpriseStatus.APPLYING,
    EnterpriseStatus.UNDER_REVIEW,
    EnterpriseStatus.REJECTED,
)


class ApplicationFilterForm(SearchFilterForm):
    search_placeholder = _("企业名称 / 信用代码 / 联系人")
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部申请")), *((s.value, s.label) for s in APPLICATION_STATUSES)],
    )
    licence = forms.ChoiceField(
        label=_("营业执照"), required=False, choices=[("", _("全部")), *LicenceState.choices]
    )
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )
    flagged = forms.BooleanField(label=_("仅看品牌冒用嫌疑"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks_for(user)


class ResultFilterForm(SearchFilterForm):
    q = forms.CharField(label=_("企业名称"), required=False, max_length=100)
    search_placeholder = _("按企业名称搜索")
    purpose = forms.ChoiceField(
        label=_("事项"), required=False, choices=[("", _("全部事项")), *DrawPurpose.choices]
    )
    decision = forms.ChoiceField(
        label=_("结论"),
        required=False,
        choices=[
            ("", _("全部结论")),
            (ReviewDecision.APPROVE.value, ReviewDecision.APPROVE.label),
            (ReviewDecision.REJECT.value, ReviewDecision.REJECT.label),
            (ReviewDecision.RETURN.value, ReviewDecision.RETURN.label),
        ],
    )


class ProtectedBrandForm(StyledForm):
    name = forms.CharField(label=_("品牌名称"), max_length=60, required=False)
    aliases = forms.CharField(
        label=_("别名/英文名"),
        max_length=200,
        required=False,
        help_text=_("以逗号分隔，如 HUAWEI,华为技术"),
    )
    owner = forms.CharField(label=_("权利人"), max_length=120, required=False)
    reading = forms.CharField(
        label=_("读音"),
        max_length=240,
        required=False,
        help_text=_("每字一个拼音加声调数字，如 hua2 wei2（轻声为 5）；留空则按最常用读音填写。"),
    )
    distinct_words = forms.CharField(
        label=_("不视为冒用的词语"),
        max_length=200,
        required=False,
        help_text=_("含品牌但词义不同的词语，以逗号分隔，如 京东方"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, editing=None, **kwargs):
        if editing is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": editing.name,
                    "aliases": editing.aliases,
                    "owner": editing.owner,
                    "reading": editing.reading,
                    "distinct_words": editing.distinct_words,
                    "is_active": editing.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if editing is None:
            del self.fields["is_active"]  # a new brand is active; retiring one is an edit


class TariffPublishForm(StyledForm):
    park = forms.ModelChoiceField(
        label=_("园区"), queryset=OrgUnit.objects.none(), empty_label=_("请选择园区")
    )
    amount = forms.DecimalField(label=_("入驻费（元）"), max_digits=12, decimal_places=2)
    effective_from = forms.DateField(
        label=_("生效日期"), widget=DateInput(), help_text=_("不早于今天：收费标准先公布后执行。")
    )

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        if len(parks) == 1 and not self.is_bound:
            self.fields["park"].initial = parks[0].pk


class ConflictWithdrawForm(StyledForm):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如利益关系已解除；写入审计记录。撤回后您将重新参与该企业的抽取与审批。"),
    )
