from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkflow.core.registry import status_colours


class AgreementKind(models.TextChoices):
    """The agreement types; each requires its own service lines (``ServiceItem.required_for``)."""

    RESIDENCY = "residency", _("入驻服务协议")
    PROPERTY = "property", _("物业服务协议")
    VALUE_ADDED = "value_added", _("增值服务协议")


class ClauseKind(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("保密条款")
    BREACH = "breach", _("违约责任")
    DISPUTE = "dispute", _("争议解决")
    DATA_ON_EXIT = "data_on_exit", _("退出时数据处理")
    FEES = "fees", _("费用条款")
    TERM = "term", _("协议期限")
    OTHER = "other", _("其他条款")


# R-AGR-2: an agreement lacking one of these cannot be submitted.
MANDATORY_CLAUSES = (ClauseKind.CONFIDENTIALITY, ClauseKind.BREACH, ClauseKind.DISPUTE)


class VenueKind(models.TextChoices):
    COURT = "court", _("人民法院")
    ARBITRATION = "arbitration", _("仲裁委员会")


@status_colours(
    "template_version",
    {"draft": "muted", "in_review": "warning", "approved": "success", "retired": "secondary"},
)
class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("合规审查中")
    APPROVED = "approved", _("已启用")
    RETIRED = "retired", _("已停用")


@status_colours(
    "agreement",
    {
        "draft": "muted",
        "in_review": "warning",
        "approved": "info",
        "signed": "success",
        "superseded": "secondary",
        "terminated": "danger",
    },
)
class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审查中")
    APPROVED = "approved", _("待签署")
    SIGNED = "signed", pgettext_lazy("agreement status", "已签署")
    SUPERSEDED = "superseded", _("已被补充协议替代")
    TERMINATED = "terminated", _("已终止")


# Content may change (and a change voids the reviews) until signing.
EDITABLE = (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW, AgreementStatus.APPROVED)


class LineBasis(models.TextChoices):
    """R-AGR-3: why a service line is in the agreement."""

    REQUIRED = "required", _("协议类型必备")
    REQUESTED = "requested", _("企业自主申请")


class ConfirmationChannel(models.TextChoices):
    PORTAL = "portal", _("企业门户确认")
    SIGNED_NOTE = "signed_note", _("企业签字确认书")


class FeeKind(models.TextChoices):
    DEPOSIT = "deposit", _("押金")
    RENT = "rent", _("租金")
    PROPERTY = "property", _("物业费")
    SERVICE = "service", _("服务费")
    ONE_OFF = "one_off", _("一次性费用")


class FeePeriod(models.TextChoices):
    ONCE = "once", _("一次性")
    MONTHLY = "monthly", _("按月")
    QUARTERLY = "quarterly", _("按季")
    YEARLY = "yearly", _("按年")


PERIOD_MONTHS = {FeePeriod.MONTHLY: 1, FeePeriod.QUARTERLY: 3, FeePeriod.YEARLY: 12}


class TariffUnit(models.TextChoices):
    PER_SQM_MONTH = "sqm_month", _("元/平方米·月")
    PER_MONTH = "month", _("元/月")
    PER_ITEM = "item", _("元/项")
