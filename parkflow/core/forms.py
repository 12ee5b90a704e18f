"""Forms of the kernel pages. They parse input; the services decide (STYLE.md §8)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from parkflow.core.errors import DomainError, ValidationFailed

from .choices import AlertStatus, ReviewDecision, Severity
from .rules import REGISTRY
from .validation import REASON_MAX_LENGTH


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the form: on the named field when the form has it, otherwise
    as a non-field error that names the requirement (STYLE.md §9)."""
    if isinstance(exc, ValidationFailed):
        for name, messages in exc.errors.items():
            field = name if name in form.fields else None
            for message in messages:
                text = (
                    message if field or not exc.requirement else f"{message}（{exc.requirement}）"
                )
                form.add_error(field, text)
        return
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


def domain_error_text(exc: DomainError) -> str:
    """One line for a refusal shown outside a form (a table row, a message): the field messages
    of bad input, otherwise the error itself — with the requirement it enforces."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        text = "；".join(m for messages in exc.errors.values() for m in messages)
        return f"{text}（{exc.requirement}）" if exc.requirement else text
    return str(exc)


def style_widget(field: forms.Field) -> None:
    """The Bootstrap class a widget needs, so templates render fields with one include."""
    widget = field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_widget(field)


class SearchFilterForm(StyledForm):
    """A list's filter form (``core/partials/_filter_bar.html``): ``q``, the search box with
    ``search_placeholder``, then the subclass's fields. ``filters()`` gives the list's selector
    its keyword arguments: ``search`` and every other field by its name — all empty while the
    form is unbound or invalid."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    search_placeholder = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": self.search_placeholder, "class": "form-control search"}
        )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        values = {"search": (data.get("q") or "").strip()}
        for name, field in self.fields.items():
            if name != "q":
                values[name] = data.get(name, field.to_python(None))
        return values


class TransitionForm(StyledForm):
    """The optional reason given with a workflow step (core.workflow)."""

    reason = forms.CharField(
        label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AlertFilterForm(StyledForm):
    STATUS_CHOICES = [
        ("active", _("处理中（待处理 + 已确认）")),
        *AlertStatus.choices,
        ("all", _("全部")),
    ]

    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    severity = forms.ChoiceField(
        label=_("级别"), choices=[("", _("全部级别")), *Severity.choices], required=False
    )
    rule = forms.ChoiceField(label=_("规则"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("全部规则"))] + sorted(
            ((code, f"{r.title}（{code}）") for code, r in REGISTRY.items()), key=lambda c: c[0]
        )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "active"
        return {
            "status": "" if status == "all" else status,
            "severity": data.get("severity", ""),
            "rule_code": data.get("rule", ""),
        }


class AlertAssignForm(StyledForm):
    assignee = forms.ModelChoiceField(
        label=_("处理人"), queryset=None, empty_label=_("请选择处理人")
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = candidates


class AlertResolveForm(StyledForm):
    note = forms.CharField(
        label=_("处理说明"), max_length=200, required=False, widget=forms.TextInput
    )


class ReviewDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("审查结论"),
        choices=[
            (ReviewDecision.APPROVE.value, ReviewDecision.APPROVE.label),
            (ReviewDecision.REJECT.value, ReviewDecision.REJECT.label),
            (ReviewDecision.RETURN.value, ReviewDecision.RETURN.label),
        ],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("审查意见"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("不通过或退回修改时必须填写书面意见。"),
    )


class AuditFilterForm(StyledForm):
    action = forms.CharField(label=_("动作"), required=False, max_length=80)
    q = forms.CharField(label=_("对象"), required=False, max_length=100)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=100)


class LoginForm(AuthenticationForm):
    """Django's form, with refusals that say what to do next (in place of its stock "请输入一个
    正确的 用户名 和密码. 注意他们都是区分大小写的。")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        limit = getattr(settings, "AXES_FAILURE_LIMIT", 5)
        cooloff = getattr(settings, "AXES_COOLOFF_TIME", 0.5)
        minutes = round(float(cooloff) * 60) if isinstance(cooloff, int | float) else 30
        self.error_messages = {
            **self.error_messages,
            "invalid_login": _(
                "用户名或密码不正确（区分大小写）。连续输错 %(limit)s 次将锁定 %(minutes)s 分钟；"
                "忘记密码请联系系统管理员重置。"
            )
            % {"limit": limit, "minutes": minutes},
            "inactive": _("该账号已停用，请联系系统管理员。"),
        }
