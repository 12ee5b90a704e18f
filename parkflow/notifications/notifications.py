"""The kernel's events (sent as ``core.signals``, turned into messages by ``receivers.py``) and
the channel test message. Their default recipient roles come from the app that owns roles
(org's ``notifications.py``: ``EVENT_ROLES``)."""

from django.utils.translation import gettext_lazy as _

from .choices import Channel
from .events import Event

EVENTS = [
    Event(
        "review.requested",
        _("有审查待我处理"),
        _("事项提交审查时，通知指定的审查人；未指定时通知本园区有资格审查的人员。"),
        channels=(Channel.EMAIL,),
    ),
    Event(
        "review.decided",
        _("我提交的事项有了审查结论"),
        _("审查人作出通过、不通过或退回的结论时，通知提交人。"),
        channels=(Channel.EMAIL,),
    ),
    Event(
        "alert.opened",
        _("预警触发"),
        _("规则触发预警时，通知处理人；尚无处理人时通知本园区的预警处理人员。"),
        channels=(Channel.EMAIL, Channel.WECOM, Channel.DINGTALK, Channel.FEISHU),
    ),
    Event(
        "alert.escalated",
        _("预警升级"),
        _("预警级别升高时，通知处理人与上一级负责人。"),
        channels=(Channel.EMAIL, Channel.WECOM, Channel.DINGTALK, Channel.FEISHU),
    ),
    Event(
        "alert.assigned",
        _("预警指派给我"),
        _("预警被指派给本人处理时通知。"),
        channels=(Channel.EMAIL,),
    ),
    Event(
        "task.due",
        _("任务即将到期"),
        _("合规日历生成的任务临近截止日期时，通知任务负责人。"),
        channels=(Channel.EMAIL,),
    ),
    Event(
        "task.late",
        _("任务已逾期"),
        _("任务超过截止日期仍未完成时，通知任务负责人。"),
        channels=(Channel.EMAIL, Channel.WECOM, Channel.DINGTALK, Channel.FEISHU),
    ),
    Event(
        "notifications.welcome",
        _("系统通知"),
        _("平台发给全体人员的通知。"),
        channels=(),
        subscribable=False,
    ),
    Event(
        "notifications.test",
        _("渠道测试消息"),
        _("管理员在通知渠道页面发送的测试消息。"),
        channels=(),
        subscribable=False,
    ),
]
