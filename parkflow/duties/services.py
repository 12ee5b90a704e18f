"""Writes of the compliance calendar (R-MON-3).

* ``duty_tasks_generate`` — the daily job: each declared duty's task of the current (and, with a
  lead time, the next) period for every unit in its scope, created exactly once — a unique
  constraint on (duty, unit, period) and ``get_or_create`` make a second run, or two workers at
  once, create nothing more.
* ``duty_tasks_remind`` — ``core.signals.task_due`` once a task is due within
  ``PARKFLOW_DUTY_REMIND_DAYS``, ``task_late`` once it is past due; each once per task.
* ``task_complete`` — the owner (or the office) completes a task with evidence; audited; the late
  alert resolves itself.
* ``task_fulfil`` — a domain links the record that fulfils a duty (the month's screening
  campaign) to its task, completing it.
* ``task_reassign`` — the office hands a task to another holder of its role.
* ``task_evidence_open`` — the evidence file, for those who see the task; audited.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkflow.core import access, audit, clock, hooks, signals
from parkflow.core.db import service
from parkflow.core.errors import Conflict, NotFound, ValidationFailed
from parkflow.core.rules import evaluate_on_commit
from parkflow.core.validation import REASON_MAX_LENGTH, check_length
from parkflow.org.choices import DepartmentKind, UnitKind
from parkflow.org.models import OrgUnit, RoleAssignment

from .choices import Evidence, TaskStatus, UnitScope
from .declarations import Duty, Period, all_duties, get_duty
from .models import DutyTask, evidence_path

# Called by the scheduled jobs (tasks.py) and the demo, never by a person: no actor to check.
SYSTEM_OPERATIONS = {
    "duty_tasks_generate": "the daily job creates each period's tasks; no one acts",
    "duty_tasks_remind": "the daily job sends task_due / task_late once each; no one acts",
}


# ---------------------------------------------------------------------------------------------
# Generation


def _units_in_scope(scope: str):
    """The organisation units a duty of ``scope`` falls on, in the tree's order."""
    units = OrgUnit.objects.order_by("sort_order", "id")
    condition = {
        UnitScope.EACH_PARK: Q(kind=UnitKind.PARK),
        UnitScope.EACH_BUSINESS_DEPARTMENT: Q(
            kind=UnitKind.DEPARTMENT, department_kind=DepartmentKind.BUSINESS
        ),
        UnitScope.EACH_LEVEL: Q(kind__in=(UnitKind.COMPANY, UnitKind.PARK)),
        UnitScope.SPECIAL_OFFICE: Q(hosts_special_office=True),
        UnitScope.LEAD_DEPARTMENT: Q(department_kind=DepartmentKind.LEAD, park__isnull=True),
        UnitScope.LEGAL_DEPARTMENT: Q(department_kind=DepartmentKind.LEGAL, park__isnull=True),
        UnitScope.RISK_DEPARTMENT: Q(department_kind=DepartmentKind.RISK, park__isnull=True),
    }[scope]
    return units.filter(condition)


def _holders(role: str) -> list[RoleAssignment]:
    """Active holders of ``role``, longest-standing first (one query per role and run)."""
    return list(
        RoleAssignment.objects.filter(role=role, user__is_active=True)
        .select_related("user", "unit")
        .order_by("granted_at", "pk")
    )


def _owner_for(unit: OrgUnit, holders: list[RoleAssignment]):
    """Who owns a unit's task (责任到人, Art.4): the longest-standing holder of the role in the
    unit itself, else in the unit's park, else at headquarters; None when nobody holds it (the
    task is then the role's pool in its park, and the office may hand it to someone)."""
    for matches in (
        lambda a: a.unit_id == unit.pk,
        lambda a: unit.park_id is not None and a.unit.park_id == unit.park_id,
        lambda a: a.unit.park_id is None,
    ):
        for assignment in holders:
            if matches(assignment):
                return assignment.user
    return None


def _title(duty: Duty, period: Period, unit: OrgUnit) -> str:
    return f"{duty.title}（{period.label}）· {unit.name}"[:200]


@service
def _generate(duty: Duty, period: Period, due: datetime.date) -> int:
    """The tasks of one duty and period that do not exist yet; returns how many were created."""
    units = list(_units_in_scope(duty.unit_scope))
    existing = set(
        DutyTask.objects.filter(duty=duty.code, period=period.key).values_list("unit_id", flat=True)
    )
    missing = [unit for unit in units if unit.pk not in existing]
    if not missing:
        return 0
    holders = _holders(duty.owner_role)
    now, created = clock.now(), 0
    for unit in missing:
        owner = _owner_for(unit, holders)
        task, made = DutyTask.objects.get_or_create(
            duty=duty.code,
            unit=unit,
            period=period.key,
            defaults={
                "title": _title(duty, period, unit),
                "park_id": unit.park_id,
                "period_start": period.start,
                "period_end": period.end,
                "due_on": due,
                "owner_role": duty.owner_role,
                "owner": owner,
                "created_at": now,
            },
        )
        if made:
            created += 1
            audit.record(
                None,
                "duty_task.create",
                task,
                after={"due_on": due, "owner": str(owner) if owner else ""},
            )
    return created


def duty_tasks_generate(*, today: datetime.date | None = None) -> int:
    """Create the tasks whose time has come (R-MON-3): for every declared duty, the current
    period's — and the next period's when its lead time reaches back into today — once per
    unit. Each duty and period in its own transaction; a run that created tasks leaves one
    ``duty_calendar.generate`` event with the count. Returns the number created."""
    today = today or clock.today()
    created = 0
    by_duty: dict[str, int] = {}
    for duty in all_duties().values():
        current = duty.period_of(today)
        for period in (current, current.next()):
            if duty.lead_days is None and duty.opens(period) > today:
                continue  # no calendar lookup for a period whose window has not begun
            due = duty.due(period)
            if duty.opens(period, due) > today:
                continue
            made = _generate(duty, period, due)
            if made:
                by_duty[f"{duty.code}@{period.key}"] = made
            created += made
    if created:
        _record_run(today, created, by_duty)
    return created


@service
def _record_run(today, created: int, by_duty: dict) -> None:
    audit.record(
        None,
        "duty_calendar.generate",
        None,
        after={"date": today, "created": created, "periods": len(by_duty)},
        object_repr=str(_("合规日历")),
    )


# ---------------------------------------------------------------------------------------------
# Reminders: task_due and task_late, once each


@service
def duty_tasks_remind(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Send ``task_due`` for open tasks due within ``PARKFLOW_DUTY_REMIND_DAYS`` and ``task_late``
    for open tasks past due, each once per task (stamped in the same transaction; rows locked
    so two workers never send twice). Returns (due, late) counts."""
    today = today or clock.today()
    now = clock.now()
    soon = today + datetime.timedelta(days=settings.PARKFLOW_DUTY_REMIND_DAYS)
    open_tasks = DutyTask.objects.select_for_update(of=("self",), no_key=True).filter(
        status=TaskStatus.OPEN
    )
    due_ids = list(
        open_tasks.filter(
            due_notified_at__isnull=True, due_on__gte=today, due_on__lte=soon
        ).values_list("pk", flat=True)
    )
    late_ids = list(
        open_tasks.filter(late_notified_at__isnull=True, due_on__lt=today).values_list(
            "pk", flat=True
        )
    )
    DutyTask.objects.filter(pk__in=due_ids).update(due_notified_at=now)
    DutyTask.objects.filter(pk__in=late_ids).update(late_notified_at=now)
    tasks = DutyTask.objects.select_related("owner", "unit").filter(pk__in=due_ids + late_ids)
    for task in tasks.order_by("due_on", "pk"):
        signal = signals.task_due if task.pk in due_ids else signals.task_late
        signal.send(sender=DutyTask, task=task)
    return len(due_ids), len(late_ids)


# ---------------------------------------------------------------------------------------------
# Completion


def _locked(task: DutyTask) -> DutyTask:
    return DutyTask.objects.select_for_update(of=("self",), no_key=True).get(pk=task.pk)


def _checked_file(upload):
    """The same content checks as any uploaded document (type sniffed from the bytes, size
    limit, safe name); registered by the app that owns uploads (D30)."""
    try:
        return hooks.require("check_upload")(upload)
    except ValidationFailed as exc:
        messages = [m for field_messages in exc.errors.values() for m in field_messages]
        raise ValidationFailed({"file": messages}, requirement="R-MON-3") from None


def _accepted(duty: Duty | None) -> tuple[str, ...]:
    return duty.evidence if duty else (Evidence.NOTE, Evidence.FILE)


def _check_link(actor, duty: Duty | None, link) -> str:
    """The linked record must be of the duty's model and one the actor sees."""
    model = duty.link_model_class if duty else None
    if model is None or not isinstance(link, model):
        raise ValidationFailed(
            {"link": [_("关联记录的类型不符合该职责的要求。")]}, requirement="R-MON-3"
        )
    visible = access.scope(actor, model._default_manager.filter(pk=link.pk)) if actor else None
    if visible is not None and not visible.exists():
        raise ValidationFailed({"link": [_("关联记录不存在或无权访问。")]}, requirement="R-MON-3")
    return str(link)[:255]


def _complete(actor, task: DutyTask, *, note: str, file, link) -> DutyTask:
    if task.status == TaskStatus.DONE:
        raise Conflict("task_done", _("该任务已完成，不能重复提交。"), requirement="R-MON-3")
    duty = get_duty(task.duty)
    note = check_length(
        "note", (note or "").strip(), REASON_MAX_LENGTH, label=_("完成说明"), requirement="R-MON-3"
    )
    accepted = _accepted(duty)
    link_repr = _check_link(actor, duty, link) if link is not None else ""
    given = {
        kind
        for kind, present in (
            (Evidence.NOTE, bool(note)),
            (Evidence.FILE, file is not None),
            (Evidence.LINK, link is not None),
        )
        if present
    }
    if not given & set(accepted):
        kinds = "、".join(str(Evidence(kind).label) for kind in accepted)
        message = _("请提供证明材料（%(kinds)s）。") % {"kinds": kinds}
        if duty and duty.evidence_hint:
            message = _("请提供证明材料（%(kinds)s）：%(hint)s。") % {
                "kinds": kinds,
                "hint": duty.evidence_hint,
            }
        raise ValidationFailed({"evidence": [message]}, requirement="R-MON-3")
    checked = _checked_file(file) if file is not None else None
    before = {"status": task.status}
    task.note = note
    if link is not None:
        task.link_type = ContentType.objects.get_for_model(link)
        task.link_id = str(link.pk)
        task.link_repr = link_repr
    stored_name = ""
    if checked:
        task.evidence_name = checked.original_name
        task.evidence_mime = checked.mime_type
        task.evidence_sha256 = checked.sha256
        stored_name = default_storage.save(evidence_path(task, ""), file)
        task.evidence = stored_name
    task.status = TaskStatus.DONE
    task.completed_at = clock.now()
    task.completed_by = actor
    try:
        task.save()
        audit.record(
            actor,
            "duty_task.complete",
            task,
            before=before,
            after={
                "status": task.status,
                "evidence": sorted(given),
                "note": note,
                "evidence_name": task.evidence_name,
                "evidence_sha256": task.evidence_sha256,
                "link_repr": task.link_repr,
                "late": task.completed_late,
            },
        )
    except BaseException:
        if stored_name:
            default_storage.delete(stored_name)
        raise
    evaluate_on_commit(task)  # the late alert, if any, resolves itself
    return task


@service
def task_complete(*, actor, task: DutyTask, note: str = "", file=None, link=None) -> DutyTask:
    """Complete a task with evidence (R-MON-3): at least one kind the duty accepts — a note, a
    file (checked like any upload), a link to the record that fulfils it. Only its owner, a
    holder of its role while nobody owns it, or the special management office (permissions)."""
    task = _locked(task)
    access.ensure(actor, "duty.complete", task, requirement="R-MON-3")
    return _complete(actor, task, note=note, file=file, link=link)


@service
def task_fulfil(
    *, actor, duty: str, obj, unit: OrgUnit | None = None, on=None, note: str = ""
) -> DutyTask | None:
    """A domain links the record that fulfils ``duty`` — the quarter's spot-check draw, the
    month's screening campaign — to the task of the period containing ``on`` (default today)
    for ``unit`` (default: the duty's only task of that period), and completes it. ``actor``
    None: the system made the record (a scheduled job). Returns None when there is no open task
    to fulfil (not generated, or already done)."""
    declared = get_duty(duty)
    if declared is None:
        raise ValueError(f"unknown duty {duty!r}")
    period = declared.period_of(on or clock.today())
    tasks = DutyTask.objects.filter(duty=duty, period=period.key)
    if unit is not None:
        tasks = tasks.filter(unit=unit)
    found = list(tasks.values_list("pk", flat=True)[:2])
    if len(found) != 1:
        if len(found) > 1:
            raise ValueError(f"duty {duty!r}: several tasks in {period.key}; name the unit")
        return None
    task = DutyTask.objects.select_for_update(of=("self",), no_key=True).get(pk=found[0])
    if actor is not None:
        access.ensure(actor, "duty.complete", task, requirement="R-MON-3")
    if task.status == TaskStatus.DONE:
        return None
    return _complete(actor, task, note=note, file=None, link=obj)


@service
def task_reassign(*, actor, task: DutyTask, owner) -> DutyTask:
    """Hand an open task to another holder of its role in its park (or at headquarters); the
    office's (R-MON-3, Art.7)."""
    task = _locked(task)
    access.ensure(actor, "duty.reassign", task, requirement="R-MON-3")
    if task.status == TaskStatus.DONE:
        raise Conflict("task_done", _("该任务已完成，不能再转交。"), requirement="R-MON-3")
    access.forget(owner)
    if not access.has_role(owner, task.owner_role, task.park_id):
        raise ValidationFailed(
            {
                "owner": [
                    _("%(name)s 在该单位不担任“%(role)s”，不能承担此任务。")
                    % {
                        "name": owner,
                        "role": access.role_label(task.owner_role) or task.owner_role,
                    }
                ]
            },
            requirement="R-MON-3",
        )
    before = {"owner": str(task.owner) if task.owner_id else ""}
    task.owner = owner
    task.save(update_fields=["owner"])
    audit.record(actor, "duty_task.reassign", task, before=before, after={"owner": str(owner)})
    return task


def task_evidence_open(*, actor, task: DutyTask):
    """Open a task's evidence file for someone who sees the task; audited."""
    task = access.get_for_user(actor, DutyTask.objects.all(), pk=task.pk)
    if not task.evidence:
        raise NotFound()
    handle = task.evidence.open("rb")
    audit.record(actor, "duty_task.evidence_download", task, after={"sha256": task.evidence_sha256})
    return handle
