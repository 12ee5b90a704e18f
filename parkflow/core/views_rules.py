"""规则配置 (R-MON-1): every registered rule with the articles it cites, its parameters and its
open alerts; a system administrator changes parameters here (audited, re-swept at once)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from parkflow.core import access

from . import rules
from .choices import AlertStatus
from .forms import StyledForm, style_widget
from .generic_views import form_page
from .models import Alert
from .views import staff_page


class RuleSettingForm(StyledForm):
    """One field per parameter, typed like its default; plus on/off and the reason."""

    enabled = forms.BooleanField(label=gettext_lazy("启用"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("修改原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("记入审计追踪，例如“按领导小组决议缩短确认周期”。"),
    )

    def __init__(self, *args, rule, current: dict, enabled: bool, **kwargs):
        super().__init__(*args, initial={"enabled": enabled, **current}, **kwargs)
        self.param_names = list(rule.param_specs)
        for name, spec in rule.param_specs.items():
            label = rule.param_labels.get(name, name)
            # The form only shapes the input; the declared bounds are checked by the service
            # (rules.rule_setting_update), whose error is shown inline on the field.
            if spec.type is bool:
                field = forms.BooleanField(label=label, required=False)
            elif spec.type is str:
                field = forms.CharField(label=label, max_length=spec.max or 200)
            else:
                field = forms.CharField(label=label, max_length=40)
                field.widget = forms.NumberInput(
                    attrs={k: v for k, v in (("min", spec.min), ("max", spec.max)) if v is not None}
                )
            field.help_text = _("取值范围：%(range)s；默认值：%(default)s") % {
                "range": spec.range_text(),
                "default": spec.default,
            }
            style_widget(field)
            self.fields[name] = field
        self.order_fields([*self.param_names, "enabled", "reason"])

    def params(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.param_names}


def _rows():
    open_counts = dict(
        Alert.objects.filter(status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED])
        .values_list("rule_code")
        .annotate(n=Count("*"))
    )
    for code in sorted(rules.REGISTRY):
        rule = rules.REGISTRY[code]
        setting = rules.setting_for(code)
        params = rules.effective_params(rule, setting.params)[0]
        yield {
            "rule": rule,
            "params": [(rule.param_labels.get(k, k), v) for k, v in params.items()],
            # The escalation ladder in words, with the thresholds in force (R-CMP-7).
            "ladder": rule.ladder(params),
            "enabled": setting.enabled,
            "last_error": setting.last_error,
            "updated_at": setting.updated_at,
            "open_alerts": open_counts.get(code, 0),
        }


@staff_page("rules.view")
def rule_list(request):
    return render(
        request,
        "core/rule_list.html",
        {"rows": list(_rows()), "may_configure": access.may(request.user, "rules.configure")},
    )


@staff_page("rules.configure")
@require_http_methods(["GET", "POST"])
def rule_edit(request, code):
    if not access.may(request.user, "rules.configure"):
        raise PermissionDenied  # rule settings are group-wide: headquarters business (D21)
    rule = rules.REGISTRY.get(code)
    if rule is None:
        raise Http404
    setting = rules.setting_for(code)
    current = rules.effective_params(rule, setting.params)[0]
    form = RuleSettingForm(
        request.POST or None, rule=rule, current=current, enabled=setting.enabled
    )
    return form_page(
        request,
        form=form,
        call=lambda data: rules.rule_setting_update(
            actor=request.user,
            code=code,
            params=form.params(),
            enabled=data["enabled"],
            reason=data["reason"],
        ),
        template="core/rule_form.html",
        success_url=reverse("core:rules"),
        success_message=_("规则“%(title)s”的参数已更新，并已重新检查。") % {"title": rule.title},
        context={"rule": rule, "setting": setting},
    )
