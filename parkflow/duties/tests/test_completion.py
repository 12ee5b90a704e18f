"""R-MON-3: a task is done with evidence, by its owner or the office; a late task raises one
alert that resolves when it is done; ``task_due``/``task_late`` are sent once each; the to-do
centre lists a task for its owner only."""

import datetime

import pytest
import time_machine
from django.core.files.storage import default_storage

from parkflow.core import rules, signals
from parkflow.core.choices import AlertStatus, Severity
from parkflow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from parkflow.core.models import Alert, AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff
from parkflow.testdomain.tests.factories import errand

from .. import selectors, services
from ..choices import TaskStatus
from ..models import DutyTask
from ..rules import TASK_LATE
from .factories import build_org, pdf_upload

pytestmark = pytest.mark.django_db

D = datetime.date
_TZ = datetime.timezone(datetime.timedelta(hours=8))


def _at(day: datetime.date, hour=10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=_TZ), tick=False
    )


@pytest.fixture
def org(park, other_park):
    org = build_org(park, other_park)
    with _at(D(2026, 10, 12)):
        services.duty_tasks_generate()
    return org


def _task(code, unit, period="2026-10"):
    return DutyTask.objects.get(duty=code, unit=unit, period=period)


@pytest.fixture
def screening(org):
    """Park A's October risk screening (file evidence), owned by the HQ risk officer."""
    return _task("risk.monthly_screening", org.park)


@pytest.fixture
def callbacks(org):
    """Park A's October call-backs (a note or a file), owned by the business staff."""
    return _task("servicedesk.monthly_callbacks", org.park)


# --- who may complete ---------------------------------------------------------------------


def test_the_owner_completes_with_a_file_and_it_is_audited(org, screening):
    with _at(D(2026, 10, 20)):
        done = services.task_complete(
            actor=org.person("risk"), task=screening, note="已排查", file=pdf_upload()
        )
    assert done.status == TaskStatus.DONE and done.completed_by == org.person("risk")
    assert done.evidence_mime == "application/pdf" and len(done.evidence_sha256) == 64
    assert default_storage.exists(done.evidence.name)
    event = AuditEvent.objects.get(action="duty_task.complete")
    assert event.before == {"status": "open"}
    assert event.after["status"] == "done" and event.after["evidence"] == ["file", "note"]
    assert event.after["evidence_sha256"] == done.evidence_sha256
    assert event.after["late"] is False


def test_someone_elses_task_is_refused_and_nothing_is_written(org, screening, callbacks):
    colleague = staff(Role.BUSINESS_STAFF, org.park)  # same park, not the owner
    auditor = staff(Role.AUDITOR, org.park)
    other_park_officer = staff(Role.RISK_OFFICER, org.other_park)
    events = AuditEvent.objects.count()
    for actor in (colleague, auditor, org.person("biz_b")):
        with pytest.raises(PermissionDenied):
            services.task_complete(actor=actor, task=callbacks, note="代为完成")
    with pytest.raises(PermissionDenied):
        services.task_complete(actor=other_park_officer, task=screening, file=pdf_upload())
    assert AuditEvent.objects.count() == events
    callbacks.refresh_from_db()
    assert callbacks.status == TaskStatus.OPEN


def test_the_office_may_complete_on_the_owners_behalf(org, callbacks):
    done = services.task_complete(actor=org.person("office"), task=callbacks, note="电话回访完成")
    assert done.status == TaskStatus.DONE and done.completed_by == org.person("office")
    assert done.owner == org.person("biz_a")  # the owner stays the owner


def test_a_pooled_task_is_done_by_a_holder_of_its_role_in_its_park(park, other_park):
    org = build_org(park, other_park)
    org.person("biz_a").role_assignments.all().delete()
    org.person("biz_b").role_assignments.all().delete()
    with _at(D(2026, 10, 12)):
        services.duty_tasks_generate()
    pooled = _task("servicedesk.monthly_callbacks", org.park)
    assert pooled.owner is None
    holder_a = staff(Role.BUSINESS_STAFF, org.park)
    holder_b = staff(Role.BUSINESS_STAFF, org.other_park)
    assert list(selectors.tasks_for(holder_a).filter(pk=pooled.pk)) == [pooled]
    assert not selectors.tasks_for(holder_b).filter(pk=pooled.pk).exists()
    with pytest.raises(PermissionDenied):
        services.task_complete(actor=holder_b, task=pooled, note="越权")
    assert services.task_complete(actor=holder_a, task=pooled, note="已回访").status == "done"


# --- evidence -----------------------------------------------------------------------------


def test_evidence_is_required(org, screening, callbacks):
    risk = org.person("risk")
    with pytest.raises(ValidationFailed) as refused:
        services.task_complete(actor=risk, task=screening)
    assert "evidence" in refused.value.errors and refused.value.requirement == "R-MON-3"
    # A note alone is not evidence of a screening: its duty asks for the signed record.
    with pytest.raises(ValidationFailed) as refused:
        services.task_complete(actor=risk, task=screening, note="排查完毕")
    assert "文件" in refused.value.errors["evidence"][0]
    assert "风险矩阵" in refused.value.errors["evidence"][0]  # the duty's hint
    with pytest.raises(ValidationFailed):
        services.task_complete(actor=org.person("biz_a"), task=callbacks, note="   ")
    assert not AuditEvent.objects.filter(action="duty_task.complete").exists()


def test_a_file_that_is_not_a_document_is_refused(org, screening):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("记录.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationFailed) as refused:
        services.task_complete(actor=org.person("risk"), task=screening, file=fake)
    assert "file" in refused.value.errors
    assert DutyTask.objects.get(pk=screening.pk).status == TaskStatus.OPEN


def test_a_done_task_is_not_done_twice(org, callbacks):
    services.task_complete(actor=org.person("biz_a"), task=callbacks, note="已回访")
    with pytest.raises(Conflict):
        services.task_complete(actor=org.person("biz_a"), task=callbacks, note="再来一次")
    assert AuditEvent.objects.filter(action="duty_task.complete").count() == 1


# --- a link to the record that fulfils it (the test domain's duty) ------------------------


@pytest.fixture
def review(org):
    return _task("testdomain.errand_review", org.park)


def test_a_domain_fulfils_its_duty_with_the_record_it_made(org, review):
    made = errand(org.park, title="十月消防通道检查")
    task = services.task_fulfil(
        actor=None, duty="testdomain.errand_review", obj=made, unit=org.park, on=D(2026, 10, 15)
    )
    assert task.pk == review.pk and task.status == TaskStatus.DONE
    assert task.link == made and task.link_repr == "十月消防通道检查"
    assert task.completed_by is None  # the system recorded it
    event = AuditEvent.objects.get(action="duty_task.complete")
    assert event.after["evidence"] == ["link"] and event.after["link_repr"] == "十月消防通道检查"
    # Done already: a second record does nothing.
    assert (
        services.task_fulfil(
            actor=None, duty="testdomain.errand_review", obj=made, unit=org.park, on=D(2026, 10, 16)
        )
        is None
    )


def test_a_link_of_another_park_or_another_kind_is_refused(org, review):
    elsewhere = errand(org.other_park, title="乙园事项")
    park_lead = staff(Role.LEAD_STAFF, org.park)
    services.task_reassign(actor=org.person("office"), task=review, owner=park_lead)
    with pytest.raises(ValidationFailed) as refused:
        services.task_complete(actor=park_lead, task=review, link=elsewhere)
    assert "link" in refused.value.errors
    with pytest.raises(ValidationFailed):
        services.task_complete(actor=park_lead, task=review, link=org.park)  # not an errand
    assert (
        services.task_complete(
            actor=park_lead, task=review, link=errand(org.park, title="甲园事项")
        ).link_repr
        == "甲园事项"
    )


# --- late: one alert, resolved when done; escalates ---------------------------------------


def test_a_late_task_raises_exactly_one_alert_that_resolves_when_done(
    org, callbacks, django_capture_on_commit_callbacks
):
    due = callbacks.due_on  # 30 October 2026
    with _at(due):
        rules.sweep_rule(TASK_LATE)
    assert not Alert.objects.filter(rule_code=TASK_LATE, object_id=str(callbacks.pk)).exists()
    with _at(due + datetime.timedelta(days=1)):
        rules.sweep_rule(TASK_LATE)
        rules.sweep_rule(TASK_LATE)
    alerts = Alert.objects.filter(rule_code=TASK_LATE, object_id=str(callbacks.pk))
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.assignee == org.person("biz_a") and alert.park == org.park
    assert alert.status == AlertStatus.OPEN and alert.severity == Severity.WARNING
    assert "服务满意度月度回访" in alert.message
    with _at(due + datetime.timedelta(days=2)), django_capture_on_commit_callbacks(execute=True):
        services.task_complete(actor=org.person("biz_a"), task=callbacks, note="补做回访")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert AuditEvent.objects.get(action="duty_task.complete").after["late"] is True
    with _at(due + datetime.timedelta(days=3)):
        rules.sweep_rule(TASK_LATE)
    assert alerts.count() == 1


def test_a_long_late_task_escalates_to_the_department_head_and_the_leader(org, callbacks):
    head = staff(Role.DEPT_HEAD, org.park, display_name="甲园部长")
    told = []

    def receiver(sender, escalations, **kwargs):
        for alert, before, recipients, _roles in escalations:
            if alert.object_id == str(callbacks.pk):
                told.append((before, alert.severity, {p.pk for p in recipients}))

    signals.alerts_escalated.connect(receiver, dispatch_uid="test-duty-escalation")
    try:
        with _at(callbacks.due_on + datetime.timedelta(days=8)):
            rules.sweep_rule(TASK_LATE)
        with _at(callbacks.due_on + datetime.timedelta(days=31)):
            rules.sweep_rule(TASK_LATE)
    finally:
        signals.alerts_escalated.disconnect(dispatch_uid="test-duty-escalation")
    alert = Alert.objects.get(rule_code=TASK_LATE, object_id=str(callbacks.pk))
    assert alert.severity == Severity.CRITICAL
    assert told == [
        ("warning", "high", {org.person("biz_a").pk, head.pk}),
        ("high", "critical", {org.person("deputy").pk}),
    ]


# --- task_due and task_late, once each ----------------------------------------------------


def test_due_soon_and_late_are_signalled_once_each(org, callbacks):
    sent = []

    def on_due(sender, task, **kwargs):
        sent.append(("due", task.pk))

    def on_late(sender, task, **kwargs):
        sent.append(("late", task.pk))

    signals.task_due.connect(on_due, dispatch_uid="test-task-due")
    signals.task_late.connect(on_late, dispatch_uid="test-task-late")
    try:
        with _at(D(2026, 10, 12)):
            services.duty_tasks_remind()  # 18 days ahead: nothing yet
        assert ("due", callbacks.pk) not in sent
        with _at(D(2026, 10, 27)):
            services.duty_tasks_remind()
            services.duty_tasks_remind()
        assert sent.count(("due", callbacks.pk)) == 1
        with _at(D(2026, 11, 2)):
            services.duty_tasks_remind()
            services.duty_tasks_remind()
        assert sent.count(("late", callbacks.pk)) == 1
    finally:
        signals.task_due.disconnect(dispatch_uid="test-task-due")
        signals.task_late.disconnect(dispatch_uid="test-task-late")
    callbacks.refresh_from_db()
    assert callbacks.due_notified_at and callbacks.late_notified_at


def test_a_done_task_is_never_reminded(org, callbacks):
    sent = []
    signals.task_late.connect(
        lambda sender, task, **kw: sent.append(task.pk), dispatch_uid="test-done-late", weak=False
    )
    try:
        services.task_complete(actor=org.person("biz_a"), task=callbacks, note="已回访")
        with _at(D(2026, 11, 2)):
            services.duty_tasks_remind()
    finally:
        signals.task_late.disconnect(dispatch_uid="test-done-late")
    assert callbacks.pk not in sent


# --- the to-do centre ---------------------------------------------------------------------


def test_tasks_for_lists_my_open_tasks_soonest_first_and_nobody_elses(org, callbacks):
    mine = list(selectors.tasks_for(org.person("biz_a")))
    assert callbacks in mine
    assert all(task.owner == org.person("biz_a") for task in mine)
    assert [t.due_on for t in mine] == sorted(t.due_on for t in mine)
    assert callbacks not in selectors.tasks_for(org.person("biz_b"))
    assert callbacks not in selectors.tasks_for(org.person("office"))  # may complete, not his
    assert callbacks not in selectors.tasks_for(staff(Role.BUSINESS_STAFF, org.park))
    services.task_complete(actor=org.person("biz_a"), task=callbacks, note="已回访")
    assert callbacks not in selectors.tasks_for(org.person("biz_a"))


def test_tasks_for_costs_one_query(org, django_assert_num_queries):
    person = org.person("biz_a")
    from parkflow.core import access

    access.roles_of(person)  # roles are cached per request
    with django_assert_num_queries(1):
        list(selectors.tasks_for(person))


# --- handing a task over, opening the evidence --------------------------------------------


def test_the_office_hands_a_task_to_another_holder_of_its_role(org, callbacks):
    other = staff(Role.BUSINESS_STAFF, org.park, display_name="赵敏")
    moved = services.task_reassign(actor=org.person("office"), task=callbacks, owner=other)
    assert moved.owner == other
    event = AuditEvent.objects.get(action="duty_task.reassign")
    assert event.before == {"owner": "王磊"} and event.after == {"owner": "赵敏"}
    with pytest.raises(ValidationFailed):  # not a business staff member of the park
        services.task_reassign(
            actor=org.person("office"), task=callbacks, owner=org.person("legal")
        )
    with pytest.raises(PermissionDenied):  # only the office hands tasks over
        services.task_reassign(actor=org.person("biz_a"), task=callbacks, owner=org.person("biz_a"))


def test_the_evidence_is_opened_by_who_sees_the_task_and_audited(org, screening):
    services.task_complete(actor=org.person("risk"), task=screening, file=pdf_upload())
    viewer = staff(Role.AUDITOR, org.park)
    handle = services.task_evidence_open(actor=viewer, task=screening)
    handle.close()
    assert AuditEvent.objects.filter(action="duty_task.evidence_download").count() == 1
    with pytest.raises(NotFound):
        services.task_evidence_open(actor=staff(Role.AUDITOR, org.other_park), task=screening)


def test_the_to_do_centre_lists_the_task_for_its_owner_only_overdue_in_red(client, org, callbacks):
    from django.urls import reverse

    from parkflow.core import todo

    owner = org.person("biz_a")
    with _at(D(2026, 11, 2)):  # October's call-backs are late now
        pending = [item for _source, item in todo.items(owner, todo.PENDING)]
        mine = [item for item in pending if item.url == callbacks.get_absolute_url()]
        assert len(mine) == 1 and mine[0].overdue and mine[0].action_label == "提交证明"
        assert todo.pending_count(owner) >= 1
        for other in (
            org.person("biz_b"),
            org.person("office"),
            staff(Role.BUSINESS_STAFF, org.park),
        ):
            urls = [item.url for _source, item in todo.items(other, todo.PENDING)]
            assert callbacks.get_absolute_url() not in urls
        client.force_login(owner)
        html = client.get(reverse("workbench:todo")).content.decode()
        assert callbacks.title in html and "合规任务" in html and "已逾期" in html
        client.force_login(org.person("biz_b"))
        assert callbacks.title not in client.get(reverse("workbench:todo")).content.decode()
    services.task_complete(actor=owner, task=callbacks, note="已回访")
    done = [item.url for _source, item in todo.items(owner, todo.DONE)]
    assert callbacks.get_absolute_url() in done
    assert callbacks.get_absolute_url() not in [
        item.url for _source, item in todo.items(owner, todo.PENDING)
    ]
