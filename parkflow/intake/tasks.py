"""Background work of intake: the quarterly spot-check draw (R-ENT-3)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(month="1,4,7,10", day="1", hour="2", minute="0"))
def quarterly_spot_check() -> None:
    services.spot_check_campaign_run()
