"""Audit actions of licence readings (R-PLT-1, issue 13)."""

from django.utils.translation import gettext_lazy as _

from .choices import ReadingPurpose, ReadingStatus

AUDIT_ACTIONS = {
    "licence_reading.submit": (
        _("上传营业执照识别"),
        _("{actor} 上传营业执照“{object}”，等待自动识别"),
    ),
    "licence_reading.finish": (_("营业执照识别完成"), _("营业执照“{object}”识别结束")),
    "licence_reading.file_open": (
        _("查看营业执照识别文件"),
        _("{actor} 查看了营业执照识别文件“{object}”"),
    ),
    "licence_reading.apply": (
        _("按营业执照识别结果建档"),
        _("{actor} 核对营业执照识别结果后为“{object}”建档"),
    ),
    "licence_reading.renew": (
        _("按换发的营业执照更新登记信息"),
        _("{actor} 按换发的营业执照更新了“{object}”的登记信息"),
    ),
    "licence_reading.purge": (
        _("删除未使用的营业执照文件"),
        _("系统删除了超过保留期限、未用于建档的营业执照文件"),
    ),
}
AUDIT_KEYS = {
    "reading": _("识别编号"),
    "reading_purpose": _("识别用途"),
    "reading_status": _("识别状态"),
    "reading_seconds": _("识别耗时（秒）"),
    "reading_source": _("识别方式"),
    "fields_read": _("识别出的字段"),
    "fields_confirmed": _("按识别结果确认的字段"),
    "fields_corrected": _("人工更正的字段"),
    "credit_code_confirmed": _("已对照原件核对信用代码"),
    "credit_code_unsure": _("信用代码存疑位置"),
    "fields_applied": _("按执照更新的字段"),
    "retention_days": _("保留天数"),
    "files_removed": _("删除文件数"),
}
AUDIT_VALUES = {
    "reading_purpose": dict(ReadingPurpose.choices),
    "reading_status": dict(ReadingStatus.choices),
    "reading_source": {
        "image": _("照片或扫描件文字识别"),
        "pdf_text": _("电子营业执照文字层"),
        "pdf_image": _("PDF 扫描件文字识别"),
    },
}
