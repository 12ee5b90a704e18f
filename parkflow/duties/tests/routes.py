"""The compliance calendar's part of the route policy table (core/tests/routes.py, D28), and its
builders: ``w.duty_task()`` (park A's call-backs of this month, owned by a business staff
member of park A), ``w.duty_task_done()`` (one done with a file), ``w.duty_review()`` (park A's
errand review of the test domain, owned by a lead staff member of park A)."""

from parkflow.core.tests.routes import ALLOWED, API, HIDDEN, STAFF, Case, Route
from parkflow.org.choices import Role as R


def _generated(w):
    from parkflow.core import clock

    from ..services import duty_tasks_generate

    if "duty_generated" not in w._cache:
        w.clerk()  # the park's business staff member exists before the tasks are made
        duty_tasks_generate(today=clock.today())
        w._cache["duty_generated"] = True


def _this_month(w, code):
    from parkflow.core import clock

    from ..choices import Cadence
    from ..declarations import period_of
    from ..models import DutyTask

    _generated(w)
    period = period_of(Cadence.MONTHLY, clock.today()).key
    return DutyTask.objects.select_related("owner").get(duty=code, unit=w.park, period=period)


def duty_task(w):
    if "duty_task" not in w._cache:
        w._cache["duty_task"] = _this_month(w, "servicedesk.monthly_callbacks")
    return w._cache["duty_task"]


def duty_task_done(w):
    from ..services import task_complete
    from .factories import pdf_upload

    if "duty_task_done" not in w._cache:
        task = duty_task(w)
        w._cache["duty_task_done"] = task_complete(
            actor=task.owner, task=task, note="已回访", file=pdf_upload("回访记录.pdf")
        )
    return w._cache["duty_task_done"]


def duty_review(w):
    from ..models import DutyTask

    if "duty_review" not in w._cache:
        task = _this_month(w, "testdomain.errand_review")
        lead = w.staff(R.LEAD_STAFF)
        DutyTask.objects.filter(pk=task.pk).update(owner=lead)  # a builder, not a service
        task.refresh_from_db()
        w._cache["duty_review"] = task
    return w._cache["duty_review"]


BUILDERS = {"duty_task": duty_task, "duty_task_done": duty_task_done, "duty_review": duty_review}


def _calendar(w):
    return Case(marker=duty_task(w).title)


def _nothing(w):
    return Case()


def _task(w):
    task = duty_task(w)
    return Case(
        {"pk": task.pk},
        data={"POST": {"note": "本月回访已完成"}},
        actor=task.owner,
        marker=task.title,
    )


def _reassign(w):
    task = duty_task(w)
    return Case({"pk": task.pk}, data=lambda w: {"POST": {"owner": w.staff(R.BUSINESS_STAFF).pk}})


def _evidence(w):
    return Case({"pk": duty_task_done(w).pk})


def _mine(w):
    task = duty_task(w)
    return Case(marker=task.title, actor=task.owner)


def _api_complete(w):
    task = duty_task(w)
    return Case({"pk": task.pk}, data={"POST": {"note": "本月回访已完成"}}, actor=task.owner)


ROUTES = {
    "duties:calendar": Route(STAFF, {"GET": 200}, "duty.view", R.AUDITOR, _calendar, HIDDEN),
    "duties:catalogue": Route(
        STAFF, {"GET": 200}, "duty.view", R.AUDITOR, _nothing, other_park=ALLOWED
    ),
    "duties:task_detail": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "duty.view", "POST": "duty.complete"},
        R.BUSINESS_STAFF,
        _task,
    ),
    "duties:task_reassign": Route(STAFF, {"POST": 302}, "duty.reassign", R.OFFICE_STAFF, _reassign),
    "duties:task_evidence": Route(STAFF, {"GET": 200}, "duty.view", R.AUDITOR, _evidence),
    "api:duty-task-list": Route(API, {"GET": 200}, "duty.view", R.AUDITOR, _calendar, HIDDEN),
    "api:duty-task-detail": Route(API, {"GET": 200}, "duty.view", R.AUDITOR, _task),
    "api:duty-task-mine": Route(API, {"GET": 200}, "duty.view", R.BUSINESS_STAFF, _mine, HIDDEN),
    "api:duty-task-complete": Route(
        API, {"POST": 200}, "duty.complete", R.BUSINESS_STAFF, _api_complete
    ),
}
