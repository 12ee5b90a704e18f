"""Presentation helpers shared by every page: coloured status tags, money, object links and the
labels of audit actions. Only formatting lives here; no rule or permission is decided here."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import template
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit_actions, registry

register = template.Library()

SEVERITY_ICONS = {
    "info": "bi-info-circle",
    "warning": "bi-exclamation-triangle",
    "high": "bi-exclamation-octagon",
    "critical": "bi-fire",
}


@register.simple_tag
def tag(value, kind, label=None):
    """A coloured status tag: ``{% tag enterprise.status "enterprise" %}``. The kind names a
    choices class and its tones, declared next to it (``core.registry.status_colours``)."""
    choices = registry.tag_kind(kind)
    tone = choices.colours.get(value, "slate")
    if label is None:
        try:
            label = choices(value).label
        except ValueError:
            label = value or "—"
    icon = ""
    if kind == "severity":
        icon = format_html(
            '<i class="bi {}" aria-hidden="true"></i> ', SEVERITY_ICONS.get(value, "")
        )
    return format_html('<span class="tag tag-{}">{}{}</span>', tone, icon, label)


@register.simple_tag(takes_context=True)
def detail_panels(context, obj, slot="main"):
    """The sections apps declare for ``obj``'s detail page (``DETAIL_PANELS`` in their
    ``panels.py``), each rendered with the page's context plus its own."""
    request = context.get("request")
    html = []
    for panel in registry.detail_panels_for(type(obj), slot):
        extra = panel.context(request, obj) if panel.context else {}
        if extra is None:
            continue
        template_ = context.template.engine.get_template(panel.template)
        with context.push(**extra):
            html.append(template_.render(context))
    return mark_safe("".join(html))  # noqa: S308 - rendered templates, autoescaped


@register.simple_tag(takes_context=True)
def declared_page_actions(context):
    """The buttons other apps declare for this page (``PAGE_ACTIONS`` in their
    ``navigation.py``), each shown to users the policy lets take its action somewhere."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or user is None:
        return ""
    page = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    buttons = [
        format_html(
            '<a class="btn btn-{}" href="{}" data-page-action="{}">{}{}</a>',
            entry.style,
            reverse(entry.url_name),
            entry.url_name,
            format_html('<i class="bi {} me-1" aria-hidden="true"></i>', entry.icon)
            if entry.icon
            else "",
            entry.label,
        )
        for entry in registry.page_actions_for(page)
        if entry.action is None or access.may_somewhere(user, entry.action)
    ]
    return mark_safe("\n".join(buttons))  # noqa: S308 - each part built by format_html


def _amount(value, shown) -> str:
    """An amount to two decimals shown by ``shown(Decimal)``; "—" for none, and a value that is
    not a number as it is."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return value
    return shown(amount)


@register.filter
def money(value):
    """¥1,234.56 — money is Decimal in CNY (R-BIL-6)."""
    return _amount(value, lambda amount: f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}")


@register.filter
def wan_yuan(value):
    """Registered capital is kept in 万元."""
    return _amount(value, lambda amount: f"{amount:,.2f}")


@register.filter
def action_label(action):
    return audit_actions.label(action)


@register.simple_tag
def action_summary(event):
    """The one-line summary of an audit event: "王芳 为“华泰精密”办理了入驻"."""
    return audit_actions.summary(event.action, actor=event.actor_name, obj=event.object_repr)


@register.simple_tag
def object_url(content_type, object_id):
    """Link to the page of an alert's or event's object, or "" when it has no page: the model's
    ``get_absolute_url()``, called on an unsaved instance carrying only the pk (no query per
    row; a model's URL must therefore be built from its pk alone)."""
    if content_type is None or object_id in (None, ""):
        return ""
    model = content_type.model_class()
    if model is None or not hasattr(model, "get_absolute_url"):
        return ""
    try:
        return model(pk=model._meta.pk.to_python(object_id)).get_absolute_url()
    except (NoReverseMatch, ValueError, ValidationError):
        return ""


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _field_label(model, key):
    name = key.removesuffix("_id")
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        # A reverse relation (an agreement's "clauses") has no verbose name of its own.
        if getattr(field, "verbose_name", None):
            return field.verbose_name
    return audit_actions.KEYS.get(name, key)


def _choice_label(model, key, value):
    if model is not None:
        try:
            field = model._meta.get_field(key.removesuffix("_id"))
        except FieldDoesNotExist:
            field = None
        if getattr(field, "choices", None) and isinstance(value, str | int):
            return dict(field.flatchoices).get(value, value)
    if isinstance(value, str) and value in audit_actions.VALUES.get(key, {}):
        return audit_actions.VALUES[key][value]
    if key == "rule":
        from parkflow.core.rules import REGISTRY

        if value in REGISTRY:
            return REGISTRY[value].title
    return None


def shown(model, key, value):
    """A recorded value as the reader says it: choice labels, 是/否, Chinese dates."""
    if value in (None, ""):
        return "—"
    label = _choice_label(model, key, value)
    if label is not None:
        return label
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            return cn_datetime(datetime.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return cn_date(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return "，".join(f"{_field_label(None, k)}：{shown(None, k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(str(shown(None, key, v)) for v in value)
    return value


@register.simple_tag
def event_changes(event, subject=None):
    """(label, before, after) for each key an audit event records, labelled with the model's
    verbose names when the subject is known."""
    if subject is not None:
        model = type(subject)
    elif event.content_type_id is not None:
        model = event.content_type.model_class()
    else:
        model = None
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    if event.action in audit_actions.DETAILS:
        return audit_actions.DETAILS[event.action](after)
    keys = list(dict.fromkeys([*before, *after]))
    if event.action.endswith(".create"):
        keys = [k for k in keys if k in {"name", "credit_code", "status", "phone"}]
    rows = []
    for key in keys:
        rows.append(
            (
                _field_label(model, key),
                shown(model, key, before.get(key)) if key in before else None,
                shown(model, key, after.get(key)) if key in after else None,
            )
        )
    return rows


@register.filter
def cite(articles, requirement=""):
    """Legal citations as the regulation writes them — 第十条、第二十一条（三）— with the
    requirement code in a tooltip: ``{{ rule.articles|cite:rule.requirement }}``."""
    from parkflow.core.regulation import article_label

    refs = [articles] if isinstance(articles, str) else list(articles or [])
    return format_html_join(
        "、",
        '<span class="cite" title="{}">{}</span>',
        ((requirement or ref, article_label(ref)) for ref in refs),
    )


_REQUIREMENTS_IN_TEXT = re.compile(r"\s*[（(]((?:R-[A-Z]+-\d+[、,，\s]*)+)[）)]")


@register.filter
def req_tips(text):
    """A sentence that names the requirements it enforces — "……（R-ENT-1）。" — reads without
    the codes; each becomes a small mark whose tooltip names it (the park's language on the
    page, the code for whoever traces it)."""
    text = str(text)
    pieces, last = [], 0
    for match in _REQUIREMENTS_IN_TEXT.finditer(text):
        codes = re.findall(r"R-[A-Z]+-\d+", match.group(1))
        pieces.append(escape(text[last : match.start()]))
        pieces.append(
            format_html(
                '<span class="req-tip" title="{}" aria-label="{}"><i class="bi bi-journal-check"'
                ' aria-hidden="true"></i></span>',
                " ".join(codes),
                _("制度要求 %(codes)s") % {"codes": "、".join(codes)},
            )
        )
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(str(p) for p in pieces))  # noqa: S308 - every piece is escaped


@register.filter
def gate_label(code):
    from parkflow.core.gates import GATES

    gate = GATES.get(code)
    return gate.label if gate else code


@register.filter
def minutes(delta):
    """A timedelta as whole minutes (lockout cool-off)."""
    try:
        return max(1, round(delta.total_seconds() / 60))
    except AttributeError:
        return delta


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.inclusion_tag("core/partials/_pagination.html", takes_context=True)
def pagination(context, page_obj):
    return {"page_obj": page_obj, "request": context["request"]}


@register.inclusion_tag("core/partials/_empty.html")
def empty_state(title, hint="", icon="bi-inbox"):
    return {"title": title, "hint": hint, "icon": icon}


# ---------------------------------------------------------------------------------------------
# Dates and times as a Chinese reader writes them (no ISO, no "3 月，4 周前").


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def cn_date(value):
    """2026年11月28日"""
    if not value:
        return "—"
    value = _local(value)
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_month(period):
    """A month kept as "2026-11" → 2026年11月 (November 2026 in English)."""
    import datetime

    from django.utils import formats

    try:
        year, month = (int(part) for part in str(period).split("-"))
        return formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
    except (TypeError, ValueError):
        return period or "—"


@register.filter
def cn_datetime(value):
    """2026年11月28日 14:05"""
    if not value:
        return "—"
    value = _local(value)
    if not isinstance(value, datetime.datetime):
        return cn_date(value)
    return f"{cn_date(value)} {value:%H:%M}"


@register.filter
def ago(value):
    """刚刚 · 5 分钟前 · 3 小时前 · 昨天 14:05 · 2026年11月20日 — one relative-time wording."""
    if not value:
        return "—"
    from parkflow.core import clock

    now = timezone.localtime(clock.now())
    value = _local(value)
    if not isinstance(value, datetime.datetime):
        return cn_date(value)
    seconds = (now - value).total_seconds()
    if seconds < 0:
        return cn_datetime(value)
    if seconds < 60:
        return _("刚刚")
    if seconds < 3600:
        return _("%(n)s 分钟前") % {"n": int(seconds // 60)}
    if value.date() == now.date():
        return _("%(n)s 小时前") % {"n": int(seconds // 3600)}
    if value.date() == now.date() - datetime.timedelta(days=1):
        return _("昨天 %(time)s") % {"time": f"{value:%H:%M}"}
    return cn_date(value)
