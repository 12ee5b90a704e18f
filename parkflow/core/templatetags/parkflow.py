"""Presentation helpers shared by every page: coloured status tags, money, object links and the
labels of audit actions. Only formatting lives here; no rule or permission is decided here."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit_actions
from parkflow.core.choices import AlertStatus, ReviewDecision, Severity
from parkflow.enterprises.choices import (
    DrawPurpose,
    EnterpriseGrade,
    EnterpriseStatus,
    FlagStatus,
    ImportStatus,
)
from parkflow.enterprises.forms import LicenceState

register = template.Library()

# kind -> (choices class, {value: tone}); tones map to .tag-<tone> in app.css.
TAGS = {
    "enterprise": (
        EnterpriseStatus,
        {
            "prospect": "slate",
            "applying": "info",
            "under_review": "warning",
            "approved": "primary",
            "rejected": "danger",
            "resident": "success",
            "exiting": "orange",
            "exited": "muted",
        },
    ),
    "severity": (
        Severity,
        {"info": "info", "warning": "warning", "high": "danger", "critical": "critical"},
    ),
    "alert": (AlertStatus, {"open": "danger", "acknowledged": "warning", "resolved": "success"}),
    "review": (
        ReviewDecision,
        {
            "pending": "warning",
            "approve": "success",
            "reject": "danger",
            "return": "orange",
            "withdrawn": "muted",
        },
    ),
    "grade": (EnterpriseGrade, {"key": "purple", "a": "primary", "b": "info", "c": "slate"}),
    "purpose": (DrawPurpose, {"admission": "primary", "spot_check": "purple"}),
    "flag": (FlagStatus, {"open": "danger", "cleared": "success"}),
    "import": (
        ImportStatus,
        {
            "checking": "info",
            "valid": "primary",
            "invalid": "danger",
            "importing": "warning",
            "imported": "success",
            "failed": "danger",
        },
    ),
    "licence": (
        LicenceState,
        {
            "valid": "success",
            "expiring": "warning",
            "expired": "danger",
            "not_yet": "orange",
            "missing": "danger",
        },
    ),
}

SEVERITY_ICONS = {
    "info": "bi-info-circle",
    "warning": "bi-exclamation-triangle",
    "high": "bi-exclamation-octagon",
    "critical": "bi-fire",
}


# "app_label.model" -> (url name, how to build its arguments from the object id)
OBJECT_URLS = {
    "enterprises.enterprise": ("enterprises:detail", True),
    "core.review": ("core:review_detail", True),
    "core.alert": ("core:alert_detail", True),
    "enterprises.qualificationdocument": ("enterprises:document", True),
    "org.emergencycontact": ("org:contacts", False),
    "org.orgunit": ("org:contacts", False),
    "enterprises.protectedbrand": ("enterprises:brands", False),
    "enterprises.admissionfeetariff": ("enterprises:tariffs", False),
    "enterprises.spotcheckcampaign": ("enterprises:spot_checks", False),
    "core.calendaryear": ("core:calendar", False),
    "enterprises.importbatch": ("enterprises:import_batch", True),
}


@register.simple_tag
def tag(value, kind, label=None):
    """A coloured status tag: ``{% tag enterprise.status "enterprise" %}``."""
    choices, tones = TAGS[kind]
    tone = tones.get(value, "slate")
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


@register.filter
def money(value):
    """¥1,234.56 — money is Decimal in CNY (R-BIL-6)."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return value
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def wan_yuan(value):
    """Registered capital is kept in 万元."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return value
    return f"{amount:,.2f}"


@register.filter
def action_label(action):
    return audit_actions.label(action)


@register.simple_tag
def action_summary(event):
    """The one-line summary of an audit event: "王芳 为“华泰精密”办理了入驻"."""
    return audit_actions.summary(event.action, actor=event.actor_name, obj=event.object_repr)


@register.simple_tag
def object_url(content_type, object_id):
    """Link to the page of an alert's or event's object, or "" when it has no page."""
    if content_type is None:
        return ""
    target = OBJECT_URLS.get(f"{content_type.app_label}.{content_type.model}")
    if target is None:
        return ""
    name, with_id = target
    try:
        return reverse(name, args=[object_id]) if with_id else reverse(name)
    except NoReverseMatch:
        return ""


# Keys some events record that are not fields of the event's object.
EXTRA_KEYS = {
    "role": _("角色"),
    "unit": _("所属单位"),
    "rule": _("规则"),
    "object": _("对象"),
    "params": _("参数"),
    "enabled": _("启用"),
    "username": _("登录账号"),
    "is_superuser": _("超级管理员"),
    "enterprise": _("企业"),
    "expires_at": _("有效期至"),
    "sent": _("已发送邮件"),
    "state": _("状态"),
    "portal_account": _("门户账号"),
    "user": _("用户"),
    "units": _("组织单元"),
    "confirmed_days_ago": _("距上次确认天数"),
}
# Values of such keys that are codes.
EXTRA_VALUES = {
    "state": {
        "pending": _("待使用"),
        "accepted": _("已使用"),
        "revoked": _("已作废"),
        "expired": _("已过期"),
    },
}
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _field_label(model, key):
    name = key.removesuffix("_id")
    if model is not None:
        try:
            return model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            pass
    return EXTRA_KEYS.get(name, key)


def _choice_label(model, key, value):
    if model is not None:
        try:
            field = model._meta.get_field(key.removesuffix("_id"))
        except FieldDoesNotExist:
            field = None
        if field is not None and field.choices:
            return dict(field.flatchoices).get(value, value)
    if key == "role" and access.role_label(value) is not None:
        return access.role_label(value)
    if isinstance(value, str) and value in EXTRA_VALUES.get(key, {}):
        return EXTRA_VALUES[key][value]
    if key == "rule":
        from parkflow.core.rules import REGISTRY

        if value in REGISTRY:
            return REGISTRY[value].title
    return None


def _shown(model, key, value):
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
        return "，".join(f"{_field_label(None, k)}：{_shown(None, k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(str(_shown(None, key, v)) for v in value)
    return value


def _short(value, length=12):
    text = str(value or "")
    return text if len(text) <= length else f"{text[:length]}…"


def _document_summary(after):
    from parkflow.enterprises.choices import DocumentType

    kind = after.get("doc_type")
    label = DocumentType(kind).label if kind in DocumentType.values else kind
    rows = [(_("材料"), None, f"{label} v{after.get('version', '')}")]
    if after.get("original_name"):
        rows.append((_("文件"), None, after["original_name"]))
    if after.get("valid_until"):
        rows.append((_("有效期至"), None, after["valid_until"]))
    if after.get("sha256"):
        rows.append(("SHA-256", None, _short(after["sha256"], 16)))
    return rows


def _decision_label(value):
    try:
        return ReviewDecision(value).label
    except ValueError:
        return value


# Readable summaries of events whose payload is bookkeeping (ids, hashes) rather than a change.
def _verify_summary(a):
    """An ``audit.verify`` event: the result, and the signed digest it was anchored to (D18)."""
    if a.get("ok"):
        result = _("完整")
    elif a.get("broken_event_id"):
        result = _("断裂于事件 #%(id)s") % {"id": a["broken_event_id"]}
    else:
        result = _("与签名摘要不一致")
    rows = [(_("结果"), None, result), (_("已校验"), None, a.get("checked"))]
    if a.get("anchor_digest"):
        rows.append((_("锚定摘要"), None, _("摘要 %(n)s") % {"n": a["anchor_digest"]}))
    return rows


SUMMARIES = {
    "document.upload": _document_summary,
    "document.download": lambda a: [(_("版本"), None, f"v{a.get('version', '')}")],
    "review.draw": lambda a: [
        (_("随机种子"), None, a.get("seed", "")),
        (_("合格审查人"), None, _("%(n)s 人") % {"n": len(a.get("pool") or [])}),
        (_("抽中"), None, _("%(n)s 人") % {"n": len(a.get("selected") or [])}),
    ],
    "review.request": lambda a: [(_("审查轮次"), None, a.get("round") or "—")],
    "review.approve": lambda a: [],
    "review.reject": lambda a: [],
    "review.return": lambda a: [],
    "review.withdraw": lambda a: [],
    "review.publish": lambda a: [(_("公示结论"), None, _decision_label(a.get("decision")))],
    "conflict.declare": lambda a: [],
    "enterprise.create": lambda a: [],
    "audit.verify": lambda a: _verify_summary(a),
    "enterprise.export": lambda a: [(_("导出行数"), None, a.get("count"))],
    "admission_fee.charge": lambda a: [(_("金额"), None, money(a.get("amount")))],
    "spot_check.draw": lambda a: [
        (_("季度"), None, a.get("quarter", "")),
        (_("随机种子"), None, a.get("seed", "")),
        (_("抽中"), None, _("%(n)s 家") % {"n": len(a.get("sample") or [])}),
    ],
    "brand.flag": lambda a: [
        (_("品牌"), None, a.get("brand", "")),
        (_("相似度"), None, a.get("score", "")),
    ],
    "brand.clear": lambda a: [(_("解除品牌"), None, "、".join(a.get("brands") or []))],
    "conflict.withdraw": lambda a: [],
    "portal_invitation.create": lambda a: [
        (_("邮箱"), None, a.get("email") or "—"),
        (_("已发送邮件"), None, _shown(None, "sent", a.get("sent"))),
        (_("有效期至"), None, _shown(None, "expires_at", a.get("expires_at"))),
    ],
}


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
    if event.action in SUMMARIES:
        return SUMMARIES[event.action](after)
    keys = list(dict.fromkeys([*before, *after]))
    if event.action.endswith(".create"):
        keys = [k for k in keys if k in {"name", "credit_code", "status", "phone"}]
    rows = []
    for key in keys:
        rows.append(
            (
                _field_label(model, key),
                _shown(model, key, before.get(key)) if key in before else None,
                _shown(model, key, after.get(key)) if key in after else None,
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
