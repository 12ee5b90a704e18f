"""What happened in the kernel, for whoever listens (notifications, the to-do centre's counts).

Each signal is sent by the kernel service that made the change, *inside* its transaction, after the
change is written and audited: a receiver that writes (the notifications' outbox) commits or rolls
back with the change itself. A receiver must not call out of the process (mail, webhooks) — it
queues; delivery happens after commit. Domains send their own signals from their own modules.

    review_requested(review)          a review was created for someone named, or a pooled round
                                      opened (sent once, with its first open signature)
    review_decided(review)            a reviewer decided (approve / reject / return)
    alerts_opened(alerts)             a rule opened alerts (a sweep: all of one batch at once,
                                      so a receiver writes them in bulk — issue 8 §7)
    alerts_escalated(escalations)     alerts' severities rose in place: a list of
                                      ``Escalation(alert, before, recipients, roles)`` —
                                      ``before``: the old severity; ``recipients``: the people
                                      the rule's ladder names for the steps climbed (the
                                      assignee, holders of the roles in the alert's park, else
                                      at headquarters); ``roles``: those role codes (and
                                      "assignee")
    alert_assigned(alert)             an alert was given to someone
    task_due(task)                    a duty's task is due soon (once per task; ``task.owner``,
                                      ``task.due_on``)
    task_late(task)                   a duty's task passed its due date undone (once per task)
"""

from typing import NamedTuple

from django.dispatch import Signal


class Escalation(NamedTuple):
    alert: object
    before: str
    recipients: tuple = ()
    roles: tuple = ()


review_requested = Signal()
review_decided = Signal()
alerts_opened = Signal()
alerts_escalated = Signal()
alert_assigned = Signal()
task_due = Signal()
task_late = Signal()
