"""Audit actions of the enterprise domain: label and one-line summary (see core.audit_actions).
The lifecycle's transitions name theirs in workflows.py."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "enterprise.create": (_("建档"), _("{actor} 为“{object}”建立企业档案")),
    "enterprise.update": (_("修改档案"), _("{actor} 修改了“{object}”的企业档案")),
    "enterprise.export": (_("导出企业名录"), _("{actor} 导出了企业名录")),
    "portal_account.create": (_("开通门户账号"), _("{actor} 开通了“{object}”的企业门户账号")),
    "portal_invitation.create": (_("邀请开通门户"), _("{actor} 发出“{object}”")),
    "portal_invitation.accept": (_("接受门户邀请"), _("{actor} 通过“{object}”开通了门户账号")),
    "portal_invitation.revoke": (_("作废门户邀请"), _("{actor} 作废了“{object}”")),
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


def _shown(key, value):
    from parkflow.core.templatetags.parkflow import shown

    return shown(None, key, value)


AUDIT_DETAILS = {
    "enterprise.create": lambda a: [],
    "enterprise.export": lambda a: [(_("导出行数"), None, a.get("count"))],
    "portal_invitation.create": lambda a: [
        (_("邮箱"), None, a.get("email") or "—"),
        (_("已发送邮件"), None, _shown("sent", a.get("sent"))),
        (_("有效期至"), None, _shown("expires_at", a.get("expires_at"))),
    ],
}
