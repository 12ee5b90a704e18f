"""Background sending of the outbox (D38): right after the publishing transaction commits, and
every minute for retries and for claims a dead worker left behind."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import outbox


@db_task()
def deliver_task(delivery_ids: list[int]) -> None:
    for pk in delivery_ids:
        outbox.deliver(pk)


@db_periodic_task(crontab(minute="*"))
def deliver_due_notifications() -> None:
    outbox.deliver_due()
