"""The service desk's notification events (R-MON-2). A major complaint reaches the principal and
the in-charge leader at once on every channel the park configured — nobody can unsubscribe from
it (Art.17 "重大投诉须启动应急预案", R-CMP-3); its major-event report goes to the office, copying
the in-charge leader (R-RSK-6)."""

from django.utils.translation import gettext_lazy as _

from parkflow.notifications.choices import Channel
from parkflow.notifications.events import Event
from parkflow.org.choices import Role

MAJOR_COMPLAINT = "servicedesk.major_complaint"
MAJOR_EVENT_REPORTED = "servicedesk.major_event_reported"
COMPLAINT_TRANSFER = "servicedesk.complaint_transfer"

EVENTS = [
    Event(
        MAJOR_COMPLAINT,
        _("重大投诉启动应急预案"),
        _("重大投诉登记或升级为重大时，立即通知主要负责人和分管领导（全部渠道，不可退订）。"),
        channels=tuple(Channel.values),
        roles=(Role.PRINCIPAL, Role.DEPUTY),
        requirement="R-CMP-3",
        every_channel=True,
    ),
    Event(
        MAJOR_EVENT_REPORTED,
        _("重大事件报告"),
        _("重大投诉的重大事件报告，报专项管理办公室并抄送分管领导。"),
        channels=tuple(Channel.values),
        roles=(Role.OFFICE_STAFF, Role.DEPUTY),
        requirement="R-RSK-6",
        every_channel=True,
    ),
    Event(
        COMPLAINT_TRANSFER,
        _("投诉转办给我"),
        _("同事将投诉转办给本人、等待接收时通知。"),
        channels=(Channel.EMAIL, Channel.WECOM),
        requirement="R-CMP-4",
    ),
]
