from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


class Category(models.TextChoices):
    REPAIR = "repair", _("报修")
    CONSULTATION = "consultation", _("咨询")
    ENTERPRISE_SERVICE = "enterprise_service", _("企业服务")


@status_colours(
    "service_request",
    {"open": "warning", "in_progress": "info", "resolved": "purple", "closed": "success"},
)
class RequestStatus(models.TextChoices):
    OPEN = "open", _("待受理")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("待企业确认")
    CLOSED = "closed", _("已关闭")


class Channel(models.TextChoices):
    PORTAL = "portal", _("企业门户")
    STAFF = "staff", _("工作人员登记")


@status_colours("transfer", {"pending": "warning", "accepted": "success", "declined": "muted"})
class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    DECLINED = "declined", _("已拒绝")


@status_colours("callback", {"pending": "warning", "done": "success"})
class CallBackStatus(models.TextChoices):
    PENDING = "pending", _("待回访")
    DONE = "done", _("已回访")


class CallBackChannel(models.TextChoices):
    PHONE = "phone", _("电话回访")
    PORTAL = "portal", _("企业门户")


# ---------------------------------------------------------------------------------------------
# Complaints (R-CMP-1 … R-CMP-8)


class ComplaintChannel(models.TextChoices):
    PORTAL = "portal", _("企业门户")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("来访")
    EMAIL = "email", _("电子邮件")
    HOTLINE = "hotline", _("12345 热线转办")


@status_colours("complaint_grade", {"general": "slate", "significant": "orange", "major": "danger"})
class ComplaintGrade(models.TextChoices):
    """The grading matrix's three grades (Art.17 "建立投诉分级处理矩阵"), mildest first."""

    GENERAL = "general", _("一般")
    SIGNIFICANT = "significant", _("较大")
    MAJOR = "major", _("重大")


GRADE_ORDER = {grade: rank for rank, grade in enumerate(ComplaintGrade.values)}


@status_colours(
    "complaint",
    {
        "open": "warning",
        "in_progress": "info",
        "resolved": "purple",
        "closed": "success",
    },
)
class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("待受理")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("待企业确认")
    CLOSED = "closed", _("已办结")


class ComplaintTopic(models.TextChoices):
    """What a complaint is about: the key of the chain-complaint rule (same topic in a park)."""

    PROPERTY = "property", _("物业维修")
    SAFETY = "safety", _("安全隐患")
    FEES = "fees", _("收费争议")
    ATTITUDE = "attitude", _("服务态度")
    ENVIRONMENT = "environment", _("环境噪声")
    TRAFFIC = "traffic", _("停车交通")
    NETWORK = "network", _("水电网络")
    OTHER = "other", _("其他")


class NoteKind(models.TextChoices):
    """An entry appended to a complaint's record: nothing recorded is ever edited (R-CMP-6)."""

    RESPONSE = "response", _("答复企业")
    PROGRESS = "progress", _("处理进展")
    CORRECTION = "correction", _("更正说明")
    ENTERPRISE = "enterprise", _("企业补充")
    REOPEN = "reopen", _("企业要求重新处理")


# What the enterprise sees of a complaint's record in the portal.
PORTAL_NOTE_KINDS = (NoteKind.RESPONSE, NoteKind.ENTERPRISE, NoteKind.REOPEN)


@status_colours(
    "emergency_plan",
    {
        "activated": "danger",
        "reported": "warning",
        "plan_review": "info",
        "carrying_out": "purple",
        "completed": "success",
    },
)
class PlanStage(models.TextChoices):
    """Art.21(二) 即时控制 → 逐级上报 → 制定方案 → 跟踪整改, with Art.20(一)3's review between
    the plan and carrying it out."""

    ACTIVATED = "activated", _("已启动（即时控制）")
    REPORTED = "reported", _("已上报")
    PLAN_REVIEW = "plan_review", _("方案待领导小组审查")
    CARRYING_OUT = "carrying_out", _("方案实施中")
    COMPLETED = "completed", _("整改完成")


class Criterion(models.TextChoices):
    """The grading matrix's criteria (R-CMP-2)."""

    ENTERPRISES = "enterprises", _("涉及企业数")
    SAFETY = "safety", _("涉及人身或消防安全")
    MEDIA = "media", _("媒体或网络曝光")
    REPEAT = "repeat", _("30 日内同一企业投诉次数")
    AMOUNT = "amount", _("涉及金额（元）")


@status_colours("referral", {"open": "warning", "closed": "success"})
class ReferralStatus(models.TextChoices):
    OPEN = "open", _("待问责处理")
    CLOSED = "closed", _("已处理")
