"""Names of audit actions in the reader's language (R-PLT-1).

Each app declares the action codes it records in its own ``audit_actions.py``::

    AUDIT_ACTIONS = {
        "enterprise.create": (_("建档"), _("{actor} 为“{object}”建立企业档案")),
    }

— a label for lists and filters, and a one-line summary template (``{actor}`` and ``{object}``
are filled in). The kernel discovers the modules at start-up (``CoreConfig.ready``) and knows no
domain's codes itself. A code is a registered ``AuditAction``: ``audit.record()`` takes the code
(or the ``AuditAction``) and refuses one nobody registered (``UnknownAuditAction``), so no event
is ever written without a label; a test also walks the source for recorded codes.

The same module may declare how the audit page shows what its events record:

* ``AUDIT_KEYS = {key: label}`` — recorded keys that are not fields of the event's object;
* ``AUDIT_VALUES = {key: {value: label}}`` — codes such keys hold (a role, an invitation state);
* ``AUDIT_DETAILS = {code: function(after) -> [(label, before, after), ...]}`` — a readable
  summary for events whose payload is bookkeeping (ids, hashes) rather than a change.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class AuditAction:
    code: str
    label: str
    summary: str


class UnknownAuditAction(LookupError):
    """``audit.record()`` was given a code that no ``audit_actions.py`` registers: a bug in the
    caller, refused before anything is written."""

    def __init__(self, code):
        self.code = code
        super().__init__(
            f"audit action {code!r} is not registered: declare it with a Chinese label and "
            "summary in the recording app's audit_actions.py (AUDIT_ACTIONS), or register it "
            "with core.audit_actions.register()"
        )


REGISTRY: dict[str, AuditAction] = {}
KEYS: dict[str, str] = {}
VALUES: dict[str, dict] = {}
DETAILS: dict = {}


def register(actions: dict, *, keys=None, values=None, details=None) -> None:
    for code, (label, summary) in actions.items():
        REGISTRY[code] = AuditAction(code=code, label=label, summary=summary)
    KEYS.update(keys or {})
    for key, labels in (values or {}).items():
        VALUES.setdefault(key, {}).update(labels)
    DETAILS.update(details or {})


def autodiscover() -> None:
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "audit_actions"):
            module = __import__(f"{config.name}.audit_actions", fromlist=["AUDIT_ACTIONS"])
            register(
                getattr(module, "AUDIT_ACTIONS", {}),
                keys=getattr(module, "AUDIT_KEYS", None),
                values=getattr(module, "AUDIT_VALUES", None),
                details=getattr(module, "AUDIT_DETAILS", None),
            )


def require(action) -> AuditAction:
    """The registered action a code (or an ``AuditAction``) names; ``UnknownAuditAction`` if
    none (``audit.record`` calls it before writing)."""
    code = action.code if isinstance(action, AuditAction) else action
    try:
        return REGISTRY[code]
    except (KeyError, TypeError):
        raise UnknownAuditAction(code) from None


def label(code: str) -> str:
    action = REGISTRY.get(code)
    return str(action.label) if action else code


def summary(code: str, *, actor: str = "", obj: str = "") -> str:
    action = REGISTRY.get(code)
    if action is None:
        return code
    return str(action.summary).format(actor=actor or _("系统"), object=obj or "—")


def codes_for(text: str) -> list[str]:
    """The codes a filter value means: a code as typed, every registered code a typed prefix
    begins ("enterprise." finds them all), or every action whose Chinese label contains the text
    ("入驻" finds 提交入驻申请 and 办理入驻). The page filters on ``action IN (…)``, which the
    (action, id) index serves; an empty answer falls back to a prefix match on the column."""
    text = (text or "").strip()
    if not text:
        return []
    if text in REGISTRY:
        return [text]
    by_prefix = [code for code in REGISTRY if code.startswith(text)] if text.isascii() else []
    by_label = [code for code, action in REGISTRY.items() if text in str(action.label)]
    return sorted(set(by_prefix) | set(by_label))


def choices() -> list[tuple[str, str]]:
    """(code, label) sorted by label, for the audit page's filter."""
    return sorted(((c, str(a.label)) for c, a in REGISTRY.items()), key=lambda item: item[1])


# The kernel's own actions: rule alerts, the rule settings, the chain check, the admin of the
# kernel's tables.
AUDIT_ACTIONS = {
    "alert.open": (_("触发预警"), _("系统对“{object}”触发预警")),
    "alert.acknowledge": (_("确认预警"), _("{actor} 确认了预警“{object}”")),
    "alert.assign": (_("指派预警"), _("{actor} 指派了预警“{object}”的处理人")),
    "alert.resolve": (_("解除预警"), _("{actor} 解除了预警“{object}”")),
    "alert.auto_resolve": (_("预警自动解除"), _("条件已消除，系统自动解除预警“{object}”")),
    "alert.escalate": (_("预警升级"), _("系统将预警“{object}”升级")),
    "rule.configure": (_("修改规则参数"), _("{actor} 修改了规则“{object}”的参数")),
    "audit.verify": (_("验证哈希链"), _("{actor} 验证了审计哈希链")),
    "audit.verify_request": (_("发起哈希链验证"), _("{actor} 发起了审计哈希链验证")),
    "review.request": (_("发起审查"), _("{actor} 为“{object}”发起审查")),
    "review.approve": (_("审查通过"), _("{actor} 审查“{object}”：通过")),
    "review.reject": (_("审查不通过"), _("{actor} 审查“{object}”：不通过")),
    "review.return": (_("审查退回修改"), _("{actor} 将“{object}”退回修改")),
    "review.withdraw": (_("撤销同轮审查"), _("系统撤销了“{object}”的同轮审查")),
    "review.claim": (_("认领签署"), _("{actor} 认领了“{object}”的一份签署")),
    "review.withdraw_round": (_("撤回审查"), _("{actor} 撤回了“{object}”的审查")),
    "gate.configure": (_("修改审查节点参数"), _("{actor} 修改了审查节点“{object}”的参数")),
    "calendar_day.create": (_("新增日历日"), _("{actor} 在后台新增日历日 {object}")),
    "calendar_day.update": (_("修改日历日"), _("{actor} 在后台修改日历日 {object}")),
    "calendar_day.delete": (_("删除日历日"), _("{actor} 在后台删除日历日 {object}")),
    "calendar.schedule_enter": (_("录入年度放假安排"), _("{actor} 录入了“{object}”的放假安排")),
    "sla.start": (_("开始计时"), _("{actor} 为“{object}”开始服务时限计时")),
    "sla.pause": (_("暂停计时"), _("{actor} 暂停了“{object}”的服务时限计时")),
    "sla.resume": (_("恢复计时"), _("{actor} 恢复了“{object}”的服务时限计时")),
    "sla.regrade": (_("调整时限"), _("{actor} 调整了“{object}”的服务时限")),
    "sla.stop": (_("结束计时"), _("{actor} 结束了“{object}”的服务时限计时")),
    "sla.configure": (_("修改时限设置"), _("{actor} 修改了时限设置“{object}”")),
    "demo.org_create": (_("创建演示组织"), _("演示数据：创建组织“{object}”")),
    "demo.backdate_contact": (_("演示数据回溯"), _("演示数据：回溯“{object}”的确认时间")),
}

# Keys the kernel's own events record beside object fields.
AUDIT_KEYS = {
    "rule": _("规则"),
    "object": _("对象"),
    "params": _("参数"),
    "enabled": _("启用"),
    "notify": _("升级通知"),
    "recipients": _("通知人员"),
    # SLA clocks (core.sla)
    "clock": _("时限"),
    "grade": _("等级"),
    "unit": _("单位"),
    "target": _("时限"),
    "sla_state": _("计时状态"),
    "due_at": _("截止时间"),
    "started_at": _("开始计时"),
    "paused_at": _("暂停时间"),
    "stopped_at": _("结束时间"),
    "recalculated": _("重新计算的时限数"),
    "opens": _("上班时间"),
    "closes": _("下班时间"),
}

AUDIT_VALUES = {
    # An escalation's ``notify`` holds role codes (labelled by org, which owns roles) and this
    # token.
    "notify": {"assignee": _("经办人")},
    "sla_state": {
        "running": _("计时中"),
        "paused": _("已暂停"),
        "met": _("按时完成"),
        "breached": _("超时完成"),
        "cancelled": _("已取消"),
    },
    "unit": {
        "calendar_hours": _("自然小时"),
        "calendar_days": _("自然日"),
        "working_days": _("工作日"),
        "working_hours": _("工作小时"),
    },
}


def _verify_details(a):
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


def _sla_setting_details(a):
    """An ``sla.configure`` event: the business hours, or a clock's unit and grade targets."""
    from parkflow.core import sla

    declared = sla.REGISTRY.get(a.get("clock"))
    rows = []
    for key, value in a.items():
        if key == "clock":
            rows.append((KEYS["clock"], None, declared.label if declared else value))
        elif key in ("opens", "closes", "recalculated"):
            rows.append((KEYS[key], None, value))
        elif key == "unit":
            rows.append((KEYS["unit"], None, VALUES["unit"].get(value, value)))
        else:
            rows.append((declared.grade_label(key) if declared else key, None, value))
    return rows


AUDIT_DETAILS = {
    "sla.configure": _sla_setting_details,
    "review.request": lambda a: [(_("审查轮次"), None, a.get("round") or "—")],
    "review.approve": lambda a: [],
    "review.reject": lambda a: [],
    "review.return": lambda a: [],
    "review.withdraw": lambda a: [(_("审查轮次"), None, a.get("round") or "—")],
    "review.claim": lambda a: [(_("审查轮次"), None, a.get("round") or "—")],
    "review.withdraw_round": lambda a: [(_("审查轮次"), None, a.get("round") or "—")],
    "audit.verify": _verify_details,
}
register(AUDIT_ACTIONS, keys=AUDIT_KEYS, values=AUDIT_VALUES, details=AUDIT_DETAILS)
