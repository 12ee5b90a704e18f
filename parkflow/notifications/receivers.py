"""The kernel's signals (``core.signals``) as messages (R-MON-2). Each receiver runs inside the
kernel service's transaction and only writes the outbox (``publish``); sending is after commit.

A fault here must not undo the change that was made (a reviewer's decision stays decided when
the notice about it cannot be written): each publish runs in its own savepoint and a failure is
logged, not raised."""

import logging

from django.conf import settings
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from parkflow.core import gates, signals
from parkflow.core.choices import ReviewDecision, Severity

from . import events
from .outbox import Notice, publish, publish_many
from .recipients import people_in_roles

logger = logging.getLogger(__name__)


def _publish(event, **kwargs):
    try:
        return publish(event, **kwargs)
    except Exception:
        logger.exception("notification %s could not be written", event)
        return None


def _zh(build):
    """Texts are stored in the product's language, whoever's request caused them."""
    with translation.override(settings.LANGUAGE_CODE):
        return build()


def review_recipients(review) -> list:
    """The assigned reviewer, or everyone who may take the pooled review (the gate's reviewer
    roles in the park, less those the gate would refuse: the requester, the conflicted, the
    lapsed)."""
    if review.assigned_to_id:
        return [review.assigned_to]
    gate = gates.get_gate(review.gate)
    subject = review.subject
    return [
        person
        for person in people_in_roles(gate.reviewer_roles, review.park_id)
        if gates.reviewer_refusal(person, subject, gate, review) is None
    ]


def on_review_requested(sender, review, **kwargs):
    gate = gates.get_gate(review.gate)
    title, body = _zh(
        lambda: (
            _("待您审查：%(gate)s") % {"gate": gate.label},
            _("“%(object)s”已提交“%(gate)s”，请及时审查。")
            % {"object": review.object_repr, "gate": gate.label},
        )
    )
    _publish(
        "review.requested",
        obj=review,
        park=review.park_id,
        recipients=review_recipients(review),
        exclude=[review.requested_by],
        title=title,
        body=body,
    )


def on_review_decided(sender, review, **kwargs):
    if review.requested_by_id is None:
        return
    gate = gates.get_gate(review.gate)

    def texts():
        decision = ReviewDecision(review.decision).label
        body = _("“%(object)s”的“%(gate)s”审查结论：%(decision)s。") % {
            "object": review.object_repr,
            "gate": gate.label,
            "decision": decision,
        }
        if review.opinion:
            body += _("审查意见：%(opinion)s") % {"opinion": review.opinion}
        return _("审查结论：%(gate)s · %(decision)s") % {
            "gate": gate.label,
            "decision": decision,
        }, body

    title, body = _zh(texts)
    _publish(
        "review.decided",
        obj=review,
        park=review.park_id,
        recipients=[review.requested_by],
        exclude=[review.reviewer],
        title=title,
        body=body,
    )


def _alert_texts(alert, prefix):
    def texts():
        severity = Severity(alert.severity).label
        title = _("%(prefix)s：%(title)s（%(severity)s）") % {
            "prefix": prefix(),
            "title": alert.title,
            "severity": severity,
        }
        return title, alert.message or alert.object_repr

    return _zh(texts)


def _alert_people(alert):
    # The assignee; else None: ``publish`` tells the event's roles in the alert's park.
    return [alert.assignee] if alert.assignee_id else None


def _publish_many(event, notices):
    try:
        return publish_many(event, notices)
    except Exception:
        logger.exception("notifications %s could not be written", event)
        return None


def on_alerts_opened(sender, alerts, **kwargs):
    """All the alerts a sweep opened, written as messages in one go (``publish_many``)."""
    notices = []
    for alert in alerts:
        title, body = _alert_texts(alert, lambda: _("预警"))
        notices.append(
            Notice(
                obj=alert,
                park=alert.park_id,
                recipients=_alert_people(alert),
                title=title,
                body=body,
            )
        )
    _publish_many("alert.opened", notices)


def _escalation_notice(escalation) -> Notice:
    alert, recipients = escalation.alert, escalation.recipients
    title, body = _alert_texts(alert, lambda: _("预警升级"))
    if recipients:
        # The rule's ladder named the next level up (core.rules.escalation_recipients: the
        # assignee, the department head, the in-charge leader of the alert's park): only them.
        return Notice(
            obj=alert,
            park=alert.park_id,
            recipients=list(recipients),
            roles=(),
            title=title,
            body=body,
        )
    people = _alert_people(alert)
    return Notice(
        obj=alert,
        park=alert.park_id,
        recipients=people,
        # With an assignee, the event's roles (the level up) are told as well.
        roles=None if people is None else events.get("alert.escalated").roles,
        title=title,
        body=body,
    )


def on_alerts_escalated(sender, escalations, **kwargs):
    _publish_many("alert.escalated", [_escalation_notice(e) for e in escalations])


def on_alert_assigned(sender, alert, actor=None, **kwargs):
    if not alert.assignee_id:
        return
    title, body = _alert_texts(alert, lambda: _("预警指派给您"))
    _publish(
        "alert.assigned",
        obj=alert,
        park=alert.park_id,
        recipients=[alert.assignee],
        exclude=[actor],
        title=title,
        body=body,
    )


def task_owner(task):
    """A duty's task names its owner as ``owner`` (or ``assignee``)."""
    return getattr(task, "owner", None) or getattr(task, "assignee", None)


def _due_text(task) -> str:
    due = getattr(task, "due_at", None) or getattr(task, "due_on", None)
    if due is None:
        return ""
    if hasattr(due, "hour"):
        return dateformat.format(timezone.localtime(due), "Y年n月j日 H:i")
    return dateformat.format(due, "Y年n月j日")


def _on_task(event, prefix, task):
    owner = task_owner(task)
    # A task nobody owns yet is the role's pool in its park (duties: owner_role).
    pool = getattr(task, "owner_role", "") if owner is None else ""
    if owner is None and not pool:
        return

    def texts():
        due = _due_text(task)
        body = _("截止时间：%(due)s") % {"due": due} if due else ""
        return _("%(prefix)s：%(task)s") % {"prefix": prefix(), "task": task}, body

    title, body = _zh(texts)
    if owner is None:
        people = people_in_roles((pool,), getattr(task, "park_id", None))
        _publish(event, obj=task, recipients=people, roles=(), title=title, body=body)
        return
    _publish(event, obj=task, recipients=[owner], title=title, body=body)


def on_task_due(sender, task, **kwargs):
    _on_task("task.due", lambda: _("任务即将到期"), task)


def on_task_late(sender, task, **kwargs):
    _on_task("task.late", lambda: _("任务已逾期"), task)


RECEIVERS = [
    (signals.review_requested, on_review_requested),
    (signals.review_decided, on_review_decided),
    (signals.alerts_opened, on_alerts_opened),
    (signals.alerts_escalated, on_alerts_escalated),
    (signals.alert_assigned, on_alert_assigned),
    (signals.task_due, on_task_due),
    (signals.task_late, on_task_late),
]


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__name__}")
