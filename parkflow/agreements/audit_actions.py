"""Audit actions of the agreements domain (the workflow's steps name theirs in workflows.py)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "venue.save": (_("维护争议解决机构"), _("{actor} 维护了争议解决机构“{object}”")),
    "service_item.save": (_("维护服务项目"), _("{actor} 维护了服务项目“{object}”")),
    "tariff.publish": (_("公布收费标准"), _("{actor} 公布了收费标准“{object}”")),
    "template.create": (_("新建协议模板"), _("{actor} 新建了协议模板“{object}”")),
    "template.new_version": (_("新建模板版本"), _("{actor} 新建了模板版本“{object}”")),
    "template.clauses": (_("修改模板条款"), _("{actor} 修改了“{object}”的条款")),
    "template.submit": (_("模板提交合规审查"), _("{actor} 将“{object}”提交合规审查")),
    "template.approve": (_("模板启用"), _("“{object}”通过合规审查并启用")),
    "template.return": (_("模板退回修改"), _("“{object}”未通过合规审查，退回修改")),
    "template.rereview": (_("模板季度复核"), _("{actor} 对“{object}”出具了季度复核意见")),
    "agreement.create": (_("起草协议"), _("{actor} 起草了协议“{object}”")),
    "agreement.update": (_("修改协议"), _("{actor} 修改了协议“{object}”")),
    "agreement.clauses": (_("修改协议条款"), _("{actor} 修改了协议“{object}”的条款")),
    "agreement.line_add": (_("添加服务项"), _("{actor} 为协议“{object}”添加了服务项")),
    "agreement.line_remove": (_("删除服务项"), _("{actor} 删除了协议“{object}”的服务项")),
    "agreement.line_confirm": (_("确认服务项"), _("{actor} 确认了协议“{object}”的服务项")),
    "agreement.fee_add": (_("添加费用"), _("{actor} 为协议“{object}”添加了费用")),
    "agreement.fee_update": (_("修改费用"), _("{actor} 修改了协议“{object}”的费用")),
    "agreement.fee_remove": (_("删除费用"), _("{actor} 删除了协议“{object}”的费用")),
    "agreement.review_voided": (
        _("审查失效重新送审"),
        _("协议“{object}”审查后内容被修改，原审查失效，重新送审"),
    ),
    "agreement.supersede": (_("协议被补充协议替代"), _("协议“{object}”已被补充协议替代")),
    "agreement.amend": (_("起草补充协议"), _("{actor} 起草了补充协议“{object}”")),
    "agreement.import": (_("导入历史协议"), _("{actor} 导入了历史协议“{object}”")),
    "agreement.migration_reviewed": (
        _("历史导入协议审查通过"),
        _("历史导入协议“{object}”已通过法律审查"),
    ),
    "agreement.export": (_("导出协议清单"), _("{actor} 导出了协议清单")),
    "agreement.download": (_("下载协议文件"), _("{actor} 下载了协议“{object}”的文件")),
}
AUDIT_KEYS = {
    "number": _("协议编号"),
    "template": _("模板版本"),
    "required_lines": _("必备服务项"),
    "clauses": _("条款"),
    "item": _("服务项目"),
    "basis": _("纳入依据"),
    "via": _("确认方式"),
    "changed": _("修改内容"),
    "amends": _("所补充的协议"),
    "by": _("补充协议"),
    "fee_kind": _("费用类别"),
    "price": _("价格"),
    "unit_price": _("单价"),
    "tariff_price": _("标准价格"),
    "effective_from": _("生效日期"),
    "reviewed_on": _("复核日期"),
    "retired": _("停用的旧版本"),
    "label": _("费用名称"),
    "quantity": _("数量"),
    "period": _("计费周期"),
    "start_date": _("起始日期"),
    "end_date": _("终止日期"),
    "required_for": _("必备于协议类型"),
    "is_active": _("启用"),
    "code": _("编码"),
}
AUDIT_VALUES = {
    "basis": {"required": _("协议类型必备"), "requested": _("企业自主申请")},
    "via": {"portal": _("企业门户确认"), "signed_note": _("企业签字确认书")},
    "changed": {
        "terms": _("协议基本信息"),
        "clauses": _("条款"),
        "lines": _("服务项"),
        "fees": _("费用"),
    },
}


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def _money(value):
    from decimal import Decimal, InvalidOperation

    try:
        return f"¥{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return "—"


def _kind_label(value):
    from .choices import AgreementKind

    return _label(AgreementKind, value)


def _clause_rows(after):
    from .choices import ClauseKind

    kinds = after.get("clauses")
    if isinstance(kinds, list):
        shown = "、".join(_label(ClauseKind, kind) for kind in kinds)
        return [(_("条款"), None, _("%(n)s 条：%(kinds)s") % {"n": len(kinds), "kinds": shown})]
    return [(_("条款"), None, _("%(n)s 条") % {"n": kinds})] if kinds is not None else []


def _fee_rows(after):
    from .choices import FeeKind, FeePeriod

    if not after:
        return []
    return [
        (_("费用名称"), None, after.get("label", "")),
        (_("费用类别"), None, _label(FeeKind, after.get("kind"))),
        (_("数量"), None, after.get("quantity", "")),
        (_("单价"), None, _money(after.get("unit_price"))),
        (_("标准价格"), None, _money(after.get("tariff_price"))),
        (_("计费周期"), None, _label(FeePeriod, after.get("period"))),
    ]


# The clause list and the fee lines are recorded by kind code: shown by their labels (a key
# such as "clauses" also names a relation of the model, which the generic rows cannot label).
AUDIT_DETAILS = {
    "agreement.clauses": _clause_rows,
    "template.clauses": _clause_rows,
    "agreement.fee_add": _fee_rows,
    "agreement.fee_update": _fee_rows,
    "agreement.line_add": lambda a: [
        (_("纳入依据"), None, AUDIT_VALUES["basis"].get(a.get("basis"), "—"))
    ],
    "template.create": lambda a: [
        (_("模板名称"), None, a.get("name", "")),
        (_("协议类型"), None, _kind_label(a.get("kind"))),
        (_("条款"), None, _("%(n)s 条") % {"n": a.get("clauses", 0)}),
    ],
    "template.approve": lambda a: [
        (_("状态"), None, _("已启用")),
        (
            _("停用的旧版本"),
            None,
            _("%(n)s 个") % {"n": len(a.get("retired") or [])} if a.get("retired") else _("无"),
        ),
    ],
    "agreement.amend": lambda a: [(_("版本"), None, _("第%(n)s版") % {"n": a.get("version", "")})],
    "agreement.line_confirm": lambda a: [
        (_("确认方式"), None, AUDIT_VALUES["via"].get(a.get("via"), "—"))
    ],
}
