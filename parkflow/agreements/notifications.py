"""The agreements' own notification events (R-MON-2, R-AGR-4): the drafter learns the outcome
of the reviews; the account manager that an agreement is about to expire with no renewal."""

from django.utils.translation import gettext_lazy as _

from parkflow.notifications.choices import Channel
from parkflow.notifications.events import Event

EVENTS = [
    Event(
        "agreements.review_outcome",
        _("我起草的协议审查结果"),
        _("协议通过或未通过法律审查、价格例外审批时通知起草人。"),
        channels=(Channel.EMAIL,),
    ),
]
