"""Enterprise forms: they parse input; validity (credit code check digit, uniqueness, phone
format) is decided by the services, whose errors are put back on these fields."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkflow.core import access
from parkflow.core.forms import SearchFilterForm, StyledForm
from parkflow.org.choices import Role, UnitKind
from parkflow.org.models import OrgUnit, User

from .choices import EnterpriseGrade, EnterpriseStatus, Industry
from .models import BUSINESS_SCOPE_MAX_LENGTH


def parks_for(user):
    return access.scope(user, OrgUnit.objects.filter(kind=UnitKind.PARK)).order_by(
        "sort_order", "id"
    )


def account_managers_for(user, park=None):
    """Business staff (客户经理) of the park, or of every park the user sees."""
    qs = User.objects.filter(is_active=True, role_assignments__role=Role.BUSINESS_STAFF)
    if park is not None:
        qs = qs.filter(
            Q(role_assignments__unit__park=park) | Q(role_assignments__unit__park__isnull=True)
        )
    else:
        parks = access.visible_park_ids(user)
        if parks is not None:
            qs = qs.filter(
                Q(role_assignments__unit__park__in=parks)
                | Q(role_assignments__unit__park__isnull=True)
            )
    return qs.distinct().order_by("display_name", "username")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class EnterpriseFilterForm(SearchFilterForm):
    search_placeholder = _("企业名称 / 信用代码 / 联系人 / 法定代表人")
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *EnterpriseStatus.choices]
    )
    grade = forms.ChoiceField(
        label=_("客户等级"), required=False, choices=[("", _("全部等级")), *EnterpriseGrade.choices]
    )
    industry = forms.ChoiceField(
        label=_("行业"), required=False, choices=[("", _("全部行业")), *Industry.choices]
    )
    park = forms.ModelChoiceField(
        label=_("园区"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("全部园区")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks_for(user)


class EnterpriseFactsForm(StyledForm):
    """What both staff (the register) and an applicant (the portal) say about an enterprise;
    the services validate it (R-ENT-1)."""

    name = forms.CharField(label=_("企业名称"), max_length=120)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，按 GB 32100 校验位校验。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=60)
    registered_capital = forms.DecimalField(
        label=_("注册资本（万元）"), max_digits=14, decimal_places=2, min_value=0
    )
    industry = forms.ChoiceField(label=_("行业"), choices=Industry.choices)
    contact_name = forms.CharField(label=_("联系人"), max_length=60)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
    address = forms.CharField(
        label=_("入驻地址"),
        max_length=200,
        required=False,
        help_text=_("企业在园区内的办公或生产单元。"),
    )
    # 营业执照信息 (issue 13): optional everywhere; the licence is the evidence, these are what
    # the register shows and searches without opening it.
    company_type = forms.CharField(
        label=_("类型"),
        max_length=60,
        required=False,
        help_text=_("按执照填写，如“有限责任公司（自然人投资或控股）”。"),
    )
    established_on = forms.DateField(label=_("成立日期"), required=False, widget=DateInput())
    registered_address = forms.CharField(
        label=_("住所（执照登记）"),
        max_length=200,
        required=False,
        help_text=_("营业执照上登记的住所，可与入驻地址不同。"),
    )
    business_scope = forms.CharField(
        label=_("经营范围"),
        max_length=BUSINESS_SCOPE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("按执照原文填写，最多 2000 字。"),
    )


class EnterpriseForm(EnterpriseFactsForm):
    grade = forms.ChoiceField(
        label=_("客户等级"), choices=EnterpriseGrade.choices, initial=EnterpriseGrade.B
    )
    account_manager = forms.ModelChoiceField(
        label=_("客户经理"), required=False, queryset=User.objects.none(), empty_label=_("暂不指定")
    )

    def __init__(self, *args, user, park=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = account_managers_for(user, park)


class EnterpriseCreateForm(EnterpriseForm):
    park = forms.ModelChoiceField(
        label=_("园区"), queryset=OrgUnit.objects.none(), empty_label=_("请选择园区")
    )

    field_order = ["park"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        parks = parks_for(user)
        self.fields["park"].queryset = parks
        if len(parks) == 1 and not self.is_bound:
            self.fields["park"].initial = parks[0].pk


class EnterpriseEditForm(EnterpriseForm):
    reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        max_length=200,
        help_text=_("写入审计记录（全流程留痕）。"),
    )

    @classmethod
    def initial_for(cls, enterprise) -> dict:
        return {name: getattr(enterprise, name) for name in enterprise.EDITABLE_FIELDS}


def username_field(help_text="") -> forms.CharField:
    """The login of a new portal account (the portal application, an accepted invitation)."""
    return forms.CharField(
        label=_("登录账号"),
        max_length=150,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


def new_password_fields() -> tuple[forms.CharField, forms.CharField]:
    """The password of a new portal account and its confirmation; the service checks both."""
    password = forms.CharField(
        label=_("登录密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位，不能是纯数字或常用密码。"),
    )
    confirm = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    return password, confirm


class PortalApplicationForm(EnterpriseFactsForm):
    """The public application form (R-PLT-3). Only the fields an applicant may set: no grade, no
    account manager; the service validates everything and creates account and application
    together or not at all."""

    park = forms.ModelChoiceField(
        label=_("申请入驻园区"),
        queryset=OrgUnit.objects.none(),
        empty_label=_("请选择园区"),
    )
    username = username_field()
    password, password_confirm = new_password_fields()
    email = forms.EmailField(
        label=_("账号邮箱"), required=False, help_text=_("用于接收审核通知，可不填。")
    )

    field_order = ["park"]
    ENTERPRISE_FIELDS = tuple(EnterpriseFactsForm.base_fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = OrgUnit.objects.filter(kind=UnitKind.PARK).order_by(
            "sort_order", "id"
        )
        # Told as an applicant needs it: where the code is, a phone keyboard, a postal address.
        self.fields["credit_code"].help_text = _("18位，见营业执照。")
        self.fields["industry"].choices = [("", _("请选择行业")), *Industry.choices]
        self.fields["contact_phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel"}
        )
        self.fields["address"].label = _("通讯地址")
        self.fields["address"].help_text = ""
        self.fields["registered_address"].help_text = _("营业执照上登记的住所。")
        self.fields["business_scope"].widget.attrs["rows"] = 3


class ImportUploadForm(StyledForm):
    """The park's Excel register (R-PLT-5); the service checks the file and every row."""

    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("使用导入模板填写的 .xlsx 文件；企业名录导出的文件也可以直接导入。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
