from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


@status_colours(
    "errand",
    {
        "draft": "muted",
        "submitted": "warning",
        "waiting": "purple",
        "done": "success",
        "returned": "orange",
    },
)
class ErrandStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    WAITING = "waiting", _("等待企业补充材料")
    DONE = "done", _("已办结")
    RETURNED = "returned", _("已退回")
