"""Audit actions of the compliance calendar (R-MON-3)."""

from django.utils.translation import gettext_lazy as _

from .choices import Evidence

AUDIT_ACTIONS = {
    "duty_calendar.generate": (_("按期生成合规任务"), _("系统按合规日历生成本期任务")),
    "duty_task.create": (_("生成合规任务"), _("系统生成合规任务“{object}”")),
    "duty_task.complete": (_("完成合规任务"), _("{actor} 完成了合规任务“{object}”")),
    "duty_task.reassign": (_("转交合规任务"), _("{actor} 转交了合规任务“{object}”")),
    "duty_task.evidence_download": (
        _("下载任务证明文件"),
        _("{actor} 下载了合规任务“{object}”的证明文件"),
    ),
    "demo.backdate_task": (_("演示数据回溯"), _("演示数据：回溯“{object}”的完成时间")),
}
AUDIT_KEYS = {
    "evidence": _("证明材料"),
    "late": _("逾期完成"),
    "date": _("运行日期"),
    "created": _("生成任务数"),
    "periods": _("涉及职责期间数"),
}
AUDIT_VALUES = {"evidence": dict(Evidence.choices)}
