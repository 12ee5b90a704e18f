"""Forms of the resource pages. They parse input; what is allowed (the slot free, the enterprise
in good standing, a justification above entitlement) is decided by the services, whose refusals
are put back on these forms (STYLE.md §8, §9)."""

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from parkflow.core import clock
from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.enterprises.choices import EnterpriseGrade
from parkflow.enterprises.forms import DateInput, parks_for
from parkflow.org.models import OrgUnit

from . import selectors
from .choices import DeviationKind, DeviationStatus, RequestStatus, ResourceKind, ResourceStatus


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


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


def _park_field():
    return forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )


# ---------------------------------------------------------------------------------------------
# Lists


class ResourceFilterForm(ParkFilterMixin, SearchFilterForm):
    search_placeholder = _("编号 / 名称")
    kind = forms.ChoiceField(
        label=_("资源类别"), required=False, choices=[("", _("全部类别")), *ResourceKind.choices]
    )
    building = forms.ChoiceField(label=_("楼栋"), required=False, choices=[("", _("全部楼栋"))])
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ResourceStatus.choices]
    )
    park = _park_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [
            ("", _("全部楼栋")),
            *[(b, b) for b in selectors.buildings(actor=user)],
        ]
        self._narrow_parks(user)


class RequestFilterForm(ParkFilterMixin, SearchFilterForm):
    search_placeholder = _("企业 / 资源 / 用途")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *RequestStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("资源类别"), required=False, choices=[("", _("全部类别")), *ResourceKind.choices]
    )
    park = _park_field()
    above_entitlement = forms.BooleanField(label=_("仅超出权益"), required=False)
    major = forms.BooleanField(label=_("仅重大资源需求"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._narrow_parks(user)


class DeviationFilterForm(ParkFilterMixin, SearchFilterForm):
    search_placeholder = _("企业 / 资源 / 情况说明")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *DeviationStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("偏差类型"), required=False, choices=[("", _("全部类型")), *DeviationKind.choices]
    )
    park = _park_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._narrow_parks(user)


# ---------------------------------------------------------------------------------------------
# Occupancy calendar

DAY, WEEK, MONTH = "day", "week", "month"
VIEWS = ((DAY, _("日")), (WEEK, _("周")), (MONTH, _("月")))


class CalendarForm(StyledForm):
    view = forms.ChoiceField(label=_("视图"), choices=VIEWS, required=False)
    date = forms.DateField(label=_("日期"), required=False, widget=DateInput())
    building = forms.ChoiceField(label=_("楼栋"), required=False)
    kind = forms.ChoiceField(
        label=_("资源类别"), required=False, choices=[("", _("全部类别")), *ResourceKind.choices]
    )
    park = _park_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.building_names = selectors.buildings(actor=user)
        self.fields["building"].choices = [
            ("", _("未分楼栋的资源")),
            *[(b, b) for b in self.building_names],
        ]
        parks = parks_for(user)
        self.fields["park"].queryset = parks
        self.fields["park"].empty_label = None
        if parks.count() < 2:
            del self.fields["park"]

    def values(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        building = data.get("building") or ""
        if "building" not in self.data:
            building = self.building_names[0] if self.building_names else ""
        park = data.get("park")
        if park is None and "park" in self.fields:
            park = self.fields["park"].queryset.first()
        return {
            "view": data.get("view") or WEEK,
            "date": data.get("date") or clock.today(),
            "building": building,
            "kind": data.get("kind") or "",
            "park": park,
        }


class ResourceCalendarForm(StyledForm):
    view = forms.ChoiceField(label=_("视图"), choices=VIEWS, required=False)
    date = forms.DateField(label=_("日期"), required=False, widget=DateInput())

    def values(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"view": data.get("view") or WEEK, "date": data.get("date") or clock.today()}


# ---------------------------------------------------------------------------------------------
# Requests, release, deviations


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise):
        return f"{enterprise.name}（{enterprise.get_grade_display()}）"


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, resource):
        return f"{resource.get_kind_display()} · {resource.name}（{resource.code}）"


class RequestCreateForm(StyledForm):
    enterprise = EnterpriseChoiceField(label=_("企业"), queryset=None, empty_label=_("请选择企业"))
    resource = ResourceChoiceField(label=_("资源"), queryset=None, empty_label=_("请选择资源"))
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput())
    purpose = forms.CharField(label=_("用途"), max_length=200)
    justification = forms.CharField(
        label=_("超出权益的书面理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("超出企业客户等级权益时必填，并标记为超权益分配（R-RES-5）。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = selectors.enterprises_for_requests(user)
        self.fields["resource"].queryset = selectors.resources_for_requests(user).filter(
            status=ResourceStatus.AVAILABLE
        )

    @staticmethod
    def initial_for(resource=None) -> dict:
        start = clock.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
        return {
            "resource": getattr(resource, "pk", None),
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2),
        }


class ReleaseForm(StyledForm):
    reason = forms.CharField(label=_("释放原因"), max_length=200)


class DeviationReportForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("偏差类型"), choices=[("", _("请选择")), *DeviationKind.choices]
    )
    description = forms.CharField(
        label=_("情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DeviationResolveForm(StyledForm):
    resolution = forms.CharField(
        label=_("处理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


# ---------------------------------------------------------------------------------------------
# Entitlements (R-RES-2)


class EntitlementForm(StyledForm):
    park = forms.ModelChoiceField(label=_("园区"), queryset=OrgUnit.objects.none())
    grade = forms.ChoiceField(
        label=_("客户等级"), choices=[("", _("请选择")), *EnterpriseGrade.choices]
    )
    kind = forms.ChoiceField(
        label=_("资源类别"), choices=[("", _("请选择")), *ResourceKind.choices]
    )
    monthly_hours = forms.DecimalField(
        label=_("每月时长（小时）"), required=False, min_value=0, max_digits=6, decimal_places=1
    )
    max_count = forms.IntegerField(label=_("数量上限"), required=False, min_value=0)
    max_area = forms.DecimalField(
        label=_("面积上限（平方米）"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    priority = forms.IntegerField(
        label=_("预订优先级"),
        min_value=1,
        max_value=9,
        initial=3,
        help_text=_("1 为最优先。"),
    )

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        if not self.is_bound and len(parks) == 1:
            self.initial.setdefault("park", parks[0].pk)

    @staticmethod
    def initial_for(entitlement) -> dict:
        return {
            "park": entitlement.park_id,
            "grade": entitlement.grade,
            "kind": entitlement.kind,
            "monthly_hours": entitlement.monthly_hours,
            "max_count": entitlement.max_count,
            "max_area": entitlement.max_area,
            "priority": entitlement.priority,
        }


# ---------------------------------------------------------------------------------------------
# The analysis (R-RES-5)

MONTHS_BACK = 12
QUARTERS_BACK = 8
QUARTER_NAMES = {1: _("第一季度"), 2: _("第二季度"), 3: _("第三季度"), 4: _("第四季度")}


def month_key(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def quarter_key(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period_choices(today: datetime.date):
    months, quarters = [], []
    year, month = today.year, today.month
    for _i in range(MONTHS_BACK):
        months.append(
            (f"{year}-{month:02d}", date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT"))
        )
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _i in range(QUARTERS_BACK):
        quarters.append(
            (
                f"{year}-Q{quarter}",
                _("%(year)s年%(quarter)s") % {"year": year, "quarter": QUARTER_NAMES[quarter]},
            )
        )
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return [(_("按月"), months), (_("按季度"), quarters)]


def period_bounds(key: str) -> tuple[datetime.date, datetime.date]:
    """``2025-06`` → (2025-06-01, 2025-07-01); ``2025-Q2`` → (2025-04-01, 2025-07-01)."""
    year, rest = key.split("-")
    year = int(year)
    if rest.startswith("Q"):
        first_month = (int(rest[1:]) - 1) * 3 + 1
        months = 3
    else:
        first_month, months = int(rest), 1
    start = datetime.date(year, first_month, 1)
    end_month = first_month + months
    end = datetime.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, end


class AnalysisForm(StyledForm):
    period = forms.ChoiceField(label=_("统计期间"), required=False)
    park = _park_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(clock.today())
        parks = parks_for(user)
        self.fields["park"].queryset = parks
        if parks.count() < 2:
            del self.fields["park"]

    def values(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        key = data.get("period") or month_key(clock.today())
        start, end = period_bounds(key)
        label = dict(c for _g, group in self.fields["period"].choices for c in group)[key]
        return {"period": key, "label": label, "start": start, "end": end, "park": data.get("park")}
