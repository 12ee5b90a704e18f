"""Background work of the compliance calendar (R-MON-3): every morning, create the tasks whose
time has come, then send the due-soon and late reminders. Both are idempotent: a second run,
or a second worker, creates and sends nothing more."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="1", minute="10"))
def generate_duty_tasks() -> None:
    services.duty_tasks_generate()
    services.duty_tasks_remind()
