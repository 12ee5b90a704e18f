"""R-SVC-2: one call-back per resident enterprise a month from the month's first working day,
twice run creating nothing more; a score of 2 or less opens a follow-up with an owner.
R-SVC-3: an anomaly reported more than 24 hours after its discovery is flagged."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.errors import PermissionDenied, ValidationFailed
from parkflow.core.models import Alert, AuditEvent
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user

from .. import services
from ..choices import CallBackChannel
from ..models import CallBack

pytestmark = pytest.mark.django_db


def _residents(desk, n=3):
    return [
        EnterpriseFactory(
            park=desk.park, status=EnterpriseStatus.RESIDENT, account_manager=desk.first
        )
        for _ in range(n)
    ]


def test_r_svc_2_the_months_call_backs_are_created_once_from_its_first_working_day(desk):
    residents = _residents(desk)
    EnterpriseFactory(park=desk.park, status=EnterpriseStatus.PROSPECT)  # not resident
    # October 2026: the 1st–7th are the National Day holiday; the first working day is the 8th.
    assert services.callbacks_generate(today=datetime.date(2026, 10, 7)) == 0
    assert services.callbacks_generate(today=datetime.date(2026, 10, 8)) == 3
    assert services.callbacks_generate(today=datetime.date(2026, 10, 8)) == 0
    assert services.callbacks_generate(today=datetime.date(2026, 10, 20)) == 0
    callbacks = CallBack.objects.filter(period="2026-10")
    assert {c.enterprise_id for c in callbacks} == {e.pk for e in residents}
    assert {c.due_on for c in callbacks} == {datetime.date(2026, 10, 30)}
    assert {c.owner_id for c in callbacks} == {desk.first.pk}
    assert AuditEvent.objects.filter(action="callback.create").count() == 3


def test_r_svc_2_a_low_score_opens_a_follow_up_and_the_enterprise_may_answer_itself(desk):
    first, second = _residents(desk, 2)
    services.callbacks_generate(today=datetime.date(2026, 11, 2))
    low = CallBack.objects.get(enterprise=first)
    with pytest.raises(ValidationFailed):  # a low score says why
        services.callback_record(actor=desk.first, callback=low, score=2)
    services.callback_record(actor=desk.first, callback=low, score=2, comment="报修响应慢")
    low.refresh_from_db()
    assert low.follow_up_owner == desk.first and low.follow_up_due_on is not None
    assert low.channel == CallBackChannel.PHONE
    mine = CallBack.objects.get(enterprise=second)
    with pytest.raises(PermissionDenied):  # another enterprise's call-back
        services.callback_record(actor=enterprise_user(first), callback=mine, score=5)
    services.callback_record(actor=enterprise_user(second), callback=mine, score=5)
    mine.refresh_from_db()
    assert mine.channel == CallBackChannel.PORTAL and mine.follow_up_owner is None


def test_r_svc_3_an_anomaly_reported_more_than_24_hours_after_discovery_is_flagged(desk):
    now = timezone.now()
    timely = services.anomaly_report(
        actor=desk.first,
        park=desk.park,
        description="电梯异响，企业尚未投诉",
        discovered_at=now - datetime.timedelta(hours=3),
    )
    late = services.anomaly_report(
        actor=desk.second,
        park=desk.park,
        description="停车场道闸故障，已有企业抱怨",
        discovered_at=now - datetime.timedelta(hours=30),
    )
    rules.sweep_rule("servicedesk.anomaly_reported_late")
    flagged = set(
        Alert.objects.filter(rule_code="servicedesk.anomaly_reported_late").values_list(
            "object_id", flat=True
        )
    )
    assert flagged == {str(late.pk)} and str(timely.pk) not in flagged
    with pytest.raises(ValidationFailed):
        services.anomaly_report(
            actor=desk.first,
            park=desk.park,
            description="未来的异常",
            discovered_at=now + datetime.timedelta(hours=1),
        )
    with time_machine.travel(now + datetime.timedelta(days=1)):
        assert late.delay_hours > 24


def test_r_svc_2_the_parks_last_call_back_of_the_month_fulfils_the_duty_task(desk):
    from parkflow.duties.models import DutyTask
    from parkflow.duties.services import duty_tasks_generate

    first, second = _residents(desk, 2)
    with time_machine.travel(
        datetime.datetime(2026, 11, 2, 9, tzinfo=timezone.get_current_timezone())
    ):
        duty_tasks_generate()
        services.callbacks_generate()
        task = DutyTask.objects.get(duty="servicedesk.monthly_callbacks", unit=desk.park)
        services.callback_record(
            actor=desk.first, callback=CallBack.objects.get(enterprise=first), score=4
        )
        task.refresh_from_db()
        assert task.status != "done"  # one enterprise still to call
        services.callback_record(
            actor=enterprise_user(second), callback=CallBack.objects.get(enterprise=second), score=5
        )
    task.refresh_from_db()
    assert task.status == "done" and task.link_id == str(CallBack.objects.get(enterprise=second).pk)
    assert "2 家" in task.note
