"""Background work of the service desk: every morning, close the results enterprises left
unanswered for five working days (recorded as such), requests and complaints alike, and create
the month's call-back tasks on its first working day (idempotent: a second run creates
nothing)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services, services_complaints


@db_periodic_task(crontab(hour="1", minute="20"))
def close_unanswered_results() -> None:
    services.requests_auto_close()
    services.callbacks_generate()
    services_complaints.complaints_auto_close()
