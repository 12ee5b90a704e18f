"""Notifications (R-MON-2): the in-app inbox, e-mail and the WeCom / DingTalk / Feishu group
robots, through a transactional outbox. Apps call ``publish`` (or ``publish_many``) inside their services."""


def publish(event: str, **kwargs):
    """Write a message for ``event`` in the caller's transaction (see ``outbox.publish``)."""
    from .outbox import publish as _publish

    return _publish(event, **kwargs)


def publish_many(event: str, notices):
    """Many messages of ``event`` at once, in a constant number of statements; each notice is
    ``notice(title=…, obj=…, recipients=…, …)`` with ``publish``'s arguments (see
    ``outbox.publish_many``)."""
    from .outbox import publish_many as _publish_many

    return _publish_many(event, notices)


def notice(**kwargs):
    """One message for ``publish_many``: ``publish``'s arguments without the event."""
    from .outbox import Notice

    return Notice(**kwargs)
