"""Background work of the service desk: every morning, close the results enterprises left
unanswered for five working days (recorded as such) and create the month's call-back tasks on
its first working day (idempotent: a second run creates nothing)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="1", minute="20"))
def close_unanswered_results() -> None:
    services.requests_auto_close()
    services.callbacks_generate()
