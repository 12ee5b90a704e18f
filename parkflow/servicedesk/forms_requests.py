"""Forms of the service-desk pages (R-SVC-1 … R-SVC-3). They parse input; who may take, hand on
or resolve a request, whether a comment is needed, whether an anomaly is filed late — the
services decide, and their refusals are put back on these forms (STYLE.md §8, §9)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.core.templatetags.parkflow import cn_month
from parkflow.enterprises.forms import parks_for
from parkflow.enterprises.models import Enterprise
from parkflow.org.models import OrgUnit

from . import selectors_requests as selectors
from .choices import CallBackStatus, Category, RequestStatus


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise):
        return enterprise.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return str(person)


def _park_field():
    return forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )


class ParkFilterMixin:
    """A park filter for those who see several parks (headquarters); park staff see one."""

    def _narrow_parks(self, user):
        parks = parks_for(user)
        self.fields["park"].queryset = parks
        if parks.count() < 2:
            del self.fields["park"]

    def filters(self) -> dict:
        values = super().filters()
        values.setdefault("park", None)
        return values


# ---------------------------------------------------------------------------------------------
# Service requests (R-SVC-1)


class RequestFilterForm(ParkFilterMixin, SearchFilterForm):
    search_placeholder = _("事由 / 企业 / 情况说明")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *RequestStatus.choices]
    )
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *Category.choices]
    )
    park = _park_field()
    enterprise = EnterpriseChoiceField(
        label=_("企业"),
        required=False,
        queryset=Enterprise.objects.none(),
        empty_label=_("全部企业"),
    )
    mine = forms.BooleanField(label=_("我负责的"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._narrow_parks(user)
        self.fields["enterprise"].queryset = selectors.enterprises_for_filter(user)


class RequestCreateForm(StyledForm):
    """登记服务请求: staff record a request for an enterprise (a phone call, a visit)."""

    enterprise = EnterpriseChoiceField(
        label=_("企业"), queryset=Enterprise.objects.none(), empty_label=_("请选择企业")
    )
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("请选择")), *Category.choices])
    title = forms.CharField(label=_("事由"), max_length=100)
    description = forms.CharField(
        label=_("情况说明"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = selectors.enterprises_for_requests(user)


class TransferOfferForm(StyledForm):
    to_person = PersonChoiceField(label=_("转办给"), queryset=None, empty_label=_("请选择同事"))
    reason = forms.CharField(
        label=_("转办原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_person"].queryset = colleagues


class TransferDeclineForm(StyledForm):
    reason = forms.CharField(
        label=_("拒绝原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveForm(StyledForm):
    resolution = forms.CharField(
        label=_("处理结果"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


# ---------------------------------------------------------------------------------------------
# Monthly call-backs (R-SVC-2)

SCORES = [(n, str(n)) for n in range(1, 6)]


class CallBackFilterForm(ParkFilterMixin, SearchFilterForm):
    search_placeholder = _("企业名称")
    period = forms.ChoiceField(label=_("月份"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *CallBackStatus.choices]
    )
    park = _park_field()
    mine = forms.BooleanField(label=_("我的回访"), required=False)
    follow_up = forms.BooleanField(label=_("仅需跟进"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, cn_month(p)) for p in selectors.periods()]
        self._narrow_parks(user)

    def filters(self) -> dict:
        values = super().filters()
        values["period"] = values.get("period") or selectors.current_period()
        return values


class CallBackRecordForm(StyledForm):
    score = forms.TypedChoiceField(
        label=_("满意度评分"),
        coerce=int,
        choices=SCORES,
        widget=forms.RadioSelect,
        help_text=_("1 分最低，5 分最高；2 分及以下须填写意见，并生成跟进任务。"),
    )
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


# ---------------------------------------------------------------------------------------------
# Anomaly reports (R-SVC-3)


class AnomalyFilterForm(ParkFilterMixin, SearchFilterForm):
    search_placeholder = _("异常情况 / 企业")
    park = _park_field()
    late = forms.BooleanField(label=_("仅迟报"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._narrow_parks(user)


class AnomalyReportForm(StyledForm):
    park = forms.ModelChoiceField(label=_("园区"), queryset=OrgUnit.objects.none())
    enterprise = EnterpriseChoiceField(
        label=_("相关企业"),
        required=False,
        queryset=Enterprise.objects.none(),
        empty_label=_("不涉及具体企业"),
    )
    discovered_at = forms.DateTimeField(
        label=_("发现时间"),
        widget=DateTimeInput(),
        help_text=_("发现异常或投诉苗头的时间；报告时间由系统记录。"),
    )
    description = forms.CharField(
        label=_("异常情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parks = list(selectors.parks_for_anomalies(user))
        self.fields["park"].queryset = selectors.parks_for_anomalies(user)
        if len(parks) == 1:
            self.fields["park"].initial = parks[0].pk
            self.fields["park"].widget = forms.HiddenInput()
        self.fields["enterprise"].queryset = selectors.enterprises_for_anomalies(user)


# ---------------------------------------------------------------------------------------------
# The portal (R-SVC-1, R-SVC-2)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos from the phone's camera or album: the list of uploaded files (their
    type and size are checked by the service, by content)."""

    widget = MultiplePhotoInput(
        attrs={
            "accept": "image/*",
            "capture": "environment",
            "multiple": True,
            "class": "visually-hidden",
            "data-photo-input": "#photo-names",
        }
    )

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(item, initial) for item in files]


class PortalRequestForm(StyledForm):
    category = forms.ChoiceField(
        label=_("类别"), choices=Category.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("事由"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("例如：会议室空调不制冷")}),
    )
    description = forms.CharField(
        label=_("情况说明"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("位置、现象、方便上门的时间等")}),
    )
    photos = PhotosField(
        label=_("现场照片（选填）"),
        required=False,
        help_text=_("最多 3 张，JPG 或 PNG，每张不超过 5 MB。"),
    )


class ConfirmForm(StyledForm):
    rating = forms.TypedChoiceField(
        label=_("评分"), coerce=int, choices=SCORES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("评价（选填）"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
