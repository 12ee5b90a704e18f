"""Audit actions of the enterprise domain: label and one-line summary (see core.audit_actions).
The lifecycle's transitions name theirs in workflows.py."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "enterprise.create": (_("建档"), _("{actor} 为“{object}”建立企业档案")),
    "enterprise.update": (_("修改档案"), _("{actor} 修改了“{object}”的企业档案")),
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
    "enterprise_import.upload": (_("上传名录导入文件"), _("{actor} 上传了名录导入文件“{object}”")),
    "enterprise_import.check": (_("检查名录导入文件"), _("系统检查了名录导入文件“{object}”")),
    "enterprise_import.confirm": (_("确认导入企业名录"), _("{actor} 确认导入“{object}”")),
    "enterprise_import.commit": (_("完成企业名录导入"), _("{actor} 导入了“{object}”中的全部企业")),
    "enterprise_import.fail": (_("企业名录导入未完成"), _("“{object}”未能导入，未写入任何数据")),
}
