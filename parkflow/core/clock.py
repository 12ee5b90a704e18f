"""The only source of time in ParkFlow.

Everything that stamps or compares time asks ``clock.now()`` so that tests (time-machine) and the
year simulation of the demo data can move it. Dates are in the park's time zone, Asia/Shanghai.
"""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


def localtime(value: datetime.datetime | None = None) -> datetime.datetime:
    return timezone.localtime(value or now())
