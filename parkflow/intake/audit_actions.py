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
}
