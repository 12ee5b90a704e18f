"""Presentation helpers shared by every page: coloured status tags, money, object links and the
labels of audit actions. Only formatting lives here; no rule or permission is decided here."""

from decimal import Decimal, InvalidOperation

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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

ACTION_LABELS = {
    "enterprise.create": _("建档"),
    "enterprise.update": _("修改档案"),
    "enterprise.apply": _("提交入驻申请"),
    "enterprise.start_review": _("提交资质审核"),
    "enterprise.approve": _("审核通过"),
    "enterprise.reject": _("审核不通过"),
    "enterprise.move_in": _("办理入驻"),
    "enterprise.start_exit": _("启动退出"),
    "enterprise.complete_exit": _("完成退出"),
    "enterprise.import_resident": _("导入历史入驻企业"),
    "enterprise_import.upload": _("上传名录导入文件"),
    "enterprise_import.check": _("检查名录导入文件"),
    "enterprise_import.confirm": _("确认导入企业名录"),
    "enterprise_import.commit": _("完成企业名录导入"),
    "enterprise_import.fail": _("企业名录导入未完成"),
    "enterprise.export": _("导出企业名录"),
    "conflict.declare": _("申报利益冲突"),
    "review.request": _("发起审查"),
    "review.draw": _("双随机抽取审查人"),
    "review.withdraw": _("撤销同轮审查"),
    "review.publish": _("公示审查结果"),
    "document.upload": _("上传资质材料"),
    "document.download": _("下载资质材料"),
    "conflict.withdraw": _("撤回利益冲突申报"),
    "brand.create": _("新增受保护品牌"),
    "tariff.publish": _("公布入驻费标准"),
    "admission_fee.charge": _("计收入驻费"),
    "spot_check.draw": _("季度抽查抽取"),
    "spot_check.unassigned": _("抽查未能分配审查人"),
    "brand.flag": _("发现品牌冒用嫌疑"),
    "brand.clear": _("解除品牌冒用嫌疑"),
    "review.approve": _("审查通过"),
    "review.reject": _("审查不通过"),
    "review.return": _("审查退回修改"),
    "alert.open": _("触发预警"),
    "alert.acknowledge": _("确认预警"),
    "alert.assign": _("指派预警"),
    "alert.resolve": _("解除预警"),
    "alert.auto_resolve": _("预警自动解除"),
    "emergency_contact.create": _("新增应急联系人"),
    "emergency_contact.confirm": _("确认应急联系人"),
    "compliance_record.add": _("登记合规履职"),
    "role.assign": _("授予角色"),
    "role.revoke": _("撤销角色"),
    "rule.configure": _("修改规则参数"),
    "audit.verify": _("验证哈希链"),
    "calendar.schedule_enter": _("录入年度放假安排"),
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
    return ACTION_LABELS.get(action, action)


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


def _field_label(model, key):
    if model is None:
        return key
    name = key.removesuffix("_id")
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return key


def _shown(model, key, value):
    if value in (None, ""):
        return "—"
    if model is not None:
        try:
            field = model._meta.get_field(key.removesuffix("_id"))
        except FieldDoesNotExist:
            field = None
        if field is not None and field.choices:
            return dict(field.flatchoices).get(value, value)
    if isinstance(value, dict | list):
        return (
            ", ".join(f"{k}: {v}" for k, v in value.items())
            if isinstance(value, dict)
            else ", ".join(map(str, value))
        )
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
    "audit.verify": lambda a: [
        (
            _("结果"),
            None,
            _("完整")
            if a.get("ok")
            else _("断裂于事件 #%(id)s") % {"id": a.get("broken_event_id")},
        ),
        (_("已校验"), None, a.get("checked")),
    ],
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
}


@register.simple_tag
def event_changes(event, subject=None):
    """(label, before, after) for each key an audit event records, labelled with the model's
    verbose names when the subject is known."""
    model = type(subject) if subject is not None else None
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
