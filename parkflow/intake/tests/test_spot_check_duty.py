"""Intake declares its own periodic duty (R-MON-3, R-ENT-3): the quarterly spot check is a task
of the compliance calendar, and the quarter's draw completes it, linked as its evidence."""

import datetime

import pytest
import time_machine

from parkflow.duties.declarations import get_duty
from parkflow.duties.models import DutyTask
from parkflow.duties.services import duty_tasks_generate
from parkflow.intake import services as intake_services
from parkflow.org.choices import DepartmentKind, Role, UnitKind
from parkflow.org.tests.factories import OrgUnitFactory, staff

pytestmark = pytest.mark.django_db
_TZ = datetime.timezone(datetime.timedelta(hours=8))


def test_the_quarters_draw_completes_its_duty_task(park):
    company = OrgUnitFactory(name="运营公司", kind=UnitKind.COMPANY)
    office_unit = OrgUnitFactory(
        name="综合管理部",
        kind=UnitKind.DEPARTMENT,
        parent=company,
        department_kind=DepartmentKind.LEAD,
        hosts_special_office=True,
    )
    office = staff(Role.OFFICE_STAFF, office_unit)
    assert get_duty("intake.spot_check").link_model == "intake.SpotCheckCampaign"
    with time_machine.travel(datetime.datetime(2026, 10, 9, 2, tzinfo=_TZ), tick=False):
        duty_tasks_generate()
        task = DutyTask.objects.get(duty="intake.spot_check", period="2026-Q4")
        assert task.owner == office and task.status == "open"
        assert task.due_on == datetime.date(2026, 10, 20)  # the 10th working day, after 国庆
        campaign = intake_services.spot_check_campaign_run(quarter="2026Q4", seed="7")
    task.refresh_from_db()
    assert task.status == "done" and task.link == campaign and task.completed_by is None
    assert task.link_repr == "2026Q4"
