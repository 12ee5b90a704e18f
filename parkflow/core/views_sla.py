"""时限设置 (issue 8 §2): the business hours working units count, and every declared SLA clock
with its unit and the target of each grade; a system administrator at headquarters changes them
here (``sla.setting_update``: validated, audited; new business hours re-time running clocks)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import access, sla
from .choices import SlaUnit
from .forms import StyledForm, style_widget
from .generic_views import form_page
from .models import SlaSetting
from .views import staff_page


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("修改原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("记入审计追踪，例如“按领导小组决议调整作息时间”。"),
    )


class BusinessHoursForm(ReasonMixin, StyledForm):
    opens = forms.CharField(
        label=gettext_lazy("上班时间"),
        max_length=5,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    closes = forms.CharField(
        label=gettext_lazy("下班时间"),
        max_length=5,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=gettext_lazy("按工作日、工作小时计算的时限只计这段时间；午休不单独扣除。"),
    )

    field_order = ["opens", "closes", "reason"]


class ClockSettingForm(ReasonMixin, StyledForm):
    """The unit and one field per grade; the declared bounds are checked by the service."""

    unit = forms.ChoiceField(label=gettext_lazy("计时单位"), choices=SlaUnit.choices)

    def __init__(self, *args, clock: sla.Clock, current: dict, **kwargs):
        super().__init__(*args, initial=current, **kwargs)
        self.grades = list(clock.targets)
        for grade, spec in clock.targets.items():
            field = forms.CharField(label=spec.label or grade, max_length=40)
            field.widget = forms.NumberInput(
                attrs={"min": spec.min, "max": spec.max, "step": "1" if spec.type is int else "0.5"}
            )
            field.help_text = _("取值范围：%(range)s；默认值：%(default)s") % {
                "range": spec.range_text(),
                "default": spec.default,
            }
            style_widget(field)
            self.fields[grade] = field
        self.order_fields(["unit", *self.grades, "reason"])

    def params(self) -> dict:
        return {"unit": self.cleaned_data["unit"]} | {
            grade: self.cleaned_data[grade] for grade in self.grades
        }


def _clock_rows():
    stored = dict(SlaSetting.objects.values_list("code", "params"))
    updated = dict(SlaSetting.objects.values_list("code", "updated_at"))
    for code in sorted(sla.REGISTRY):
        clock = sla.REGISTRY[code]
        values = sla.clock_settings(clock, stored.get(code, {}))
        yield {
            "clock": clock,
            "model": clock.model_class._meta.verbose_name,
            "unit": SlaUnit(values["unit"]).label,
            "targets": [(clock.grade_label(g), values[g]) for g in clock.targets],
            "updated_at": updated.get(code),
        }


@staff_page("sla.view")
def sla_settings(request):
    return render(
        request,
        "core/sla_settings.html",
        {
            "hours": sla.business_hours(),
            "hours_updated": SlaSetting.objects.filter(code=sla.BUSINESS_HOURS)
            .values_list("updated_at", flat=True)
            .first(),
            "rows": list(_clock_rows()),
            "may_configure": access.may(request.user, "sla.configure"),
        },
    )


def _configurer(request):
    if not access.may(request.user, "sla.configure"):
        raise PermissionDenied  # group-wide settings: headquarters business (D21)


@staff_page("sla.configure")
@require_http_methods(["GET", "POST"])
def sla_hours_edit(request):
    _configurer(request)
    form = BusinessHoursForm(request.POST or None, initial=sla.business_hours().as_params())
    return form_page(
        request,
        form=form,
        call=lambda data: sla.setting_update(
            actor=request.user,
            code=sla.BUSINESS_HOURS,
            params={"opens": data["opens"], "closes": data["closes"]},
            reason=data["reason"],
        ),
        template="core/sla_form.html",
        success_url=reverse("core:sla_settings"),
        success_message=_("工作时间已更新，进行中的时限已按新的工作时间重新计算。"),
        context={"title": _("工作时间")},
    )


@staff_page("sla.configure")
@require_http_methods(["GET", "POST"])
def sla_clock_edit(request, code):
    _configurer(request)
    clock = sla.REGISTRY.get(code)
    if clock is None:
        raise Http404
    form = ClockSettingForm(request.POST or None, clock=clock, current=sla.clock_settings(clock))
    return form_page(
        request,
        form=form,
        call=lambda data: sla.setting_update(
            actor=request.user, code=code, params=form.params(), reason=data["reason"]
        ),
        template="core/sla_form.html",
        success_url=reverse("core:sla_settings"),
        success_message=_("“%(label)s”的时限已更新，新开始计时的事项按新时限计算。")
        % {"label": clock.label},
        context={"title": clock.label, "clock": clock},
    )
