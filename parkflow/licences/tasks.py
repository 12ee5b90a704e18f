"""Background work of licence readings: reading an uploaded licence (seconds of OCR, never in a
web request), and the daily deletion of licence files nobody used."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def read_licence_task(reading_id: int) -> None:
    services.reading_execute(reading_id=reading_id)


@db_periodic_task(crontab(hour="3", minute="40"))
def purge_unused_licence_files() -> None:
    services.readings_purge_unused()
