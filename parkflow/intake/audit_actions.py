"""Audit actions of intake: label and one-line summary (see core.audit_actions). The codes are
stored in the audit chain, so they kept their names when intake left ``enterprises``."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
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
    "brand.update": (_("修改受保护品牌"), _("{actor} 修改了受保护品牌“{object}”")),
}
