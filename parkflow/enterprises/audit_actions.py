"""Audit actions of the enterprise domain: label and one-line summary (see core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "enterprise.create": (_("建档"), _("{actor} 为“{object}”建立企业档案")),
    "enterprise.update": (_("修改档案"), _("{actor} 修改了“{object}”的企业档案")),
    "enterprise.apply": (_("提交入驻申请"), _("{actor} 为“{object}”提交入驻申请")),
    "enterprise.start_review": (_("提交资质审核"), _("{actor} 将“{object}”提交资质审核")),
    "enterprise.approve": (_("审核通过"), _("{actor} 确认“{object}”准入审核通过")),
    "enterprise.reject": (_("审核不通过"), _("{actor} 确认“{object}”准入审核不通过")),
    "enterprise.move_in": (_("办理入驻"), _("{actor} 为“{object}”办理了入驻")),
    "enterprise.start_exit": (_("启动退出"), _("{actor} 启动了“{object}”的退出流程")),
    "enterprise.complete_exit": (_("完成退出"), _("{actor} 办结了“{object}”的退出")),
    "enterprise.export": (_("导出企业名录"), _("{actor} 导出了企业名录")),
    "conflict.declare": (_("申报利益冲突"), _("{actor} 申报与“{object}”存在利益冲突")),
    "conflict.withdraw": (_("撤回利益冲突申报"), _("{actor} 撤回了利益冲突申报“{object}”")),
    "review.draw": (_("双随机抽取审查人"), _("{actor} 为“{object}”随机抽取审查人")),
    "review.publish": (_("公示审查结果"), _("“{object}”的审查结果已公示")),
    "document.upload": (_("上传资质材料"), _("{actor} 上传了“{object}”")),
    "document.download": (_("下载资质材料"), _("{actor} 下载了“{object}”")),
    "brand.create": (_("新增受保护品牌"), _("{actor} 将“{object}”加入受保护品牌名录")),
    "brand.flag": (_("发现品牌冒用嫌疑"), _("系统发现“{object}”有品牌冒用嫌疑")),
    "brand.clear": (_("解除品牌冒用嫌疑"), _("{actor} 解除了“{object}”的品牌冒用嫌疑")),
    "protected_brand.create": (_("新增受保护品牌"), _("{actor} 在后台新增受保护品牌“{object}”")),
    "protected_brand.update": (_("修改受保护品牌"), _("{actor} 在后台修改受保护品牌“{object}”")),
    "protected_brand.delete": (_("删除受保护品牌"), _("{actor} 在后台删除受保护品牌“{object}”")),
    "tariff.publish": (_("公布入驻费标准"), _("{actor} 公布了入驻费标准“{object}”")),
    "admission_fee.charge": (_("计收入驻费"), _("{actor} 向“{object}”计收入驻费")),
    "spot_check.draw": (_("季度抽查抽取"), _("{actor} 抽取了“{object}”的抽查企业")),
    "spot_check.unassigned": (_("抽查未能分配审查人"), _("“{object}”的抽查未能分配审查人")),
    "portal_account.create": (_("开通门户账号"), _("{actor} 开通了“{object}”的企业门户账号")),
    "portal_invitation.create": (_("邀请开通门户"), _("{actor} 发出“{object}”")),
    "portal_invitation.accept": (_("接受门户邀请"), _("{actor} 通过“{object}”开通了门户账号")),
    "portal_invitation.revoke": (_("作废门户邀请"), _("{actor} 作废了“{object}”")),
    "brand.update": (_("修改受保护品牌"), _("{actor} 修改了受保护品牌“{object}”")),
    "enterprise.import_resident": (
        _("导入历史入驻企业"),
        _("{actor} 将“{object}”作为上线前已入驻的企业导入"),
    ),
    "enterprise_import.upload": (_("上传名录导入文件"), _("{actor} 上传了名录导入文件“{object}”")),
    "enterprise_import.check": (_("检查名录导入文件"), _("系统检查了名录导入文件“{object}”")),
    "enterprise_import.confirm": (_("确认导入企业名录"), _("{actor} 确认导入“{object}”")),
    "enterprise_import.commit": (_("完成企业名录导入"), _("{actor} 导入了“{object}”中的全部企业")),
    "enterprise_import.fail": (_("企业名录导入未完成"), _("“{object}”未能导入，未写入任何数据")),
}

# How the audit page shows what these events record (see core.audit_actions).
AUDIT_KEYS = {
    "enterprise": _("企业"),
    "expires_at": _("有效期至"),
    "sent": _("已发送邮件"),
    "state": _("状态"),
    "portal_account": _("门户账号"),
}
AUDIT_VALUES = {
    "state": {
        "pending": _("待使用"),
        "accepted": _("已使用"),
        "revoked": _("已作废"),
        "expired": _("已过期"),
    },
}


def _short(value, length=12):
    text = str(value or "")
    return text if len(text) <= length else f"{text[:length]}…"


def _document_details(after):
    from .choices import DocumentType

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
    from parkflow.core.choices import ReviewDecision

    try:
        return ReviewDecision(value).label
    except ValueError:
        return value


def _money(value):
    from parkflow.core.templatetags.parkflow import money

    return money(value)


def _shown(key, value):
    from parkflow.core.templatetags.parkflow import shown

    return shown(None, key, value)


AUDIT_DETAILS = {
    "document.upload": _document_details,
    "document.download": lambda a: [(_("版本"), None, f"v{a.get('version', '')}")],
    "review.draw": lambda a: [
        (_("随机种子"), None, a.get("seed", "")),
        (_("合格审查人"), None, _("%(n)s 人") % {"n": len(a.get("pool") or [])}),
        (_("抽中"), None, _("%(n)s 人") % {"n": len(a.get("selected") or [])}),
    ],
    "review.publish": lambda a: [(_("公示结论"), None, _decision_label(a.get("decision")))],
    "conflict.declare": lambda a: [],
    "enterprise.create": lambda a: [],
    "enterprise.export": lambda a: [(_("导出行数"), None, a.get("count"))],
    "admission_fee.charge": lambda a: [(_("金额"), None, _money(a.get("amount")))],
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
        (_("已发送邮件"), None, _shown("sent", a.get("sent"))),
        (_("有效期至"), None, _shown("expires_at", a.get("expires_at"))),
    ],
}
