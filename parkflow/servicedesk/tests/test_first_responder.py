"""R-SVC-1: 首问负责制 — the first staff member who takes a request owns it until it is closed
or a transfer is accepted; a transfer not accepted changes nothing; the third transfer raises an
alert to the department head; working-hour and working-day clocks; the enterprise confirms and
rates, or the result closes by itself after five working days, recorded as such."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from parkflow.core import rules, sla
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import Alert, AuditEvent, SlaClock
from parkflow.enterprises.tests.factories import enterprise_user

from .. import services
from ..choices import RequestStatus, TransferStatus
from ..clocks import RESOLUTION, RESPONSE
from .factories import submitted, taken

pytestmark = pytest.mark.django_db
RULE = "servicedesk.repeated_transfers"


def test_r_svc_1_the_first_to_take_a_request_owns_it(desk):
    request = submitted(desk)
    assert request.status == RequestStatus.OPEN
    services.request_take(actor=desk.second, request=request)
    with pytest.raises(Conflict) as refused:
        services.request_take(actor=desk.first, request=request)
    assert "同事乙" in refused.value.message
    request.refresh_from_db()
    assert request.owner == desk.second and request.status == RequestStatus.IN_PROGRESS


def test_r_svc_1_only_the_owner_resolves_or_transfers(desk):
    request = taken(desk)
    with pytest.raises(PermissionDenied):
        services.request_resolve(actor=desk.second, request=request, resolution="已修复")
    with pytest.raises(PermissionDenied):
        services.transfer_offer(
            actor=desk.second, request=request, to_person=desk.third, reason="不归我管"
        )


def test_r_svc_1_a_transfer_not_accepted_leaves_ownership_unchanged(desk):
    request = taken(desk)
    offer = services.transfer_offer(
        actor=desk.first, request=request, to_person=desk.second, reason="涉及物业维修"
    )
    request.refresh_from_db()
    assert request.owner == desk.first and request.transfer_count == 1
    with pytest.raises(PermissionDenied):  # only the receiver decides
        services.transfer_accept(actor=desk.third, transfer=offer)
    services.transfer_decline(actor=desk.second, transfer=offer, reason="非本部门职责")
    request.refresh_from_db()
    assert request.owner == desk.first
    offer.refresh_from_db()
    assert offer.status == TransferStatus.DECLINED
    again = services.transfer_offer(
        actor=desk.first, request=request, to_person=desk.third, reason="请牵头部门协调"
    )
    services.transfer_accept(actor=desk.third, transfer=again)
    request.refresh_from_db()
    assert request.owner == desk.third and request.transfer_count == 2


def test_r_svc_1_the_third_transfer_raises_an_alert_to_the_department_head(desk):
    from parkflow.notifications.models import Notification

    request = taken(desk)
    people = [desk.second, desk.third, desk.first]
    owner = desk.first
    for count, receiver in enumerate(people, 1):
        offer = services.transfer_offer(
            actor=owner, request=request, to_person=receiver, reason=f"第{count}次转办"
        )
        services.transfer_accept(actor=receiver, transfer=offer)
        owner = receiver
        rules.sweep_rule(RULE)
        alerts = Alert.objects.filter(rule_code=RULE, object_id=str(request.pk))
        assert alerts.exists() == (count >= 3)
    alert = Alert.objects.get(rule_code=RULE, object_id=str(request.pk))
    assert alert.severity == "warning"
    told = set(
        Notification.objects.filter(message__event="alert.escalated").values_list(
            "recipient_id", flat=True
        )
    )
    assert desk.head.pk in told


def test_r_svc_1_the_response_clock_runs_in_working_hours_and_stops_when_taken(desk):
    # Friday 2026-10-30 16:00 Shanghai: a 4-working-hour target (repair, grade B) ends on the
    # next working day, Saturday 31 October being no working day.
    friday = timezone.make_aware(datetime.datetime(2026, 10, 30, 16, 0))
    with time_machine.travel(friday, tick=False):
        request = submitted(desk)
        row = SlaClock.objects.get(code=RESPONSE.code, object_id=str(request.pk))
        due = timezone.localtime(row.due_at)
        assert due.date() == datetime.date(2026, 11, 2) and due.hour >= 9
    with time_machine.travel(friday + datetime.timedelta(hours=1), tick=False):
        services.request_take(actor=desk.first, request=request)
    row.refresh_from_db()
    assert row.state == "met"
    assert SlaClock.objects.filter(code=RESOLUTION.code, object_id=str(request.pk)).exists()


def test_r_svc_1_the_enterprise_confirms_and_rates_staff_cannot(desk):
    request = taken(desk)
    services.request_resolve(actor=desk.first, request=request, resolution="已更换压缩机")
    with pytest.raises(PermissionDenied):
        services.request_confirm(actor=desk.first, request=request, rating=5)
    user = enterprise_user(request.enterprise)
    with pytest.raises(ValidationFailed):
        services.request_confirm(actor=user, request=request, rating=6)
    services.request_confirm(actor=user, request=request, rating=4, comment="处理及时")
    request.refresh_from_db()
    assert (request.status, request.rating, request.auto_closed) == (RequestStatus.CLOSED, 4, False)


def test_r_svc_1_an_unanswered_result_closes_itself_after_five_working_days(desk):
    resolved_on = timezone.make_aware(datetime.datetime(2026, 9, 28, 10, 0))  # Monday
    with time_machine.travel(resolved_on, tick=False):
        request = taken(desk)
        services.request_resolve(actor=desk.first, request=request, resolution="已处理")
    # 29 and 30 September, then 8 and 9 October (1–7 October are the National Day holiday)
    # make four working days by the 9th; Saturday 10 October is an adjusted working day, the
    # fifth: by the 13th the result has waited long enough.
    assert services.requests_auto_close(today=datetime.date(2026, 10, 9)) == 0
    assert services.requests_auto_close(today=datetime.date(2026, 10, 13)) == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED and request.auto_closed
    assert AuditEvent.objects.filter(action="service_request.auto_close").count() == 1
    assert sla  # the clocks module is the kernel's


def test_r_ent_5_an_enterprise_not_in_good_standing_gets_no_enterprise_service_but_a_repair(desk):
    from parkflow.enterprises.choices import EnterpriseStatus
    from parkflow.enterprises.tests.factories import EnterpriseFactory

    prospect = EnterpriseFactory(park=desk.park, status=EnterpriseStatus.PROSPECT)
    with pytest.raises(Conflict) as refused:
        submitted(desk, enterprise=prospect, category="enterprise_service", title="政策申报辅导")
    assert refused.value.code == "enterprise_not_in_good_standing"
    assert submitted(desk, enterprise=prospect, category="repair").status == RequestStatus.OPEN
