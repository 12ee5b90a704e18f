"""The errand domain's own notification event (R-MON-2): the assignee is told."""

from django.utils.translation import gettext_lazy as _

from parkflow.notifications.choices import Channel
from parkflow.notifications.events import Event

ERRAND_ASSIGNED = "testdomain.errand_assigned"

EVENTS = [
    Event(
        ERRAND_ASSIGNED,
        _("事项指派给我"),
        _("园区事项指定本人为经办人时通知。"),
        channels=(Channel.EMAIL, Channel.WECOM),
    )
]
