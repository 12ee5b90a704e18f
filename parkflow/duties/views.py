"""Pages of the compliance calendar (R-MON-3): the calendar (a month grid or a quarter's list,
filtered by unit, owner and state), a task with its evidence form, the evidence file, handing a
task over, and the catalogue of duties with the articles they cite."""

import datetime

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkflow.core import access, audit, clock
from parkflow.core.errors import DomainError
from parkflow.core.forms import add_domain_error, domain_error_text
from parkflow.core.views import get_or_404, staff_page

from . import selectors, services
from .choices import TaskState, TaskStatus
from .declarations import all_duties, get_duty
from .forms import CalendarFilterForm, TaskCompleteForm, TaskReassignForm

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def _range(view: str, month: datetime.date) -> tuple[datetime.date, datetime.date]:
    if view == "quarter":
        start = month.replace(month=(month.month - 1) // 3 * 3 + 1)
        return start, start + relativedelta(months=3) - datetime.timedelta(days=1)
    return month, month + relativedelta(months=1) - datetime.timedelta(days=1)


def _weeks(start, end, tasks, today):
    """The month as weeks of seven days (Monday first), each day with its tasks."""
    by_day: dict[datetime.date, list] = {}
    for task in tasks:
        by_day.setdefault(task.due_on, []).append(task)
    first = start - datetime.timedelta(days=start.weekday())
    last = end + datetime.timedelta(days=6 - end.weekday())
    weeks, day = [], first
    while day <= last:
        week = []
        for _weekday in range(7):
            week.append(
                {
                    "date": day,
                    "in_month": start <= day <= end,
                    "today": day == today,
                    "weekend": day.weekday() >= 5,
                    "tasks": by_day.get(day, []),
                }
            )
            day += datetime.timedelta(days=1)
        weeks.append(week)
    return weeks


def _months(start, end, tasks):
    """A quarter as its three months, each with its tasks in due order."""
    months, month = [], start
    while month <= end:
        months.append(
            {
                "label": _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month},
                "tasks": [t for t in tasks if t.due_on.replace(day=1) == month],
            }
        )
        month += relativedelta(months=1)
    return months


def _shifted(request, month: datetime.date, months: int) -> str:
    query = request.GET.copy()
    query["month"] = (month + relativedelta(months=months)).strftime("%Y-%m")
    return "?" + query.urlencode()


@staff_page("duty.view")
def calendar_view(request):
    """合规日历: every duty's tasks the user sees, due in the month (or quarter) shown."""
    user, today = request.user, clock.today()
    data = request.GET.copy()
    data.setdefault("view", "month")
    data.setdefault("month", today.strftime("%Y-%m"))  # the picker shows the month on view
    form = CalendarFilterForm(
        data,
        units=selectors.units_in_view(actor=user),
        owners=selectors.owners_in_scope(actor=user),
    )
    values = form.values(today)
    view, month = values["view"], values["month"]
    start, end = _range(view, month)
    tasks = list(
        selectors.task_list(
            actor=user,
            start=start,
            end=end,
            unit=values["unit"],
            owner=values["owner"],
            state=values["state"],
        )
    )
    duties = all_duties()
    counts = dict.fromkeys(TaskState.values, 0)
    for task in tasks:
        task.state = task.state_on(today)
        task.declared = duties.get(task.duty)
        counts[task.state] += 1
    step = 3 if view == "quarter" else 1
    if view == "quarter":
        heading = _("%(year)s年第%(q)s季度") % {
            "year": start.year,
            "q": "一二三四"[(start.month - 1) // 3],
        }
    else:
        heading = _("%(year)s年%(month)s月") % {"year": start.year, "month": start.month}
    context = {
        "form": form,
        "view": view,
        "heading": heading,
        "start": start,
        "end": end,
        "tasks": tasks,
        "counts": counts,
        "weeks": _weeks(start, end, tasks, today) if view == "month" else None,
        "months": _months(start, end, tasks) if view == "quarter" else None,
        "weekdays": WEEKDAYS,
        "previous_url": _shifted(request, start, -step),
        "next_url": _shifted(request, start, step),
        "today_url": "?" + urlencode({"view": view}),
        "filtered": bool(request.GET),
    }
    return render(request, "duties/calendar.html", context)


def _link_choices(duty, user, task):
    if duty is None or duty.link_model_class is None:
        return []
    if duty.link_candidates is not None:
        return list(duty.link_candidates(user, task)[:50])
    model = duty.link_model_class
    return list(access.scope(user, model._default_manager.all()).order_by("-pk")[:50])


def _reassign_candidates(task):
    where = {"role_assignments__role": task.owner_role, "is_active": True}
    people = get_user_model().objects.filter(**where)
    if task.park_id is not None:
        people = people.filter(
            Q(role_assignments__unit__park_id=task.park_id)
            | Q(role_assignments__unit__park__isnull=True)
        )
    else:
        people = people.filter(role_assignments__unit__park__isnull=True)
    return (
        get_user_model()
        .objects.filter(pk__in=people.values("pk"))
        .order_by("display_name", "username")
    )


def _task_page(request, task, *, form=None, reassign_form=None, status=200, refusal=""):
    user = request.user
    duty = get_duty(task.duty)
    is_open = task.status == TaskStatus.OPEN
    can_complete = is_open and access.may(user, "duty.complete", task)
    can_reassign = is_open and access.may(user, "duty.reassign", task)
    if can_complete and form is None:
        form = TaskCompleteForm(link_choices=_link_choices(duty, user, task))
    if can_reassign and reassign_form is None:
        reassign_form = TaskReassignForm(candidates=_reassign_candidates(task))
    task.state = task.state_on(clock.today())
    context = {
        "task": task,
        "duty": duty,
        "form": form if can_complete else None,
        # A refusal of a form the user may not see (someone else's task) is said on top.
        "refusal": refusal if not can_complete else "",
        "reassign_form": reassign_form if can_reassign else None,
        "owner_role_label": access.role_label(task.owner_role) or task.owner_role,
        "events": audit.events_for(task),
        "link_url": task.link.get_absolute_url()
        if task.link_id and hasattr(task.link, "get_absolute_url")
        else "",
    }
    return render(request, "duties/task_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_page("duty.view")
def task_detail(request, pk):
    """A task, and for its owner (or the office) the evidence form that completes it."""
    user = request.user
    task = get_or_404(selectors.task_get_for_user, actor=user, pk=pk)
    if request.method == "GET":
        return _task_page(request, task)
    duty = get_duty(task.duty)
    form = TaskCompleteForm(
        request.POST, request.FILES, link_choices=_link_choices(duty, user, task)
    )
    status, refusal = 400, ""
    if form.is_valid():
        try:
            services.task_complete(actor=user, task=task, **form.service_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
            status, refusal = exc.status_code, domain_error_text(exc)
        else:
            messages.success(request, _("任务“%(task)s”已完成。") % {"task": task.title})
            return redirect("duties:task_detail", pk=task.pk)
    task.refresh_from_db()
    return _task_page(request, task, form=form, status=status, refusal=refusal)


@require_POST
@staff_page("duty.view")
def task_reassign(request, pk):
    """The office hands an open task to another holder of its role."""
    user = request.user
    task = get_or_404(selectors.task_get_for_user, actor=user, pk=pk)
    if not access.may(user, "duty.reassign", task):
        raise PermissionDenied
    form = TaskReassignForm(request.POST, candidates=_reassign_candidates(task))
    status = 400
    if form.is_valid():
        try:
            services.task_reassign(actor=user, task=task, owner=form.cleaned_data["owner"])
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status_code
        else:
            messages.success(
                request, _("已将任务转交给 %(name)s。") % {"name": form.cleaned_data["owner"]}
            )
            return redirect("duties:task_detail", pk=task.pk)
    task.refresh_from_db()
    return _task_page(request, task, reassign_form=form, status=status)


@staff_page("duty.view")
def task_evidence(request, pk):
    """Stream a task's evidence file to staff who see the task; audited."""
    task = get_or_404(selectors.task_get_for_user, actor=request.user, pk=pk)
    if not task.evidence:
        raise Http404
    try:
        handle = services.task_evidence_open(actor=request.user, task=task)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("duties:task_detail", pk=task.pk)
    response = FileResponse(
        handle, as_attachment=True, filename=task.evidence_name, content_type=task.evidence_mime
    )
    response["Cache-Control"] = "private, no-store"
    return response


@staff_page("duty.view")
def catalogue(request):
    """职责目录: every declared duty with the articles it cites, its cadence, due rule, owner
    role, units and evidence."""
    rows = [
        {
            "duty": duty,
            "owner_role_label": access.role_label(duty.owner_role) or duty.owner_role,
        }
        for duty in sorted(all_duties().values(), key=lambda d: (d.cadence_order, d.code))
    ]
    return render(request, "duties/catalogue.html", {"rows": rows})
