"""Audit actions of the organisation domain: label and one-line summary (see core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "api_token.create": (_("签发 API 令牌"), _("{actor} 签发了 API 令牌“{object}”")),
    "api_token.revoke": (_("吊销 API 令牌"), _("{actor} 吊销了 API 令牌“{object}”")),
    "api_token.revoke_all": (
        _("吊销全部 API 令牌"),
        _("因修改密码或停用账号，吊销了“{object}”的全部 API 令牌"),
    ),
    "emergency_contact.create": (_("新增应急联系人"), _("{actor} 登记了应急联系人“{object}”")),
    "emergency_contact.confirm": (_("确认应急联系人"), _("{actor} 确认了应急联系人“{object}”")),
    "compliance_record.add": (_("登记合规履职"), _("{actor} 登记了合规履职记录“{object}”")),
    "compliance_record.evidence_download": (
        _("下载合规履职证明"),
        _("{actor} 下载了“{object}”的证明材料"),
    ),
    "role.assign": (_("授予角色"), _("{actor} 授予“{object}”角色")),
    "role.revoke": (_("撤销角色"), _("{actor} 撤销了“{object}”的角色")),
    "user.create": (_("新建用户"), _("{actor} 新建了用户“{object}”")),
    "user.update": (_("修改用户"), _("{actor} 修改了用户“{object}”")),
    "user.password_reset": (_("重置密码"), _("{actor} 重置了用户“{object}”的密码")),
    "authority_limit.create": (_("新增授权上限"), _("{actor} 新增授权上限“{object}”")),
    "authority_limit.update": (_("修改授权上限"), _("{actor} 修改了授权上限“{object}”")),
    "authority_limit.delete": (_("删除授权上限"), _("{actor} 删除了授权上限“{object}”")),
}

# How the audit page shows what these events record (see core.audit_actions).
AUDIT_KEYS = {
    "role": _("角色"),
    "unit": _("所属单位"),
    "username": _("登录账号"),
    "is_superuser": _("超级管理员"),
    "user": _("用户"),
    "units": _("组织单元"),
    "confirmed_days_ago": _("距上次确认天数"),
}


def _role_labels():
    from .choices import Role

    return dict(Role.choices)


# A rule's escalation names the roles it told (core.rules: ``alert.escalate``).
AUDIT_VALUES = {"role": _role_labels(), "notify": _role_labels()}
