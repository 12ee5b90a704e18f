"""Notifications (R-MON-2): the in-app inbox, e-mail and the WeCom / DingTalk / Feishu group
robots, through a transactional outbox. Apps call ``publish`` inside their services."""


def publish(event: str, **kwargs):
    """Write a message for ``event`` in the caller's transaction (see ``outbox.publish``)."""
    from .outbox import publish as _publish

    return _publish(event, **kwargs)
