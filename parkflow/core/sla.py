"""SLA clocks on the business calendar (issue 8 §2; R-SVC-1, R-CMP-3, R-EXT-1, R-MON-4).

A domain declares its clocks in its app's ``clocks.py`` (discovered at start-up)::

    RESPONSE = sla.register(
        Clock(
            code="complaints.response",
            model="complaints.Complaint",
            label=_("响应时限"),
            unit=SlaUnit.WORKING_DAYS,
            targets={"general": Param(int, 3, min=1, max=30, label=_("一般投诉"))},
            grade=lambda complaint: complaint.grade,
            permission="complaint.handle",
        )
    )

and calls the services from its own services or transition effects: ``sla.start(actor=, obj=,
clock=RESPONSE)`` when the item is created or submitted, ``pause``/``resume`` while it waits for
the customer, ``regrade`` when its grade (and so its target) changes, ``stop`` when it is
answered. Each is one audited step on the object's timeline. The unit and the target of each
grade are parameters an administrator changes on the 时限设置 page (``setting_update``,
audited); a running clock keeps the target it started with until it is regraded.

A clock is a ``SlaClock`` row per (object, declared clock) holding ``due_at`` (and ``warn_at``,
the point where 80 % of the window is used, and ``critical_at``, twice the window), computed
once when the clock starts and again when it resumes, is regraded, or the calendar or the
business hours change. Overdue and due-soon are therefore plain range conditions a domain adds
to its own queryset (``overdue``, ``due_soon``): set-based, one query, however many items.

Time is counted in one of two ways. Calendar units (hours, days) count real time. Working units
count *working time*: a point in time is mapped to its position on a line made of the business
hours of the working days only (09:00–17:30 Asia/Shanghai by default, one
``BusinessHours.length`` per working day, numbered by ``BusinessDay.working_ordinal``), so "four
working hours after Friday 16:30" is one addition and one inverse lookup (Monday 12:00), and a
pause moves the deadline by the working time it covered. "N working days" ends at the close of
business of the N-th working day after the start date, the start date not counted (as
``calendar.add_working_days``). A lunch break is not modelled: the regulation names none.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, audit, audit_actions, calendar, clock
from .calendar import DayTable
from .choices import SlaState, SlaUnit
from .db import service
from .errors import Conflict, PermissionDenied, ValidationFailed
from .models import SlaClock, SlaSetting
from .rules import Param

REQUIREMENT = "R-SVC-1"
BUSINESS_HOURS = "core.business_hours"
ACTIVE = (SlaState.RUNNING, SlaState.PAUSED)
OUTCOMES = (SlaState.MET, SlaState.BREACHED)
WORKING_UNITS = (SlaUnit.WORKING_DAYS, SlaUnit.WORKING_HOURS)
OPERATIONS = ("start", "pause", "resume", "regrade", "stop")
US = 1_000_000  # positions on the working-time line are integer microseconds

# Public functions of this module that do not call the access layer themselves, and why (D21):
SYSTEM_OPERATIONS = {
    "register": "declaration at start-up",
    "autodiscover": "declaration at start-up",
    "get_clock": "registry lookup",
    "business_hours": "read of a kernel setting",
    "clock_settings": "read of a declared clock's parameters",
    "compute": "pure: a clock's due, warning and critical times",
    "recalculate": (
        "system: re-times running clocks after a calendar or business-hours change; the change "
        "that causes it is the audited step (calendar.schedule_enter, calendar_day.*, "
        "sla.configure)"
    ),
    "overdue": "selector on a queryset the caller already scoped",
    "due_soon": "selector on a queryset the caller already scoped",
    "critical": "selector on a queryset the caller already scoped",
    "clocks_for": "selector on a queryset the caller already scoped",
    "with_clock": "selector on a queryset the caller already scoped",
    "attainment": "selector on a queryset the caller already scoped",
    "clocks_of": "read of one object the caller already fetched through the access layer",
    "remaining": "pure: the time left on one clock",
    "remaining_text": "pure: the time left, in words",
}


# ---------------------------------------------------------------------------------------------
# Declarations


@dataclass(frozen=True)
class Clock:
    """One kind of deadline of one model, declared in its app's ``clocks.py``.

    ``targets``     grade -> ``Param`` (the default amount in ``unit``, its bounds, the grade's
                    label); one grade ("default") when the model has no categories.
    ``grade``       ``obj -> grade`` at start; None: the first declared grade.
    ``permission``  the access action on the object that starts, pauses, resumes and stops the
                    clock; ``actions`` overrides it per operation (``{"stop": "x.close"}``).
    ``park``        path from the object to its park (the KPIs count per park).
    """

    code: str
    model: str  # "app_label.ModelName"
    label: object
    unit: str
    targets: dict
    grade: Callable | None = None
    permission: str = ""
    actions: dict = field(default_factory=dict)
    park: str | None = "park"
    articles: tuple[str, ...] = ()
    requirement: str = REQUIREMENT
    warn_ratio: float = 0.8
    critical_ratio: float = 2.0

    def __post_init__(self):
        if self.unit not in SlaUnit.values:
            raise ValueError(f"clock {self.code}: unknown unit {self.unit!r}")
        if not self.targets:
            raise ValueError(f"clock {self.code}: no targets")
        for grade, spec in self.targets.items():
            if not isinstance(spec, Param) or spec.type not in (int, float):
                raise TypeError(f"clock {self.code}: target {grade!r} must be a numeric Param")
            if spec.min is None or spec.min <= 0:
                raise ValueError(f"clock {self.code}: target {grade!r} needs a positive minimum")
        unknown = set(self.actions) - set(OPERATIONS)
        if unknown:
            raise ValueError(f"clock {self.code}: unknown operations {sorted(unknown)}")
        if not (0 < self.warn_ratio < 1 < self.critical_ratio):
            raise ValueError(f"clock {self.code}: need 0 < warn_ratio < 1 < critical_ratio")

    def action(self, operation: str) -> str:
        return self.actions.get(operation) or self.permission

    @property
    def model_class(self):
        from django.apps import apps

        return apps.get_model(self.model)

    def grade_of(self, obj) -> str:
        return str(self.grade(obj)) if self.grade else next(iter(self.targets))

    def grade_label(self, grade: str) -> str:
        spec = self.targets.get(grade)
        return str(spec.label or grade) if spec else grade


REGISTRY: dict[str, Clock] = {}


def register(declared: Clock) -> Clock:
    """Declare a clock (in the app's ``clocks.py``); returns it, to be imported by the services
    that start and stop it."""
    if declared.code in REGISTRY and REGISTRY[declared.code] != declared:
        raise ValueError(f"clock {declared.code} declared twice")
    REGISTRY[declared.code] = declared
    # The audit page names the clock in the events that record it.
    audit_actions.register({}, values={"clock": {declared.code: declared.label}})
    return declared


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("clocks")


def get_clock(code) -> Clock:
    if isinstance(code, Clock):
        return code
    try:
        return REGISTRY[code]
    except KeyError:
        raise ValidationFailed({"clock": [_("未知时限：%(code)s") % {"code": code}]}) from None


# ---------------------------------------------------------------------------------------------
# Settings: business hours (a kernel setting) and each clock's unit and targets


@dataclass(frozen=True)
class BusinessHours:
    opens: datetime.time = datetime.time(9, 0)
    closes: datetime.time = datetime.time(17, 30)

    @property
    def length(self) -> int:
        """Microseconds of business time in one working day."""
        return (
            (self.closes.hour - self.opens.hour) * 3600
            + (self.closes.minute - self.opens.minute) * 60
        ) * US

    @property
    def text(self) -> str:
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"

    def as_params(self) -> dict:
        return {"opens": f"{self.opens:%H:%M}", "closes": f"{self.closes:%H:%M}"}


DEFAULT_HOURS = BusinessHours()
HOURS_LABELS = {"opens": gettext_lazy("上班时间"), "closes": gettext_lazy("下班时间")}


def _parse_time(value, name) -> datetime.time:
    text = str(value or "").strip().replace("：", ":")
    try:
        hours, minutes = text.split(":")
        parsed = datetime.time(int(hours), int(minutes))
    except (TypeError, ValueError):
        raise ValueError(
            _("“%(label)s”应写成 09:00 这样的时刻。") % {"label": HOURS_LABELS[name]}
        ) from None
    return parsed


def _clean_hours(params: dict) -> BusinessHours:
    errors = {}
    values = {}
    for name in ("opens", "closes"):
        try:
            values[name] = _parse_time(params.get(name), name)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise ValidationFailed(errors, requirement=REQUIREMENT)
    hours = BusinessHours(values["opens"], values["closes"])
    if hours.length < 3600 * US:
        raise ValidationFailed(
            {"closes": [_("下班时间应晚于上班时间至少 1 小时。")]}, requirement=REQUIREMENT
        )
    return hours


def business_hours() -> BusinessHours:
    """The business hours working units count (default 09:00–17:30, Asia/Shanghai)."""
    stored = SlaSetting.objects.filter(code=BUSINESS_HOURS).values_list("params", flat=True)
    for params in stored:
        try:
            return _clean_hours(params)
        except ValidationFailed:
            break  # edited by hand into nonsense: the default, as a rule's bad parameter is
    return DEFAULT_HOURS


def _clean_clock_params(declared: Clock, params: dict) -> tuple[dict, dict]:
    """(clean params, {name: [errors]}) for a clock's unit and grade targets."""
    clean, errors = {}, {}
    unit = params.get("unit", declared.unit)
    if unit not in SlaUnit.values:
        errors["unit"] = [_("单位应为自然小时、自然日、工作日或工作小时。")]
    else:
        clean["unit"] = unit
    for grade, spec in declared.targets.items():
        if grade not in params:
            clean[grade] = spec.default
            continue
        try:
            clean[grade] = spec.clean(params[grade], grade)
        except ValueError as exc:
            errors[grade] = [str(exc)]
    for name in set(params) - set(declared.targets) - {"unit"}:
        errors[str(name)[:80]] = [_("时限没有此参数。")]
    return clean, errors


def clock_settings(declared: Clock, stored: dict | None = None) -> dict:
    """The unit and the target of each grade a new clock runs with: the stored values, or the
    declared defaults for any that are missing or no longer valid."""
    if stored is None:
        stored = next(
            iter(SlaSetting.objects.filter(code=declared.code).values_list("params", flat=True)),
            {},
        )
    defaults = {"unit": declared.unit, **{g: s.default for g, s in declared.targets.items()}}
    clean, errors = _clean_clock_params(
        declared, {k: v for k, v in stored.items() if k in defaults}
    )
    return {k: (defaults[k] if k in errors else v) for k, v in clean.items()}


@service
def setting_update(*, actor, code: str, params: dict, reason: str = "") -> SlaSetting:
    """Change the business hours or a clock's unit and targets (system administrators held at
    headquarters; audited). New business hours re-time every running clock in working units at
    once; new targets apply to clocks started or regraded from now on."""
    if not access.may(actor, "sla.configure"):
        raise PermissionDenied(
            "forbidden", _("只有总部的系统管理员可以修改时限设置。"), requirement=REQUIREMENT
        )
    if not isinstance(params, dict):
        raise ValidationFailed(
            {"params": [_("参数应为“名称: 值”的对象。")]}, requirement=REQUIREMENT
        )
    if code == BUSINESS_HOURS:
        new = _clean_hours(params).as_params()
    else:
        declared = get_clock(code)
        new, errors = _clean_clock_params(declared, params)
        if errors:
            raise ValidationFailed(errors, requirement=REQUIREMENT)
    SlaSetting.objects.get_or_create(code=code)
    setting = SlaSetting.objects.select_for_update(of=("self",), no_key=True).get(code=code)
    before = dict(setting.params)
    setting.params = new
    setting.updated_at = clock.now()
    setting.updated_by = actor
    setting.save()
    after = dict(new) if code == BUSINESS_HOURS else {"clock": code, **new}
    if code == BUSINESS_HOURS:
        after["recalculated"] = recalculate(units=WORKING_UNITS)
    audit.record(actor, "sla.configure", setting, before=before, after=after, reason=reason)
    return setting


# ---------------------------------------------------------------------------------------------
# The arithmetic


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def _opening(day: datetime.date, hours: BusinessHours) -> datetime.datetime:
    return datetime.datetime.combine(day, hours.opens, tzinfo=timezone.get_current_timezone())


def _position(moment: datetime.datetime, days: DayTable, hours: BusinessHours) -> int:
    """Where ``moment`` lies on the working-time line: the business time (µs) from the start of
    the index up to it. Outside business hours it is the close of the last working day."""
    local = _local(moment)
    working, ordinal = days.info(local.date())
    if not working:
        return ordinal * hours.length
    delta = local - _opening(local.date(), hours)
    into = (delta.days * 86400 + delta.seconds) * US + delta.microseconds
    return (ordinal - 1) * hours.length + min(max(into, 0), hours.length)


def _day_number(position: int, hours: BusinessHours) -> int:
    """The ordinal of the working day a position falls in (ceil: a day's close is that day)."""
    return -(-position // hours.length)


def _moment(position: int, days: DayTable, hours: BusinessHours) -> datetime.datetime:
    """The inverse: the moment business time reaches ``position`` (a position at a day's close
    is that day's close, not the next morning)."""
    number = _day_number(position, hours)
    into = position - (number - 1) * hours.length  # (0, length]
    return _opening(days.numbered(number), hours) + datetime.timedelta(microseconds=into)


@dataclass(frozen=True)
class Timing:
    due_at: datetime.datetime
    warn_at: datetime.datetime
    critical_at: datetime.datetime
    provisional: bool


def _pause_spans(pauses) -> list[tuple[datetime.datetime, datetime.datetime]]:
    return [
        (datetime.datetime.fromisoformat(p["from"]), datetime.datetime.fromisoformat(p["to"]))
        for p in pauses
        if p.get("to")
    ]


def compute(
    *,
    unit: str,
    target,
    started_at: datetime.datetime,
    pauses=(),
    warn_ratio: float = 0.8,
    critical_ratio: float = 2.0,
    days: DayTable | None = None,
    hours: BusinessHours | None = None,
    official: set[int] | None = None,
) -> Timing:
    """The due, warning and critical times of a clock: ``target`` in ``unit`` from
    ``started_at``, moved by every closed pause (the business time it covered, or the real time
    for calendar units)."""
    days = days or DayTable()
    hours = hours or business_hours()
    target = Decimal(str(target))
    spans = _pause_spans(pauses)
    if unit in WORKING_UNITS:
        local_dates = [_local(m).date() for span in spans for m in span]
        days.prime([_local(started_at).date(), *local_dates])
        start = _position(started_at, days, hours)
        if unit == SlaUnit.WORKING_DAYS:
            _working, ordinal = days.info(_local(started_at).date())
            end = ordinal * hours.length + int(target * hours.length)
            length = end - start
        else:
            length = int(target * 3600 * US)
        paused = sum(_position(b, days, hours) - _position(a, days, hours) for a, b in spans)
        positions = {
            ratio: start + paused + int(length * Decimal(str(ratio)))
            for ratio in (1, warn_ratio, critical_ratio)
        }
        days.prime_numbered(_day_number(p, hours) for p in positions.values())

        def point(ratio):
            return _moment(positions[ratio], days, hours)

    else:
        hours_ = target * (24 if unit == SlaUnit.CALENDAR_DAYS else 1)
        length = datetime.timedelta(seconds=float(hours_ * 3600))
        paused = sum((b - a for a, b in spans), datetime.timedelta())

        def point(ratio):
            return started_at + paused + length * ratio

    due_at = point(1)
    first, last = _local(started_at).date(), _local(due_at).date()
    if official is None:
        provisional = bool(calendar.provisional_years(first, last))
    else:
        provisional = any(y not in official for y in range(first.year, last.year + 1))
    return Timing(due_at, point(warn_ratio), point(critical_ratio), provisional)


def _retime(row: SlaClock, declared: Clock, **context) -> None:
    timing = compute(
        unit=row.unit,
        target=row.target,
        started_at=row.started_at,
        pauses=row.pauses,
        warn_ratio=declared.warn_ratio,
        critical_ratio=declared.critical_ratio,
        **context,
    )
    row.due_at, row.warn_at, row.critical_at = timing.due_at, timing.warn_at, timing.critical_at
    row.provisional = timing.provisional


def recalculate(*, since: datetime.date | None = None, units=None) -> int:
    """Re-time the running and paused clocks a calendar change on ``since`` (or a business-hours
    change: ``units``) can move, in one pass over the whole index. Returns how many changed."""
    rows = SlaClock.objects.filter(state__in=ACTIVE)
    if units:
        rows = rows.filter(unit__in=units)
    if since is not None:
        begins = datetime.datetime.combine(
            since, datetime.time.min, tzinfo=timezone.get_current_timezone()
        )
        rows = rows.filter(Q(critical_at__gte=begins) | Q(state=SlaState.PAUSED))
    rows = list(rows)
    if not rows:
        return 0
    context = {
        "days": DayTable.load(),
        "hours": business_hours(),
        "official": calendar.official_years(),
    }
    changed = []
    for row in rows:
        declared = REGISTRY.get(row.code)
        if declared is None:
            continue  # a clock whose declaration was removed keeps its times
        before = (row.due_at, row.warn_at, row.critical_at, row.provisional)
        _retime(row, declared, **context)
        if (row.due_at, row.warn_at, row.critical_at, row.provisional) != before:
            changed.append(row)
    SlaClock.objects.bulk_update(
        changed, ["due_at", "warn_at", "critical_at", "provisional"], batch_size=500
    )
    return len(changed)


# ---------------------------------------------------------------------------------------------
# Services


def _ensure(actor, declared: Clock, operation: str, obj, authorised_by: str) -> None:
    if obj._meta.label != declared.model:
        raise ValueError(f"clock {declared.code} is declared for {declared.model}")
    if authorised_by:
        return  # the caller authorised the step otherwise and says how (as workflow.perform)
    access.ensure(actor, declared.action(operation), obj, requirement=declared.requirement)


def _locked(obj, declared: Clock) -> SlaClock | None:
    return (
        SlaClock.objects.select_for_update(of=("self",), no_key=True)
        .filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            code=declared.code,
        )
        .first()
    )


def _park_id(obj, path: str | None):
    if not path:
        return None
    value = obj
    *through, last = path.split("__")
    for part in through:
        value = getattr(value, part, None)
        if value is None:
            return None
    return getattr(value, f"{last}_id", None) or getattr(getattr(value, last, None), "pk", None)


def _not_started(declared: Clock) -> Conflict:
    return Conflict(
        "sla_not_started",
        _("“%(label)s”尚未开始计时。") % {"label": declared.label},
        requirement=declared.requirement,
    )


WRONG_STATE = {
    "pause": gettext_lazy("“%(label)s”当前为“%(state)s”，不能暂停。"),
    "resume": gettext_lazy("“%(label)s”当前为“%(state)s”，不能恢复。"),
    "regrade": gettext_lazy("“%(label)s”当前为“%(state)s”，不能调整时限。"),
}


def _wrong_state(declared: Clock, row: SlaClock, operation: str) -> Conflict:
    return Conflict(
        "sla_wrong_state",
        str(WRONG_STATE[operation]) % {"label": declared.label, "state": row.get_state_display()},
        requirement=declared.requirement,
    )


def _grade_target(declared: Clock, grade: str) -> tuple[str, Decimal]:
    if grade not in declared.targets:
        raise ValidationFailed(
            {
                "grade": [
                    _("“%(label)s”没有等级“%(grade)s”。")
                    % {"label": declared.label, "grade": grade}
                ]
            },
            requirement=declared.requirement,
        )
    values = clock_settings(declared)
    return values["unit"], Decimal(str(values[grade]))


def _facts(row: SlaClock) -> dict:
    return {
        "clock": row.code,
        "grade": row.grade,
        "unit": row.unit,
        "target": row.target,
        "sla_state": row.state,
        "due_at": row.due_at,
    }


@service
def start(
    *,
    actor,
    obj,
    clock,
    grade: str | None = None,
    since: datetime.datetime | None = None,
    authorised_by: str = "",
) -> SlaClock:
    """Start ``clock`` on ``obj`` now — or ``since`` an earlier moment, when the deadline runs
    from an event recorded afterwards (a complaint received by phone yesterday and entered
    today: entering it late buys no time, R-CMP-3): the target of its grade, ``due_at``
    computed once. Starting a clock that already runs (a resubmission) changes nothing; a clock
    that has ended is never restarted — its outcome is recorded once."""
    declared = get_clock(clock)
    _ensure(actor, declared, "start", obj, authorised_by)
    existing = _locked(obj, declared)
    if existing is not None:
        if existing.is_active:
            return existing
        raise Conflict(
            "sla_finished",
            _("“%(label)s”已结束计时（%(state)s），不能重新开始。")
            % {"label": declared.label, "state": existing.get_state_display()},
            requirement=declared.requirement,
        )
    grade = grade or declared.grade_of(obj)
    unit, target = _grade_target(declared, grade)
    row = SlaClock(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        code=declared.code,
        grade=grade,
        unit=unit,
        target=target,
        park_id=_park_id(obj, declared.park),
        state=SlaState.RUNNING,
        started_at=min(since, _now()) if since else _now(),
    )
    _retime(row, declared)
    row.save()
    audit.record(actor, "sla.start", obj, after={**_facts(row), "started_at": row.started_at})
    return row


@service
def pause(*, actor, obj, clock, reason: str = "", authorised_by: str = "") -> SlaClock:
    """Stop counting (waiting for the customer): the time until ``resume`` moves the deadline."""
    declared = get_clock(clock)
    _ensure(actor, declared, "pause", obj, authorised_by)
    row = _locked(obj, declared)
    if row is None:
        raise _not_started(declared)
    if row.state != SlaState.RUNNING:
        raise _wrong_state(declared, row, "pause")
    now = _now()
    row.state, row.paused_at = SlaState.PAUSED, now
    row.pauses = [*row.pauses, {"from": now.isoformat(), "to": None, "reason": reason[:200]}]
    row.save()
    audit.record(
        actor,
        "sla.pause",
        obj,
        before={"sla_state": SlaState.RUNNING},
        after={"clock": row.code, "sla_state": row.state, "paused_at": now},
        reason=reason,
    )
    return row


def _close_pause(row: SlaClock, now) -> None:
    pauses = [dict(p) for p in row.pauses]
    if pauses and not pauses[-1].get("to"):
        pauses[-1]["to"] = now.isoformat()
    row.pauses, row.paused_at = pauses, None


@service
def resume(*, actor, obj, clock, reason: str = "", authorised_by: str = "") -> SlaClock:
    """Count again; the deadline moves by the business (or real) time the pause covered."""
    declared = get_clock(clock)
    _ensure(actor, declared, "resume", obj, authorised_by)
    row = _locked(obj, declared)
    if row is None:
        raise _not_started(declared)
    if row.state != SlaState.PAUSED:
        raise _wrong_state(declared, row, "resume")
    before = {"sla_state": row.state, "due_at": row.due_at, "paused_at": row.paused_at}
    _close_pause(row, _now())
    row.state = SlaState.RUNNING
    _retime(row, declared)
    row.save()
    audit.record(actor, "sla.resume", obj, before=before, after=_facts(row), reason=reason)
    return row


@service
def regrade(
    *, actor, obj, clock, grade: str, reason: str = "", authorised_by: str = ""
) -> SlaClock:
    """A new grade (a complaint found major): the clock runs to the new grade's target from its
    original start, pauses still counted; ``due_at`` recomputed."""
    declared = get_clock(clock)
    _ensure(actor, declared, "regrade", obj, authorised_by)
    row = _locked(obj, declared)
    if row is None:
        raise _not_started(declared)
    if not row.is_active:
        raise _wrong_state(declared, row, "regrade")
    before = _facts(row)
    row.unit, row.target = _grade_target(declared, grade)
    row.grade = grade
    _retime(row, declared)
    row.save()
    audit.record(actor, "sla.regrade", obj, before=before, after=_facts(row), reason=reason)
    return row


@service
def stop(
    *, actor, obj, clock, cancel: bool = False, reason: str = "", authorised_by: str = ""
) -> SlaClock:
    """End the clock and record its outcome once: met when it ends by ``due_at``, breached
    after it (a paused clock ends its pause first), cancelled when the item is withdrawn
    (``cancel``: not counted by the KPIs). A second stop is refused."""
    declared = get_clock(clock)
    _ensure(actor, declared, "stop", obj, authorised_by)
    row = _locked(obj, declared)
    if row is None:
        raise _not_started(declared)
    if not row.is_active:
        raise Conflict(
            "sla_stopped",
            _("“%(label)s”已结束计时（%(state)s），结果只记录一次。")
            % {"label": declared.label, "state": row.get_state_display()},
            requirement=declared.requirement,
        )
    now = _now()
    before = {"sla_state": row.state, "due_at": row.due_at}
    if row.state == SlaState.PAUSED:
        _close_pause(row, now)
        _retime(row, declared)
    if cancel:
        row.state = SlaState.CANCELLED
    else:
        row.state = SlaState.MET if now <= row.due_at else SlaState.BREACHED
    row.stopped_at = now
    row.save()
    audit.record(
        actor,
        "sla.stop",
        obj,
        before=before,
        after={**_facts(row), "stopped_at": now},
        reason=reason,
    )
    return row


def _now() -> datetime.datetime:
    return clock.now()


# ---------------------------------------------------------------------------------------------
# Selectors: conditions on a domain's own (already scoped) queryset, one query each


def _clocks(queryset, declared: Clock):
    return SlaClock.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), code=declared.code
    )


def clocks_for(queryset, clock):
    """The ``SlaClock`` rows of ``clock`` for the objects of ``queryset``."""
    declared = get_clock(clock)
    return _clocks(queryset, declared).filter(object_id__in=queryset.values("pk"))


def _with(queryset, declared: Clock, **conditions):
    return queryset.filter(
        Exists(_clocks(queryset, declared).filter(object_id=OuterRef("pk"), **conditions))
    )


def overdue(queryset, clock, *, now=None):
    """Objects whose running ``clock`` is past its due time."""
    return _with(queryset, get_clock(clock), state=SlaState.RUNNING, due_at__lt=now or _now())


def due_soon(queryset, clock, *, now=None):
    """Objects whose running ``clock`` has used its warning share of the window (80 %) and is
    not yet overdue."""
    now = now or _now()
    return _with(
        queryset, get_clock(clock), state=SlaState.RUNNING, warn_at__lte=now, due_at__gte=now
    )


def critical(queryset, clock, *, now=None):
    """Objects whose running ``clock`` is past twice its window."""
    return _with(queryset, get_clock(clock), state=SlaState.RUNNING, critical_at__lte=now or _now())


def with_clock(queryset, clock, prefix: str = "sla"):
    """Annotate ``<prefix>_due_at`` and ``<prefix>_state`` (a list shows the due date without a
    query per row)."""
    declared = get_clock(clock)
    row = _clocks(queryset, declared).filter(object_id=OuterRef("pk"))
    return queryset.annotate(
        **{
            f"{prefix}_due_at": Subquery(row.values("due_at")[:1]),
            f"{prefix}_state": Subquery(row.values("state")[:1]),
        }
    )


def attainment(queryset, clock, *, since=None, until=None) -> dict:
    """Met and breached clocks of ``queryset`` ended in [since, until): the SLA attainment KPI
    (R-MON-4). ``rate`` is met / (met + breached), None when nothing ended."""
    rows = clocks_for(queryset, clock).filter(state__in=OUTCOMES)
    if since:
        rows = rows.filter(stopped_at__gte=since)
    if until:
        rows = rows.filter(stopped_at__lt=until)
    counts = dict(rows.values_list("state").annotate(n=Count("*")))
    met, breached = counts.get(SlaState.MET, 0), counts.get(SlaState.BREACHED, 0)
    return {
        "met": met,
        "breached": breached,
        "rate": met / (met + breached) if met + breached else None,
    }


# ---------------------------------------------------------------------------------------------
# Time left, for pages


@dataclass(frozen=True)
class Remaining:
    amount: int  # µs of business time (working units) or of real time; negative: overdue
    working: bool
    day_length: int  # µs in one (working) day
    # Past the due time by the clock on the wall, as the overdue selector says — even when no
    # business time has passed since (Monday 09:00 after a deadline at Friday's close).
    overdue: bool


def remaining(row: SlaClock, *, now=None, days: DayTable | None = None, hours=None) -> Remaining:
    """Time left on a clock at ``now`` (frozen at the pause while paused, at the end once
    stopped): business time for working units, real time otherwise."""
    moment = row.paused_at or row.stopped_at or now or _now()
    if row.unit in WORKING_UNITS:
        days = days or DayTable()
        hours = hours or business_hours()
        days.prime([_local(row.due_at).date(), _local(moment).date()])
        amount = _position(row.due_at, days, hours) - _position(moment, days, hours)
        return Remaining(amount, True, hours.length, moment > row.due_at)
    delta = row.due_at - moment
    amount = (delta.days * 86400 + delta.seconds) * US + delta.microseconds
    return Remaining(amount, False, 86400 * US, moment > row.due_at)


def remaining_text(left: Remaining) -> str:
    """剩余 2 个工作日 3 小时 · 已超时 45 分钟 · 剩余 1 天 2 小时"""
    amount = abs(left.amount)
    whole_days, rest = divmod(amount, left.day_length)
    hours_, rest = divmod(rest, 3600 * US)
    minutes = rest // (60 * US)
    parts = []
    if whole_days:
        unit = _("%(n)s 个工作日") if left.working else _("%(n)s 天")
        parts.append(unit % {"n": whole_days})
    if hours_:
        parts.append(_("%(n)s 小时") % {"n": hours_})
    if minutes and not whole_days:
        parts.append(_("%(n)s 分钟") % {"n": minutes})
    if left.overdue:
        return _("已超时 %(time)s") % {"time": " ".join(parts)} if parts else _("已超时")
    return _("剩余 %(time)s") % {"time": " ".join(parts)} if parts else _("剩余不到 1 分钟")


@dataclass(frozen=True)
class ClockView:
    """One clock of an object as its page shows it."""

    row: SlaClock
    declared: Clock | None
    left: Remaining

    @property
    def label(self) -> str:
        return str(self.declared.label) if self.declared else self.row.code

    @property
    def target_text(self) -> str:
        amount = self.row.target.normalize()
        amount = int(amount) if amount == amount.to_integral() else amount
        return f"{amount} {SlaUnit(self.row.unit).label}"

    @property
    def grade_label(self) -> str:
        if self.declared is None or len(self.declared.targets) < 2:
            return ""
        return self.declared.grade_label(self.row.grade)

    @property
    def remaining(self) -> str:
        return remaining_text(self.left)

    @property
    def overdue(self) -> bool:
        return self.row.is_active and self.left.overdue

    @property
    def due_soon(self) -> bool:
        return (
            self.row.state == SlaState.RUNNING and not self.overdue and self.row.warn_at <= _now()
        )


def clocks_of(obj, *, now=None) -> list[ClockView]:
    """Every clock of one object, with the time left (three queries, however many clocks)."""
    rows = list(
        SlaClock.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("started_at", "id")
    )
    if not rows:
        return []
    now = now or _now()
    days, hours = DayTable(), business_hours()
    days.prime(
        [_local(m).date() for r in rows for m in (r.due_at, r.paused_at or r.stopped_at or now)]
    )
    return [
        ClockView(r, REGISTRY.get(r.code), remaining(r, now=now, days=days, hours=hours))
        for r in rows
    ]
