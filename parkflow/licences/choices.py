"""Choices of licence readings (issue 13): what a reading is for, where it stands and which
step of the reading the worker is at."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import status_colours


class ReadingPurpose(models.TextChoices):
    """What the licence is read for: a new register entry staff make, an applicant's portal
    application, or a renewed licence of an enterprise already registered."""

    NEW_ENTERPRISE = "new_enterprise", _("新建企业")
    APPLICATION = "application", _("门户入驻申请")
    RENEWAL = "renewal", _("执照换发")


@status_colours(
    "licence_reading",
    {"queued": "slate", "running": "info", "done": "success", "failed": "danger"},
)
class ReadingStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("识别中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("识别失败")


class ReadingStage(models.TextChoices):
    """The step of the reading the worker reports (``reader.read_licence``'s progress)."""

    LOAD = "load", _("读取文件")
    DETECT = "detect", _("检测文字")
    RECOGNISE = "recognise", _("识别文字")
    EXTRACT = "extract", _("提取字段")


# A reading is finished (the worker will not touch it again) in these states.
FINISHED = (ReadingStatus.DONE, ReadingStatus.FAILED)
# The purposes whose reading pre-fills a new register entry (the others compare with one).
REGISTERING = (ReadingPurpose.NEW_ENTERPRISE, ReadingPurpose.APPLICATION)


# What the reader may call a stage in its progress reports: the code itself, the Chinese label,
# or a word of either language that says which step it is.
_STAGE_WORDS = (
    (ReadingStage.LOAD, ("load", "read", "open", "render", "读取", "打开", "渲染")),
    (ReadingStage.DETECT, ("detect", "locat", "检测", "定位", "矫正", "校正")),
    (ReadingStage.RECOGNISE, ("recogn", "ocr", "识别")),
    (ReadingStage.EXTRACT, ("extract", "field", "pars", "提取", "字段", "解析")),
)


def stage_for(text) -> str:
    """The stage code a progress report names ("" when it names none we know)."""
    value = str(text or "").strip()
    if value in ReadingStage.values:
        return value
    for code, label in ReadingStage.choices:
        if value == str(label):
            return code
    lowered = value.lower()
    for code, words in _STAGE_WORDS:
        if any(word in lowered for word in words):
            return code
    return ""


# The purposes a person submits a licence for through the staff pages and the API (the portal's
# anonymous application has its own way in).
SUBMITTABLE_PURPOSES = [
    (value, label)
    for value, label in ReadingPurpose.choices
    if value in (ReadingPurpose.NEW_ENTERPRISE, ReadingPurpose.RENEWAL)
]
