"""规则配置 (R-MON-1): every registered rule with the articles it cites, its parameters and its
open alerts; a system administrator changes parameters here (audited, re-swept at once)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from parkflow.org import access

from . import rules
from .choices import AlertStatus
from .errors import DomainError
from .forms import StyledForm, add_domain_error, style_widget
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
        self.param_names = list(rule.defaults)
        for name, default in rule.defaults.items():
            label = rule.param_labels.get(name, name)
            if isinstance(default, bool):
                field = forms.BooleanField(label=label, required=False)
            elif isinstance(default, int):
                field = forms.IntegerField(label=label, min_value=0)
            elif isinstance(default, float):
                field = forms.FloatField(label=label, min_value=0)
            else:
                field = forms.CharField(label=label)
            field.help_text = _("默认值：%(default)s") % {"default": default}
            style_widget(field)
            self.fields[name] = field
        self.order_fields([*self.param_names, "enabled", "reason"])

    def params(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.param_names}


def _rows():
    open_counts = dict(
        Alert.objects.filter(status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED])
        .values_list("rule_code")
        .annotate(n=Count("id"))
    )
    for code in sorted(rules.REGISTRY):
        rule = rules.REGISTRY[code]
        setting = rules.setting_for(code)
        yield {
            "rule": rule,
            "params": [
                (rule.param_labels.get(k, k), v)
                for k, v in {**rule.defaults, **setting.params}.items()
            ],
            "enabled": setting.enabled,
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
    current = {**rule.defaults, **setting.params}
    form = RuleSettingForm(
        request.POST or None, rule=rule, current=current, enabled=setting.enabled
    )
    if request.method == "POST" and form.is_valid():
        try:
            rules.rule_setting_update(
                actor=request.user,
                code=code,
                params=form.params(),
                enabled=form.cleaned_data["enabled"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("规则“%(title)s”的参数已更新，并已重新检查。") % {"title": rule.title}
            )
            return redirect("core:rules")
    return render(request, "core/rule_form.html", {"rule": rule, "form": form, "setting": setting})
